"""The console's pages: thin views that parse a form, call one service and render a template.

Every page needs a live console session (else GET redirects to the login page); every POST is
refused with 403 ``csrf_failed`` before anything else unless it carries the CSRF token of its
session (or, for the login form, of its pre-login cookie). Pages send a strict Content Security
Policy without any script source: the console runs no JavaScript.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Awaitable, Callable, Collection, Iterable
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

from markupsafe import Markup
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from tortoise.backends.base.client import BaseDBAsyncClient

from backend.chinatime import parse_day
from backend.console import csrf, reversal
from backend.console.chart import per_day_svg
from backend.console.errors import (
    ConsoleKindNotAllowed,
    ConsoleRoleNotAllowed,
    CsrfFailed,
    NotLoggedIn,
)
from backend.console.issue_form import (
    Problems,
    payload_from_form,
    split_problems,
    validation_problems,
)
from backend.console.services import ConsoleService
from backend.errors import DomainError, InvalidInput, PayloadTooLarge, UnsupportedMedia
from backend.hospital.schemas import Category, IssueMedicalReceipt
from backend.i18n.messages import chinese
from backend.idempotency.services import Answer, request_fingerprint
from backend.issuers.models import IssuerKind, Staff, StaffRole
from backend.receipts.errors import ReceiptNotFound
from backend.receipts.models import ReceiptKind, ReceiptStatus
from backend.receipts.money import format_fen
from backend.receipts.schemas import china_time
from backend.receipts.services import ReceiptFilter
from backend.textfields import control_character
from backend.web import content_disposition, read_body, services, validation_failed
from backend.whereabouts.services import EVENT_LABELS, STATE_LABELS, STATES, WhereaboutsService
from backend.whereabouts.views import whereabouts

SESSION_COOKIE = "pj_console"
LOGIN_COOKIE = "pj_console_login"
CASHIER = (StaffRole.CASHIER,)
READERS = (StaffRole.CASHIER, StaffRole.ADMIN)
ADMIN = (StaffRole.ADMIN,)
# Which issuers' staff may open a page: issuing and 冲红 are medical, for hospitals only (a
# metro's invoices are reversed through the transit API, which frees their trips).
HOSPITAL = (IssuerKind.HOSPITAL,)
ISSUERS = (IssuerKind.HOSPITAL, IssuerKind.TRANSIT)
ANY_KIND = tuple(IssuerKind)
FORM_ROWS = 5
MAX_FORM_ROWS = 50
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' "
    "data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ROLE_LABELS = {"cashier": "收费员", "admin": "管理员", "operator": "运营", "reimburser": "报销"}
Form = dict[str, str]
# Every page's access rule (roles, kinds) by view name, as its ``page`` decorator states it.
PAGE_ACCESS: dict[str, tuple[tuple[StaffRole, ...], tuple[IssuerKind, ...]]] = {}
Page = Callable[[Request, Staff, Form], Awaitable[Response]]


def console(request: Request) -> ConsoleService:
    return services(request).console


def _secret(request: Request) -> bytes:
    return str(request.app.state.settings.secret_key.reveal()).encode()


def _status_of(exc: DomainError) -> int:
    from backend.app import STATUS_BY_ERROR  # the one table; imported late (app imports us)

    return next(code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind))


def render(
    request: Request,
    template: str,
    status: int = 200,
    *,
    staff: Staff | None = None,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered with the page context (staff, CSRF token, labels), with the
    console's security headers."""
    token = request.cookies.get(SESSION_COOKIE)
    html = request.app.state.templates.get_template(template).render(
        staff=staff,
        role_label=ROLE_LABELS,
        csrf_token=csrf.token_for(_secret(request), "session", token) if token else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _error_page(request: Request, exc: DomainError, staff: Staff | None) -> Response:
    status = _status_of(exc)
    response = render(
        request, "console/error.html", status, staff=staff, code=exc.code, message=chinese(exc)
    )
    if isinstance(exc, PayloadTooLarge):
        # The rest of the body is not read: close the connection and say so, as the API does.
        response.headers["Connection"] = "close"
    if isinstance(exc, (ConsoleRoleNotAllowed, CsrfFailed, NotLoggedIn)):
        return response
    retry = getattr(exc, "retry_after", None)
    if retry is not None:
        response.headers["Retry-After"] = str(retry)
    return response


async def read_form(request: Request) -> Form:
    """The URL-encoded form body (first value of each field), within the body size limit."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request)
    if not body and not kind:
        return {}  # a form with no fields at all: its CSRF token is missing, not its type
    if kind != "application/x-www-form-urlencoded":
        raise UnsupportedMedia("console forms are sent as application/x-www-form-urlencoded")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=1000)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput("the form is not valid", code="malformed_form") from exc
    form = {name: values[0] for name, values in fields.items()}
    _refuse_control(form.items())
    return form


def _refuse_control(fields: Iterable[tuple[str, str]]) -> None:
    """Every console input is single-line text: no NUL, line break or other control character
    reaches a query, a receipt or a log (see ``backend.textfields``)."""
    for name, value in fields:
        found = control_character(name) or control_character(value)
        if found is not None:
            raise InvalidInput(
                f"{name[:40]!r} contains the control character {found}; remove it and resend",
                code="control_character",
            )


def page(
    roles: Collection[StaffRole], kinds: Collection[IssuerKind]
) -> Callable[[Page], Callable[[Request], Awaitable[Response]]]:
    """Wrap a console view: session, issuer kind and role, and (for POST) CSRF checks, HTML
    error pages. ``roles`` and ``kinds`` are the page's access rule, stated at the view."""

    def wrap(view: Page) -> Callable[[Request], Awaitable[Response]]:
        PAGE_ACCESS[view.__name__] = (tuple(roles), tuple(kinds))

        async def handler(request: Request) -> Response:
            staff: Staff | None = None
            try:
                _refuse_control(request.query_params.multi_items())
                form: Form = {}
                if request.method == "POST":
                    form = await read_form(request)
                    session_token = request.cookies.get(SESSION_COOKIE)
                    if not csrf.is_valid(
                        _secret(request), "session", session_token, form.get("csrf_token")
                    ):
                        raise CsrfFailed("the form's security token is missing or stale; reload")
                try:
                    staff = await console(request).authenticate(request.cookies.get(SESSION_COOKIE))
                except NotLoggedIn:
                    if request.method == "GET":
                        target = "/console/login?" + urlencode({"next": request.url.path})
                        return RedirectResponse(target, status_code=303)
                    raise
                if staff.issuer.kind not in kinds:
                    raise ConsoleKindNotAllowed(
                        "你所在单位的类型不能使用此页面 (your issuer's kind cannot open this page)"
                    )
                if staff.role not in roles:
                    raise ConsoleRoleNotAllowed("your role cannot open this page")
                return await view(request, staff, form)
            except DomainError as exc:
                return _error_page(request, exc, staff)

        handler.__name__ = view.__name__
        handler.__doc__ = view.__doc__
        return handler

    return wrap


def _cookie_secure(request: Request) -> bool:
    # Behind a proxy that ends TLS the request itself arrives over http (X-Forwarded-Proto is
    # not believed): the public address says whether people reach us over https.
    public: str = request.app.state.settings.public_base_url
    return request.url.scheme == "https" or public.startswith("https://")


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an absolute or scheme-relative URL.
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


async def login_page(request: Request) -> Response:
    binding = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request,
        "console/login.html",
        login_csrf=csrf.token_for(_secret(request), "login", binding),
        next=_safe_next(request.query_params.get("next")),
        login="",
        message=None,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        binding,
        max_age=3600,
        path="/console",
        httponly=True,
        secure=_cookie_secure(request),
        samesite="lax",
    )
    return response


async def login_submit(request: Request) -> Response:
    binding = request.cookies.get(LOGIN_COOKIE)
    form: Form = {}
    try:
        form = await read_form(request)
        if not csrf.is_valid(_secret(request), "login", binding, form.get("csrf_token")):
            raise CsrfFailed("the form's security token is missing or stale; reload the page")
        session = await console(request).login(form.get("login", ""), form.get("password", ""))
    except DomainError as exc:
        if isinstance(exc, (CsrfFailed, PayloadTooLarge)) or binding is None:
            return _error_page(request, exc, None)
        again = render(
            request,
            "console/login.html",
            _status_of(exc),
            login_csrf=csrf.token_for(_secret(request), "login", binding),
            next=_safe_next(form.get("next")),
            login=form.get("login", "")[:50],
            message=chinese(exc),  # with the wait a lockout names, in seconds
        )
        retry = getattr(exc, "retry_after", None)
        if retry is not None:
            again.headers["Retry-After"] = str(retry)
        return again
    done = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    # A browser-session cookie: the server ends the session at expires_at in any case.
    done.set_cookie(
        SESSION_COOKIE,
        session.token,
        path="/",
        httponly=True,
        secure=_cookie_secure(request),
        samesite="lax",
    )
    done.delete_cookie(LOGIN_COOKIE, path="/console")
    return done


@page((*READERS, StaffRole.OPERATOR, StaffRole.REIMBURSER), ANY_KIND)
async def logout(request: Request, staff: Staff, form: Form) -> Response:
    """End the session and return to the login page."""
    await console(request).logout(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@page(READERS, ISSUERS)
async def home(request: Request, staff: Staff, form: Form) -> Response:
    """Where a staff member starts: the dashboard for an admin, the receipts for a cashier."""
    target = "/console/dashboard" if staff.role == StaffRole.ADMIN else "/console/receipts"
    return RedirectResponse(target, status_code=303)


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_date") from exc


@page(READERS, ISSUERS)
async def receipts_page(request: Request, staff: Staff, form: Form) -> Response:
    """Find receipts: by payer name, status and days; 50 at a time, newest first."""
    q = request.query_params
    status_text = q.get("status") or None
    if status_text is not None and status_text not in ReceiptStatus._value2member_map_:
        raise InvalidInput("status is valid or reversed", code="invalid_status")
    filters = ReceiptFilter(
        issued_from=_date(q.get("from")),
        issued_to=_date(q.get("to")),
        status=ReceiptStatus(status_text) if status_text else None,
        payer_name=(q.get("payer") or "").strip()[:100] or None,
    )
    found, next_cursor = await services(request).receipts.list(
        staff.issuer, filters, limit=50, cursor=q.get("cursor") or None
    )
    keep = {k: v for k, v in q.items() if k != "cursor" and v}
    next_link = f"?{urlencode({**keep, 'cursor': next_cursor})}" if next_cursor else None
    return render(
        request,
        "console/receipts.html",
        staff=staff,
        receipts=[
            {
                "id": r.id,
                "code": r.code,
                "number": r.number,
                "issued_at": china_time(r.issued_at)[:16].replace("T", " "),
                "payer_name": r.payer_name,
                "total": format_fen(r.total_fen),
                "status": r.status,
                "red": r.reverses_id is not None,  # type: ignore[attr-defined]
            }
            for r in found
        ],
        query=keep,
        next_link=next_link,
    )


def _rows(request: Request) -> int:
    try:
        return max(FORM_ROWS, min(int(request.query_params.get("rows", FORM_ROWS)), MAX_FORM_ROWS))
    except ValueError:
        return FORM_ROWS


def _issue_form(
    request: Request,
    staff: Staff,
    values: Form,
    rows: int,
    problems: Problems | None = None,
    status: int = 200,
) -> Response:
    """The issuing form with ``values`` as entered and, next to each field, what is wrong."""
    problems = problems or Problems()
    return render(
        request,
        "console/issue.html",
        status,
        staff=staff,
        values=values,
        rows=rows,
        errors=problems.messages,
        field_errors=problems.by_field,
        categories=[c.value for c in Category],
        visit_types=[("outpatient", "门诊"), ("inpatient", "住院")],
        idempotency_key=values.get("idempotency_key") or str(uuid.uuid4()),
    )


@page(CASHIER, HOSPITAL)
async def issue_page(request: Request, staff: Staff, form: Form) -> Response:
    """The issuing form: payer, visit, an item table and the payment split."""
    return _issue_form(request, staff, {}, _rows(request))


@page(CASHIER, HOSPITAL)
async def issue_submit(request: Request, staff: Staff, form: Form) -> Response:
    """Issue the receipt the form describes; on bad input show the form again with what is
    wrong, having written nothing. A double submit (same hidden key) issues once."""
    try:
        rows = max(FORM_ROWS, min(int(form.get("rows", FORM_ROWS)), MAX_FORM_ROWS))
    except ValueError:
        rows = FORM_ROWS
    filled = payload_from_form(form, rows)
    payload = filled.payload
    wrong = split_problems(form, filled)
    if wrong.messages:
        return _issue_form(request, staff, form, rows, wrong, 422)
    try:
        request_body = IssueMedicalReceipt.model_validate(payload)
    except ValidationError as exc:
        wrong = validation_problems(validation_failed(exc).errors, filled.rows)
        return _issue_form(request, staff, form, rows, wrong, 422)
    found = services(request)

    async def issue(conn: BaseDBAsyncClient) -> Answer:
        loaded = await found.hospital.issue(conn, staff=staff, request=request_body)
        return Answer(201, json.dumps({"id": str(loaded.receipt.id)}).encode())

    body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    try:
        answer = await found.idempotency.run(
            staff=staff,
            key=form.get("idempotency_key") or None,
            fingerprint=request_fingerprint("POST", "/console/receipts", body),
            operation=issue,
        )
    except InvalidInput as exc:
        wrong = Problems()
        wrong.add(None, chinese(exc))
        return _issue_form(request, staff, form, rows, wrong, _status_of(exc))
    receipt_id = json.loads(answer.body)["id"]
    return RedirectResponse(f"/console/receipts/{receipt_id}?issued=1", status_code=303)


def _receipt_id(request: Request) -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params["receipt_id"])
    except ValueError as exc:
        raise ReceiptNotFound("no receipt with that id") from exc


@page(READERS, ISSUERS)
async def receipt_page(request: Request, staff: Staff, form: Form) -> Response:
    """One receipt: items, split, status, its event trail, print and reverse actions."""
    receipt_id = _receipt_id(request)
    loaded = await services(request).receipts.get(staff.issuer, receipt_id)
    trail = await whereabouts(request).trail(staff.issuer, receipt_id)
    r = loaded.receipt
    reversible = (
        staff.role == StaffRole.CASHIER
        and staff.issuer.kind == IssuerKind.HOSPITAL
        and r.kind == ReceiptKind.MEDICAL
        and r.status == ReceiptStatus.VALID
        and loaded.reverses is None
    )
    # A claimed receipt keeps its form out and says why (the reversal would be refused).
    blocked = await services(request).receipts.reversal_refusal(r.id) if reversible else None
    return render(
        request,
        "console/receipt.html",
        staff=staff,
        r=r,
        items=loaded.items,
        reverses=loaded.reverses,
        reversed_by=loaded.reversed_by,
        issued_at=china_time(r.issued_at)[:16].replace("T", " "),
        trail=[
            {
                "label": e.label,
                "type": e.type,
                "at": china_time(e.at)[:19].replace("T", " "),
                "staff": e.staff_name,
            }
            for e in trail
        ],
        can_reverse=reversible and blocked is None,
        reversal_blocked=blocked.message if blocked else None,
        just_issued=request.query_params.get("issued") == "1",
        idempotency_key=str(uuid.uuid4()),
    )


@page(READERS, ISSUERS)
async def slip(request: Request, staff: Staff, form: Form) -> Response:
    """Print the fee slip: the PDF shown inline (it opens in the browser's viewer, ready to
    print) under its Chinese name, and a ``slip_printed`` event on the trail."""
    receipt_id = _receipt_id(request)
    rendered = await services(request).documents.slip_pdf(staff.issuer, receipt_id)
    await console(request).record_slip_printed(staff, receipt_id)
    return Response(
        rendered.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(rendered.filename, fallback="slip"),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@page(CASHIER, HOSPITAL)
async def reverse_confirm(request: Request, staff: Staff, form: Form) -> Response:
    """Step one of 冲红: what the reversal will do, and a form to confirm it; writes nothing."""
    reason, session = reversal.reason_of(form), request.cookies.get(SESSION_COOKIE, "")
    found = await reversal.confirmation(
        services(request), staff, _receipt_id(request), reason, _secret(request), session
    )
    r = found.loaded.receipt
    issued_at = china_time(r.issued_at)[:16].replace("T", " ")
    key = form.get("idempotency_key") or str(uuid.uuid4())
    return render(
        request, "console/reversal_confirm.html", staff=staff, r=r, issued_at=issued_at,
        reason=reason, confirmation=found.token, idempotency_key=key,
    )  # fmt: skip


@page(CASHIER, HOSPITAL)
async def reverse(request: Request, staff: Staff, form: Form) -> Response:
    """Step two of 冲红, posted from the confirmation page only; shows the red receipt."""
    session = request.cookies.get(SESSION_COOKIE, "")
    red_id = await reversal.reverse_confirmed(
        services(request), staff, _receipt_id(request), form, _secret(request), session
    )
    return RedirectResponse(f"/console/receipts/{red_id}", status_code=303)


def _unopened_days(text: str | None) -> int:
    if not text:
        return 7
    if not text.isdigit() or not 1 <= int(text) <= 365:
        raise InvalidInput("unopened_days is a whole number of days, 1 to 365", code="invalid_days")
    return int(text)


@page(ADMIN, ISSUERS)
async def dashboard(request: Request, staff: Staff, form: Form) -> Response:
    """The whereabouts dashboard: counts by state, the per-day chart, unopened receipts,
    failed emails and the CSV export."""
    q = request.query_params
    service: WhereaboutsService = whereabouts(request)
    days = service.day_range(_date(q.get("from")), _date(q.get("to")), default_days=14)
    unopened_days = _unopened_days(q.get("unopened_days"))
    stats = await service.stats(staff.issuer, days, unopened_days=unopened_days)
    chart = per_day_svg(stats.per_day, STATES, STATE_LABELS)
    return render(
        request,
        "console/dashboard.html",
        staff=staff,
        stats=stats,
        chart=Markup(chart),  # per_day_svg escapes every text it draws
        states=STATES,
        state_labels=STATE_LABELS,
        event_labels=EVENT_LABELS,
        csv_link="/console/dashboard/receipts.csv?"
        + urlencode({"from": days.first.isoformat(), "to": days.last.isoformat()}),
        fmt_time=lambda at: china_time(at)[:16].replace("T", " "),
        yuan=format_fen,
    )


@page(ADMIN, ISSUERS)
async def dashboard_csv(request: Request, staff: Staff, form: Form) -> Response:
    """The dashboard's receipts with their whereabouts, as a CSV download."""
    q = request.query_params
    service = whereabouts(request)
    days = service.day_range(_date(q.get("from")), _date(q.get("to")))
    text = await service.csv_export(staff.issuer, days)
    name = f"receipts-{days.first:%Y%m%d}-{days.last:%Y%m%d}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


async def _staff_page(
    request: Request,
    staff: Staff,
    status: int = 200,
    message: str | None = None,
    values: Form | None = None,
) -> Response:
    people = await console(request).staff_of(staff.issuer)
    reminder = await services(request).outbox.reminder(staff.issuer.id)
    return render(
        request,
        "console/staff.html",
        status,
        staff=staff,
        people=people,
        reminder=reminder,
        roles=[("cashier", "收费员"), ("admin", "管理员")],
        message=message,
        values=values or {},
    )


@page(ADMIN, ISSUERS)
async def staff_page(request: Request, staff: Staff, form: Form) -> Response:
    """The issuer's staff, a form to add one with a console login, and revoke buttons."""
    return await _staff_page(request, staff)


@page(ADMIN, ISSUERS)
async def staff_create(request: Request, staff: Staff, form: Form) -> Response:
    """Add a cashier or admin with a console login; on bad input nothing is written."""
    role_text = form.get("role", "")
    if role_text not in ("cashier", "admin"):
        return await _staff_page(request, staff, 422, "选择收费员或管理员", form)
    try:
        await console(request).create_staff(
            staff,
            name=form.get("name", ""),
            role=StaffRole(role_text),
            login=form.get("login", ""),
            password=form.get("password", ""),
        )
    except DomainError as exc:
        return await _staff_page(request, staff, _status_of(exc), exc.message, form)
    return RedirectResponse("/console/staff", status_code=303)


@page(ADMIN, ISSUERS)
async def staff_revoke(request: Request, staff: Staff, form: Form) -> Response:
    """Revoke one of the issuer's staff members: key and sessions stop working."""
    try:
        staff_id = uuid.UUID(request.path_params["staff_id"])
    except ValueError as exc:
        raise InvalidInput("no staff member with that id", code="staff_not_found") from exc
    await console(request).revoke_staff(staff, staff_id)
    return RedirectResponse("/console/staff", status_code=303)


@page(ADMIN, ISSUERS)
async def reminder_set(request: Request, staff: Staff, form: Form) -> Response:
    """Turn the unopened-receipt reminder on (after 1 to 90 days) or off (an empty field)."""
    text = form.get("after_days", "").strip()
    if text and not text.isdigit():
        return await _staff_page(request, staff, 422, "提醒天数为 1 到 90 的整数，留空即关闭", form)
    try:
        await services(request).outbox.set_reminder(
            staff.issuer.id, after_days=int(text) if text else None
        )
    except DomainError as exc:
        return await _staff_page(request, staff, _status_of(exc), exc.message, form)
    return RedirectResponse("/console/staff", status_code=303)


# (method, path, handler, name): routed by app.py like the API endpoints, but kept out of the
# OpenAPI description, since these are pages, not API operations.
PAGES: list[tuple[str, str, Callable[[Request], Awaitable[Response]], str]] = [
    ("GET", "/console/login", login_page, "console.login_page"),
    ("POST", "/console/login", login_submit, "console.login"),
    ("POST", "/console/logout", logout, "console.logout"),
    ("GET", "/console", home, "console.home"),
    ("GET", "/console/receipts", receipts_page, "console.receipts"),
    ("GET", "/console/receipts/new", issue_page, "console.issue_page"),
    ("POST", "/console/receipts", issue_submit, "console.issue"),
    ("GET", "/console/receipts/{receipt_id}", receipt_page, "console.receipt"),
    ("GET", "/console/receipts/{receipt_id}/slip.pdf", slip, "console.slip"),
    ("POST", "/console/receipts/{receipt_id}/reversal/confirm", reverse_confirm, "console.confirm"),
    ("POST", "/console/receipts/{receipt_id}/reversal", reverse, "console.reverse"),
    ("GET", "/console/dashboard", dashboard, "console.dashboard"),
    ("GET", "/console/dashboard/receipts.csv", dashboard_csv, "console.csv"),
    ("GET", "/console/staff", staff_page, "console.staff"),
    ("POST", "/console/staff", staff_create, "console.staff_create"),
    ("POST", "/console/staff/{staff_id}/revoke", staff_revoke, "console.staff_revoke"),
    ("POST", "/console/reminder", reminder_set, "console.reminder"),
]
