"""The console's way in and out: the login form, logging out, and the start page."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from backend.console import csrf
from backend.console.errors import CsrfFailed
from backend.console.web import (
    ANY_KIND,
    ISSUERS,
    LOGIN_COOKIE,
    READERS,
    SESSION_COOKIE,
    Form,
    console,
    error_page,
    page,
    read_form,
    render,
    secret,
)
from backend.errors import DomainError, PayloadTooLarge, status_of
from backend.i18n.messages import chinese
from backend.issuers.models import Staff, StaffRole
from backend.web import retry_after_of


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
        login_csrf=csrf.token_for(secret(request), "login", binding),
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
        if not csrf.is_valid(secret(request), "login", binding, form.get("csrf_token")):
            raise CsrfFailed("the form's security token is missing or stale; reload the page")
        session = await console(request).login(form.get("login", ""), form.get("password", ""))
    except DomainError as exc:
        if isinstance(exc, (CsrfFailed, PayloadTooLarge)) or binding is None:
            return error_page(request, exc, None)
        again = render(
            request,
            "console/login.html",
            status_of(exc),
            login_csrf=csrf.token_for(secret(request), "login", binding),
            next=_safe_next(form.get("next")),
            login=form.get("login", "")[:50],
            message=chinese(exc),  # with the wait a lockout names, in seconds
        )
        again.headers.update(retry_after_of(exc))
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
