"""The one table of error codes: what each stable code says to a person, in English and Chinese.

Templates name the error's details in braces: ``{maximum}``, ``{retry_after:duration}`` (a
number of seconds, said as "1 second", "5 minutes", "3 秒"), ``{trips:count}`` (how many items
a list holds); ``backend.i18n.messages`` fills them. A test walks ``backend/`` and holds that
every code raised anywhere has both languages here, and that every placeholder is one each
raise site of the code fills.
"""

from __future__ import annotations

# code → (English, Chinese)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- the categories themselves (backend.errors) and the app's own answers --------------
    "error": ("something went wrong", "出错了，请稍后再试。"),
    "invalid_input": ("the request is not valid", "填写的内容有误，请检查后重试。"),
    "validation_failed": (
        "some fields are missing or wrong",
        "有些内容未填写或格式不对，请检查后重试。",
    ),
    "unauthenticated": ("log in first", "请先登录。"),
    "forbidden": ("this is not allowed", "无权进行此操作。"),
    "not_found": ("not found", "未找到。"),
    "conflict": ("this contradicts what is stored", "操作与当前状态冲突，请刷新后再试。"),
    "payload_too_large": ("the request is too large", "提交的内容过大，请减少后重试。"),
    "unsupported_media_type": ("the request is in a format we do not take", "提交的格式不受支持。"),
    "too_many_requests": (
        "too many requests; try again in {retry_after:duration}",
        "操作太频繁，请 {retry_after:duration}后再试。",
    ),
    "service_unavailable": ("the service is busy; try again shortly", "服务暂时繁忙，请稍后再试。"),
    "database_busy": ("the database is busy; try again in a moment", "系统繁忙，请稍后再试。"),
    "internal_error": ("something went wrong on our side", "系统出错了，我们已记录，请稍后再试。"),
    "no_such_endpoint": ("no such address", "页面或接口不存在，请检查地址。"),
    "method_not_allowed": ("this address does not take that method", "该地址不支持此操作。"),
    "http_error": ("the request could not be served", "请求无法完成，请稍后再试。"),
    # --- watching the service (backend.watching) ---------------------------------------------
    "metrics_token_required": (
        "send the metrics token as Authorization: Bearer <token>",
        "请在 Authorization: Bearer <令牌> 中提供监控指标令牌。",
    ),
    "not_ready": ("the service is not ready yet; try again shortly", "服务尚未就绪，请稍后再试。"),
    # --- reading requests (backend.web, console forms) -------------------------------------
    "client_gone": ("the request was cut off", "请求未发送完整，请重试。"),
    "invalid_encoding": ("the body is not UTF-8", "提交的内容不是 UTF-8 文本。"),
    "malformed_json": (
        "the body is not well-formed JSON",
        "提交的内容格式不对（不是有效的 JSON）。",
    ),
    "malformed_form": ("the form is not valid", "表单内容无效，请刷新页面后重新填写。"),
    "control_character": (
        "a field holds a control character",
        "填写的内容含有不可见的控制字符（如换行），请删除后重试。",
    ),
    "csrf_failed": ("the form is stale; reload the page", "页面已过期，请刷新页面后重新提交。"),
    "invalid_date": ("a date is not valid", "日期格式不对，请按 2026-11-27 的格式填写。"),
    "invalid_status": ("the status is not valid", "状态只能是“有效”或“已冲红”。"),
    "invalid_days": ("the number of days is not valid", "天数应为 1 到 365 的整数。"),
    # --- staff keys, console logins and staff -----------------------------------------------
    "missing_api_key": (
        "send the staff API key",
        "缺少员工密钥，请用 Authorization: Bearer 发送。",
    ),
    "invalid_api_key": ("the API key is not known or revoked", "员工密钥无效或已停用。"),
    "role_not_allowed": ("your role cannot do this", "您的岗位无权进行此操作。"),
    "kind_not_allowed": (
        "your organisation's kind cannot do this",
        "您所在单位的类型不能进行此操作。",
    ),
    "wrong_password": ("the login name or the password is wrong", "登录名或密码不正确。"),
    "not_logged_in": ("log in first", "请先登录，或登录已过期，请重新登录。"),
    "login_slowed": (
        "too many logins; try again in {retry_after:duration}",
        "密码错误次数过多或登录过于频繁，请 {retry_after:duration}后再试。",
    ),
    "login_locked": (
        "too many wrong passwords; try again in {retry_after:duration}",
        "密码错误次数过多，该账号已暂时锁定，请 {retry_after:duration}后再试。",
    ),
    "weak_password": ("the password is too short or too long", "密码长度不符合要求，请重新设置。"),
    "invalid_login": ("the login name is not valid", "登录名为 1 到 50 个字符，不能含空格。"),
    "login_taken": ("the login name is taken", "该登录名已被使用，请换一个。"),
    "staff_not_found": ("no such staff member", "未找到该员工。"),
    "cannot_revoke_self": ("you cannot revoke yourself", "不能停用自己的账号。"),
    # --- issuers --------------------------------------------------------------------------
    "invalid_credit_code": (
        "the 统一社会信用代码 is not valid",
        "统一社会信用代码不正确（18 位，最后一位是校验码）。",
    ),
    "invalid_region": ("the 行政区划代码 is not valid", "行政区划代码应为 6 位数字，例如 440100。"),
    "duplicate_credit_code": (
        "an issuer with this credit code exists",
        "已有使用该统一社会信用代码的单位。",
    ),
    "issuer_not_found": ("no such issuer", "未找到该开票单位。"),
    # --- receipts and issuing ---------------------------------------------------------------
    "receipt_not_found": ("no such receipt", "未找到该票据。"),
    "amounts_do_not_add_up": (
        "the amounts do not add up to the total",
        "金额合计不一致：收费项目之和、各支付方式之和都应等于票据合计。",
    ),
    "already_reversed": ("the receipt has been reversed already", "该票据已冲红，不能再次冲红。"),
    "wrong_receipt_kind": ("reverse this receipt through its own API", "该类票据不能在此冲红。"),
    "reversal_not_reversible": (
        "a red reversal receipt cannot be reversed",
        "红字票据不能再冲红。",
    ),
    "backup_failed": (
        "the backup or restore did not complete",
        "备份或恢复未完成，数据库未被改动；请按提示处理后重试。",
    ),
    "invalid_cursor": ("the page link is not valid", "翻页链接无效，请从第一页重新查看。"),
    "numbers_exhausted": (
        "this 票据代码 has used all its numbers",
        "该票据代码的号码已用完，请联系管理员。",
    ),
    "no_such_image": (
        "the QR code comes as qr.png or qr.svg",
        "二维码只有 qr.png 和 qr.svg 两种格式。",
    ),
    "invalid_idempotency_key": (
        "the Idempotency-Key is not valid",
        "请求编号（Idempotency-Key）格式不对。",
    ),
    "idempotency_key_reused": (
        "this Idempotency-Key was used for another request",
        "该请求编号已用于另一笔请求，请刷新页面后重新提交。",
    ),
    "idempotency_key_in_progress": (
        "the first request with this key is still running; retry shortly",
        "上一次提交仍在处理中，请稍候刷新查看结果。",
    ),
    # --- scan, email, folder -----------------------------------------------------------------
    "unknown_scan_token": (
        "no receipt opens with this code",
        "二维码无效或已失效，请向开票单位索取新的收费告知单。",
    ),
    "too_many_unknown_tokens": (
        "too many unknown receipt codes; try again in {retry_after:duration}",
        "扫码过于频繁，请 {retry_after:duration}后再试。",
    ),
    "invalid_email": (
        "give an email address such as name@example.com",
        "邮箱地址不正确，请填写完整的邮箱，例如 name@example.com。",
    ),
    "email_limit_reached": (
        "the daily email limit is reached; try again tomorrow",
        "今天发送电子票的次数已达上限，请明天再试。",
    ),
    "invalid_reminder": ("the reminder days are not valid", "提醒天数应为 1 到 90 的整数。"),
    "scan_token_not_found": (
        "no receipt opens with this scan token",
        "二维码无效或已失效，无法加入票夹。",
    ),
    "in_another_folder": (
        "this receipt is already in another folder",
        "这张票据已在其他人的票夹中，不能重复添加。",
    ),
    "not_in_folder": ("this receipt is not in your folder", "这张票据不在您的票夹中。"),
    "attachment_not_found": ("the PDF has no such attachment", "该电子票没有这个附件。"),
    "not_a_pdf": ("the file is not a readable PDF", "该文件不是可读取的 PDF。"),
    "ofd_not_available": (
        "OFD copies are made of medical receipts only, so far",
        "目前仅医疗收费票据提供 OFD 版式文件。",
    ),
    # --- mini-program login and sessions ------------------------------------------------------
    "invalid_login_code": (
        "the WeChat login code is not valid; log in again",
        "微信登录已失效，请重新登录。",
    ),
    "login_blocked": ("WeChat blocked this login", "微信判断此次登录存在风险，已拒绝登录。"),
    "wechat_rate_limited": (
        "too many logins; try again in {retry_after:duration}",
        "登录过于频繁，请 {retry_after:duration}后再试。",
    ),
    "wechat_busy": ("WeChat is busy; try again shortly", "微信服务繁忙，请稍后再试。"),
    "wechat_unreachable": (
        "WeChat did not answer; try again shortly",
        "暂时连不上微信，请稍后再试。",
    ),
    "wechat_failed": ("WeChat refused the login", "微信登录失败，请稍后再试。"),
    "wechat_login_not_configured": (
        "mini-program login is not set up",
        "小程序登录暂不可用，请联系管理员。",
    ),
    "missing_session_token": ("log in first", "请先登录。"),
    "unknown_session": ("the session is not known; log in again", "登录信息无效，请重新登录。"),
    "session_expired": ("the session has expired; log in again", "登录已过期，请重新登录。"),
    "session_revoked": ("the session was logged out; log in again", "您已退出登录，请重新登录。"),
    # --- transit --------------------------------------------------------------------------
    "too_many_trips": ("too many trips in one batch", "一次上传的行程过多，请分批上传。"),
    "invalid_title": (
        "the buyer title is not valid",
        "抬头信息不正确：单位抬头的统一社会信用代码不正确或未填写（共 18 位，最后一位是校验码）；"
        "个人抬头只需填写姓名。",
    ),
    "trip_count_out_of_range": (
        "an invoice covers 1 to {maximum} trips",
        "一张发票最多包含 {maximum} 笔行程，请减少所选行程。",
    ),
    "duplicate_trips": (
        "each trip may be named once",
        "同一笔行程选了两次，请刷新页面后重新选择。",
    ),
    "trips_not_found": (
        "{trips:count} trips are not yours or do not exist",
        "所选行程中有 {trips:count} 笔不存在或不属于您，请刷新后重新选择。",
    ),
    "trips_outside_window": (
        "{trips:count} trips are too old to invoice",
        "所选行程中有 {trips:count} 笔已超过可开票期限，请取消选择后重试。",
    ),
    "trips_of_several_issuers": (
        "one invoice covers one operator's trips",
        "一张发票只能包含同一家地铁公司的行程，请分开开票。",
    ),
    "trips_already_invoiced": (
        "{trips:count} trips are already invoiced",
        "所选行程中有 {trips:count} 笔已经开过发票，请刷新后重新选择。",
    ),
    "card_bound_elsewhere": (
        "this card is bound to another account",
        "这张交通卡已绑定在其他账号上，无法重复绑定。",
    ),
    "card_proof_mismatch": (
        "no trip on the card matches",
        "行程信息不符，请核对卡号，以及这次乘车的日期、进站站名和票价后重试。",
    ),
    "proof_date_out_of_range": ("name a recent trip", "请填写最近一段时间内的一次乘车。"),
    "card_proof_limit": (
        "too many failed proofs today; try again tomorrow",
        "今天验证失败的次数过多，请明天再试。",
    ),
    "invoice_not_found": ("no such invoice", "未找到该发票。"),
    "invoice_not_valid": (
        "the invoice was reversed or is a red reversal",
        "该发票已冲红或为红字发票，不能进行此操作。",
    ),
    "not_a_transit_issuer": (
        "only a transit issuer can do this",
        "只有公共交通开票单位可以进行此操作。",
    ),
    # --- verification and reimbursement -----------------------------------------------------
    "no_matching_receipt": (
        "no receipt matches",
        "查无此票：请核对票据代码、票据号码、校验码（及开票日期、金额）。",
    ),
    "more_elements_needed": (
        "give the date and amount too",
        "有多张票据与所填信息相符，请同时填写开票日期和金额。",
    ),
    "daily_verification_limit": (
        "verified too often today; try again tomorrow",
        "超过当日限制查验次数，请明天再查。",
    ),
    "too_many_verifications": (
        "too many verifications; try again in {retry_after:duration}",
        "查验过于频繁，请 {retry_after:duration}后再试。",
    ),
    "not_a_reimbursing_party": (
        "only a reimbursing party can claim receipts",
        "只有登记为报销单位的员工可以进行报销操作。",
    ),
    "already_claimed": (
        "the receipt is claimed for reimbursement already",
        "该票据已被报销单位锁定或已报销，不能重复报销。",
    ),
    "not_locked": ("the receipt is not locked", "该票据未锁定，请先锁定再操作。"),
    "already_closed": ("the reimbursement is closed", "该票据已报销完成，不能解锁。"),
    "receipt_not_reimbursable": (
        "the receipt cannot be reimbursed",
        "该票据已冲红或为红字票据，不能报销。",
    ),
    "receipt_tampered": (
        "the receipt does not match the ledger",
        "该票据数据与账本记录不符，已拒绝。请联系开票单位。",
    ),
    "receipt_claimed_locked": (
        "the receipt is locked for reimbursement",
        "该票据已被报销单位锁定，解锁前不能冲红。",
    ),
    "receipt_claimed_closed": ("the receipt has been reimbursed", "该票据已报销完成，不能冲红。"),
    "reversal_not_confirmed": (
        "confirm the reversal on its confirmation page first",
        "请先在确认页面核对后再冲红。",
    ),
    # --- the ledger and whereabouts -----------------------------------------------------------
    "tile_not_found": ("no such tile", "账本中没有这一段数据。"),
    "no_checkpoint_yet": ("the ledger has no checkpoint yet", "账本尚未生成检查点，请稍后再试。"),
    "not_yet_anchored": ("the receipt is not in the ledger yet", "票据正在上链，请稍后再试。"),
    "proof_unavailable": ("the proof is not available", "暂时无法提供账本证明，请稍后再试。"),
    "no_such_statement": (
        "the receipt has no ledger statement at that position",
        "该票据在账本中没有这一条记录。",
    ),
    "limiter_unavailable": (
        "the rate limit cannot be checked; try again in {retry_after:duration}",
        "服务暂时繁忙，请 {retry_after:duration}后再试。",
    ),
    "invalid_range": (
        "the day range is not valid",
        "日期范围不正确：结束日期不能早于开始日期，且不能过长。",
    ),
    "invalid_state": ("the state is not valid", "状态不正确，请从列表中选择。"),
}
