"""What every console page shares: the session and CSRF checks, form reading and rendering.

Every page needs a live console session (else GET redirects to the login page); every POST is
refused with 403 ``csrf_failed`` before anything else unless it carries the CSRF token of its
session (or, for the login form, of its pre-login cookie). Pages send a strict Content Security
Policy without any script source: the console runs no JavaScript.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from backend.chinatime import parse_day
from backend.console import csrf
from backend.console.errors import (
    ConsoleKindNotAllowed,
    ConsoleRoleNotAllowed,
    CsrfFailed,
    NotLoggedIn,
)
from backend.console.services import ConsoleService
from backend.errors import DomainError, InvalidInput, PayloadTooLarge, UnsupportedMedia, status_of
from backend.i18n.messages import chinese
from backend.issuers.models import IssuerKind, Staff, StaffRole
from backend.textfields import control_character
from backend.web import read_body, retry_after_of, service
from backend.whereabouts.services import WhereaboutsService

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
Handler = Callable[[Request], Awaitable[Response]]


def console(request: Request) -> ConsoleService:
    return service(request, ConsoleService)


def whereabouts(request: Request) -> WhereaboutsService:
    return service(request, WhereaboutsService)


def secret(request: Request) -> bytes:
    """The key the CSRF tokens and confirmation tokens of this deployment are made with."""
    return str(request.app.state.settings.secret_key.reveal()).encode()


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
        csrf_token=csrf.token_for(secret(request), "session", token) if token else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def error_page(request: Request, exc: DomainError, staff: Staff | None) -> Response:
    """The HTML page for ``exc``, with the status ``backend.errors`` gives its category."""
    status = status_of(exc)
    response = render(
        request, "console/error.html", status, staff=staff, code=exc.code, message=chinese(exc)
    )
    if isinstance(exc, PayloadTooLarge):
        # The rest of the body is not read: close the connection and say so, as the API does.
        response.headers["Connection"] = "close"
    if isinstance(exc, (ConsoleRoleNotAllowed, CsrfFailed, NotLoggedIn)):
        return response
    response.headers.update(retry_after_of(exc))
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


def page(roles: Collection[StaffRole], kinds: Collection[IssuerKind]) -> Callable[[Page], Handler]:
    """Wrap a console view: session, issuer kind and role, and (for POST) CSRF checks, HTML
    error pages. ``roles`` and ``kinds`` are the page's access rule, stated at the view."""

    def wrap(view: Page) -> Handler:
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
                        secret(request), "session", session_token, form.get("csrf_token")
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
                return error_page(request, exc, staff)

        handler.__name__ = view.__name__
        handler.__doc__ = view.__doc__
        return handler

    return wrap


def day_param(text: str | None) -> date | None:
    """A day field of a query (``YYYY-MM-DD``, China time), or None when empty."""
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_date") from exc
