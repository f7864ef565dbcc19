"""Outbox bodies on the wire: an email request, what was queued, where emails stand, and the
issuer's reminder setting. Addresses are plain strings here and validated by the service, so
a bad one is a 400 ``invalid_email`` with one clear message."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from backend.outbox.services import EmailDelivery, QueuedEmail, Reminder
from backend.receipts.schemas import china_time
from backend.schema import Model
from backend.textfields import NO_CONTROL_PATTERN

# Checked by the outbox service (400 invalid_email, one message for every way an address is
# wrong, control characters included); the schema says the same bounds.
ADDRESS = Field(max_length=1000, json_schema_extra={"pattern": NO_CONTROL_PATTERN})


class EmailRequest(Model):
    to: Annotated[str, ADDRESS, Field(description="the address to send the PDF to")]


class QueuedEmailOut(Model):
    id: UUID
    to: str = Field(description="masked, e.g. a***@example.com")
    state: str = "queued"


class EmailDeliveryOut(Model):
    id: UUID
    kind: str
    to: str
    state: str = Field(description="queued, sending, sent or dead")
    attempts: int
    created_at: str
    sent_at: str | None
    queue_id: str | None


class ReminderIn(Model):
    enabled: bool
    after_days: Annotated[int, Field(ge=1, le=90)] | None = None


class ReminderOut(Model):
    enabled: bool
    after_days: int | None
    enabled_at: str | None


def queued_out(queued: QueuedEmail) -> QueuedEmailOut:
    return QueuedEmailOut(id=queued.id, to=queued.to)


def delivery_out(delivery: EmailDelivery) -> EmailDeliveryOut:
    return EmailDeliveryOut(
        id=delivery.id,
        kind=delivery.kind,
        to=delivery.to,
        state=delivery.state,
        attempts=delivery.attempts,
        created_at=china_time(delivery.created_at),
        sent_at=_when(delivery.sent_at),
        queue_id=delivery.queue_id,
    )


def reminder_out(reminder: Reminder) -> ReminderOut:
    return ReminderOut(
        enabled=reminder.enabled,
        after_days=reminder.after_days,
        enabled_at=_when(reminder.enabled_at),
    )


def _when(moment: datetime | None) -> str | None:
    return china_time(moment) if moment else None
