"""HTTP views of the issuer's reminder setting. Thin: parse, call one service, answer.

(The email actions themselves live with their callers: the scan page, the folder and the
issuing API queue through ``OutboxService.queue_receipt_email`` in their own transactions.)
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from backend.errors import InvalidInput
from backend.issuers.models import IssuerKind, StaffRole
from backend.outbox.schemas import ReminderIn, ReminderOut, reminder_out
from backend.outbox.services import OutboxService
from backend.web import Endpoint, json_answer, parse_body, read_body, service, staff_for

ADMINS = (StaffRole.ADMIN,)
# Reminders are about receipts an issuer sent out: a reimburser sends none.
ISSUERS = (IssuerKind.HOSPITAL, IssuerKind.TRANSIT)


async def get_reminder(request: Request) -> Response:
    staff = await staff_for(request)
    reminder = await service(request, OutboxService).reminder(staff.issuer.id)
    return json_answer(reminder_out(reminder))


async def put_reminder(request: Request) -> Response:
    staff = await staff_for(request)
    body = await read_body(request)
    payload = parse_body(body, ReminderIn, request.headers.get("content-type"))
    if payload.enabled and payload.after_days is None:
        raise InvalidInput(
            "give after_days (1 to 90) to turn the reminder on", code="invalid_reminder"
        )
    after_days = payload.after_days if payload.enabled else None
    reminder = await service(request, OutboxService).set_reminder(
        staff.issuer.id, after_days=after_days
    )
    return json_answer(reminder_out(reminder))


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/api/v1/issuer/reminder",
        get_reminder,
        name="outbox.reminder",
        summary="The issuer's email reminder for receipts not opened in time",
        tag="email",
        response=ReminderOut,
        roles=ADMINS,
        kinds=ISSUERS,
    ),
    Endpoint(
        "PUT",
        "/api/v1/issuer/reminder",
        put_reminder,
        name="outbox.set_reminder",
        summary="Turn the reminder on (after N days, 1 to 90) or off; one reminder per receipt",
        tag="email",
        request_body=ReminderIn,
        response=ReminderOut,
        roles=ADMINS,
        kinds=ISSUERS,
    ),
]
