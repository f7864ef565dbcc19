"""Field errors in a person's words: which field (医保统筹基金支付金额, not ``payment.fund``) and
what is wrong with it, in Chinese, from a pydantic error (its ``loc``, ``type`` and ``ctx``).

Labels are keyed by the field's path with list positions as ``*``; a path not listed is named by
its last known part, and failing that said as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The fields of the request bodies and queries the pages and the mini-program submit.
FIELD_LABELS: dict[str, str] = {
    # hospital issuing (the console's issue form sends these too)
    "payer": "交款人信息",
    "payer.name": "交款人姓名",
    "payer.id_number": "身份证号",
    "payer.email": "邮箱",
    "payer.phone": "手机号",
    "visit": "就诊信息",
    "visit.type": "就诊类型",
    "visit.number": "门诊/住院号",
    "visit.department": "科室",
    "visit.start_date": "就诊日期",
    "visit.end_date": "出院日期",
    "items": "收费项目",
    "items.*": "第 {n} 行收费项目",
    "items.*.category": "第 {n} 行收费项目的类别",
    "items.*.name": "第 {n} 行收费项目的名称",
    "items.*.quantity": "第 {n} 行收费项目的数量",
    "items.*.unit": "第 {n} 行收费项目的单位",
    "items.*.amount": "第 {n} 行收费项目的金额",
    "payment": "支付方式",
    "payment.fund": "医保统筹基金支付金额",
    "payment.other": "其他支付金额",
    "payment.account": "个人账户支付金额",
    "payment.cash": "个人现金支付金额",
    "total": "票据合计金额",
    "reason": "冲红原因",
    # scan and email
    "to": "邮箱地址",
    "email": "邮箱地址",
    # verification
    "code": "票据代码",
    "number": "票据号码",
    "check": "校验码",
    "date": "开票日期",
    "amount": "金额",
    # folder and mini-program
    "token": "二维码",
    "kind": "票据类型",
    "month": "月份",
    "cursor": "翻页位置",
    "limit": "每页条数",
    "from": "开始日期",
    # transit: invoices and cards
    "trips": "所选行程",
    "trips.*": "第 {n} 笔行程",
    "title": "发票抬头",
    "title.kind": "抬头类型",
    "title.name": "抬头名称",
    "title.tax_id": "统一社会信用代码",
    "card": "交通卡号",
    "trip": "乘车信息",
    "trip.date": "乘车日期",
    "trip.entry_station": "进站站名",
    "trip.fare": "票价",
    "after_days": "提醒天数",
    "body": "提交的内容",
}

# What is wrong, by pydantic's error type; ``{…}`` are the error's ``ctx``.
REASONS: dict[str, str] = {
    "missing": "未填写",
    "extra_forbidden": "不是可以填写的项",
    "string_too_short": "不能为空",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不对",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "list_type": "应为列表",
    "enum": "请从列表中选择",
    "literal_error": "请从列表中选择",
    "date_from_datetime_parsing": "应为日期，例如 2026-11-27",
    "date_parsing": "应为日期，例如 2026-11-27",
    "date_type": "应为日期，例如 2026-11-27",
    "model_type": "格式不对",
    "model_attributes_type": "格式不对",
    "control_character": "含有不可见的控制字符（如换行），请删除",
    "bool_type": "应为是或否",
}

# Our own validators' sentences (pydantic ``value_error``), by their English words.
VALUE_ERRORS: dict[str, str] = {
    "amounts cannot be negative": "不能为负数",
    'amounts are strings with up to two decimals, such as "85.60"': (
        "应为最多两位小数的金额，例如 85.60"
    ),
    "amounts above 100000000.00 are not accepted": "不能超过 100000000.00 元",
    "the check digit of this 居民身份证号码 is wrong": "校验位不正确，请核对身份证号",
    "a 居民身份证号码 has 17 digits and a check digit or X": "应为 18 位，最后一位是数字或 X",
    "not an email address such as name@example.com": "不是有效的邮箱地址，例如 name@example.com",
    "end_date is before start_date": "出院日期早于就诊日期",
    'a positive quantity with up to four decimals, such as "2" or "0.5"': (
        "应为正数，最多四位小数，例如 2 或 0.5"
    ),
    "a fare is above 0.00 and at most 1000.00": "应大于 0.00 且不超过 1000.00 元",
    "the exit time is before the entry time": "出站时间早于进站时间",
}
GENERIC_REASON = "格式不对，请检查"


def field_label(loc: Sequence[str | int]) -> str:
    """The Chinese name of the field at ``loc`` (e.g. ``("items", 0, "amount")``)."""
    parts = [str(p) for p in loc]
    key = ".".join("*" if p.isdigit() else p for p in parts)
    positions = [int(p) + 1 for p in parts if p.isdigit()]
    label = FIELD_LABELS.get(key)
    if label is None:
        # A nested path we do not list: its last named part says most.
        named = [p for p in parts if not p.isdigit()]
        label = FIELD_LABELS.get(named[-1]) if named else None
    if label is None:
        return ".".join(parts) or FIELD_LABELS["body"]
    return label.replace("{n}", str(positions[0])) if positions else label.replace("{n} ", "")


def reason(error: Mapping[str, Any]) -> str:
    """What is wrong, in Chinese, for one pydantic error (``type``, ``msg``, ``ctx``)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "pattern"):  # our validators' own sentences
        text = str(error.get("msg", "")).removeprefix("Value error, ")
        if text.endswith("is not an amount such as 123.45"):
            return VALUE_ERRORS['amounts are strings with up to two decimals, such as "85.60"']
        return VALUE_ERRORS.get(text, REASONS["string_pattern_mismatch"])
    if kind == "string_too_short" and int(ctx.get("min_length", 1)) > 1:
        return f"至少 {ctx['min_length']} 个字符"
    template = REASONS.get(kind)
    if template is None:
        return GENERIC_REASON
    try:
        return template.format(**{k: str(v) for k, v in ctx.items()})
    except (KeyError, IndexError):
        return GENERIC_REASON


def problem(error: Mapping[str, Any]) -> str:
    """One field error as a person reads it: ``医保统筹基金支付金额：不能为负数``."""
    return f"{field_label(error.get('loc', ()))}：{reason(error)}"


def summary(errors: Sequence[Mapping[str, Any]], *, shown: int = 5) -> str:
    """Several field errors in one Chinese sentence, the first ``shown`` of them."""
    said = "；".join(problem(e) for e in errors[:shown])
    if len(errors) > shown:
        said += f"；另有 {len(errors) - shown} 处"
    return said + "。" if said else "有些内容未填写或格式不对，请检查后重试。"
