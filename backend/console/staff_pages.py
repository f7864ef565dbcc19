"""The console's staff page for admins: the issuer's people, adding and revoking them, and the
unopened-receipt reminder."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from backend.console.web import ADMIN, ISSUERS, Form, console, page, render
from backend.errors import DomainError, InvalidInput, status_of
from backend.issuers.models import Staff, StaffRole
from backend.outbox.services import OutboxService
from backend.web import service


async def _staff_page(
    request: Request,
    staff: Staff,
    status: int = 200,
    message: str | None = None,
    values: Form | None = None,
) -> Response:
    people = await console(request).staff_of(staff.issuer)
    reminder = await service(request, OutboxService).reminder(staff.issuer.id)
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
        return await _staff_page(request, staff, status_of(exc), exc.message, form)
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
        await service(request, OutboxService).set_reminder(
            staff.issuer.id, after_days=int(text) if text else None
        )
    except DomainError as exc:
        return await _staff_page(request, staff, status_of(exc), exc.message, form)
    return RedirectResponse("/console/staff", status_code=303)
