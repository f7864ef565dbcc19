"""Queueing email in the outbox, in the caller's transaction, within the daily limits; and each
issuer's reminder setting.

Nothing here talks SMTP. A message is a row written on the caller's connection: if the request
that asked for it rolls back, no mail goes out; if it commits, the relay sends it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.clock import Clock
from backend.db import connection, dialect_sql
from backend.emailaddress import InvalidEmailAddress, normalise_address
from backend.events import EventType
from backend.issuers.models import Staff
from backend.masking import mask_email
from backend.outbox.composer import message_id_for
from backend.outbox.errors import EmailLimitReached, InvalidReminder
from backend.outbox.models import MessageKind, MessageState, OutboxMessage, ReminderSetting
from backend.receipts.models import Receipt, ReceiptEvent
from backend.receipts.schemas import CHINA_STANDARD_TIME
from backend.sealing import ring, unseal

MAX_REMINDER_DAYS = 90

_COUNT = (
    'INSERT INTO mail_quota ("key", "day", "count") VALUES ($1, $2, 1) '
    'ON CONFLICT ("key", "day") DO UPDATE SET "count" = mail_quota."count" + 1 '
    'RETURNING "count"'
)
# Receipts due a reminder: the issuer's, with an address, valid, not a red receipt, issued in the
# window, never opened and never reminded. NOT EXISTS walks the (receipt, …) indexes.
_DUE_REMINDERS = (
    "SELECT r.id, r.payer_email FROM receipt r "
    "WHERE r.issuer_id = $1 AND r.issued_at >= $2 AND r.issued_at <= $3 "
    "AND r.payer_email IS NOT NULL AND r.status = 'valid' AND r.reverses_id IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM receipt_event e WHERE e.receipt_id = r.id "
    f"AND e.type = '{EventType.OPENED}') "
    "AND NOT EXISTS (SELECT 1 FROM outbox_message m WHERE m.receipt_id = r.id "
    "AND m.kind = 'reminder') "
    "ORDER BY r.issued_at LIMIT $4"
)


# Who asked for a receipt's PDF by email, as its ``email_queued`` event records it: the patient
# on the scan page, the user from their folder, the issuer for a payer's address given at
# issue, or a rider for a transit invoice's address given with the request. (Reminders record
# "reminder".)
Requester = Literal["patient", "folder", "issuer", "rider"]


@dataclass(frozen=True, slots=True)
class QueuedEmail:
    id: uuid.UUID
    to: str  # masked: a***@example.com
    message_id: str


@dataclass(frozen=True, slots=True)
class EmailDelivery:
    """Where one email of a receipt stands, with the address masked."""

    id: uuid.UUID
    kind: str
    to: str
    state: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    queue_id: str | None
    last_reply: str | None


@dataclass(frozen=True, slots=True)
class Reminder:
    enabled: bool
    after_days: int | None
    enabled_at: datetime | None


@dataclass(frozen=True, slots=True)
class MailLimits:
    per_receipt_per_day: int
    per_address_per_day: int


class OutboxService:
    def __init__(self, *, clock: Clock, limits: MailLimits, message_id_domain: str) -> None:
        self._clock = clock
        self._limits = limits
        self._domain = message_id_domain

    async def queue_receipt_email(
        self,
        conn: BaseDBAsyncClient,
        *,
        receipt: Receipt,
        to: str,
        staff: Staff | None = None,
        requested_by: Requester = "patient",
    ) -> QueuedEmail:
        """Queue the PDF of ``receipt`` for ``to``, on ``conn`` (the caller's transaction).

        Guarantees: ``to`` is validated first (``InvalidEmailAddress``, 400); at most
        ``per_receipt_per_day`` messages per receipt and ``per_address_per_day`` per address
        are queued per China calendar day, counted exactly even under concurrent requests
        (``EmailLimitReached``, 429, with the seconds until midnight); the message and its
        ``email_queued`` event commit with the caller's transaction or not at all. Nothing is
        sent here.
        """
        address = normalise_address(to)
        now = self._clock()
        day = now.astimezone(CHINA_STANDARD_TIME).date()
        receipt_count = await self._count(conn, f"receipt:{receipt.id}", day)
        if receipt_count > self._limits.per_receipt_per_day:
            raise EmailLimitReached(
                f"this receipt has been emailed {self._limits.per_receipt_per_day} times today; "
                "try again tomorrow",
                retry_after=_seconds_to_midnight(now),
            )
        address_count = await self._count(conn, f"address:{_address_key(address)}", day)
        if address_count > self._limits.per_address_per_day:
            raise EmailLimitReached(
                f"{mask_email(address)} has been sent {self._limits.per_address_per_day} "
                "receipts today; try again tomorrow",
                retry_after=_seconds_to_midnight(now),
            )
        # The email says who asked for it: the cashier at issue, or the person who typed it.
        kind = MessageKind.ISSUED if requested_by == "issuer" else MessageKind.RECEIPT
        message = await self._queue(
            conn, kind=kind, receipt_id=receipt.id, address=address, now=now
        )
        await ReceiptEvent.create(
            receipt_id=receipt.id,
            type=EventType.EMAIL_QUEUED,
            at=now,
            staff=staff,
            detail={
                "to": mask_email(address),
                "message": str(message.id),
                "kind": str(kind),
                "requested_by": requested_by,
            },
            using_db=conn,
        )
        return QueuedEmail(message.id, mask_email(address), message.message_id)

    async def _queue(
        self,
        conn: BaseDBAsyncClient,
        *,
        kind: MessageKind,
        receipt_id: uuid.UUID,
        address: str,
        now: datetime,
        dedupe_key: str | None = None,
    ) -> OutboxMessage:
        message_uuid = uuid.uuid4()
        return await OutboxMessage.create(
            id=message_uuid,
            kind=kind,
            receipt_id=receipt_id,
            recipient=address,
            state=MessageState.QUEUED,
            due_at=now,
            message_id=message_id_for(message_uuid, self._domain),
            dedupe_key=dedupe_key,
            created_at=now,
            using_db=conn,
        )

    async def _count(self, conn: BaseDBAsyncClient, key: str, day: date) -> int:
        # One upsert that counts and locks the row until the caller's transaction ends, so two
        # requests at once cannot both take the last message of the day; a refused request
        # rolls its count back with everything else.
        rows = await conn.execute_query_dict(dialect_sql(conn, _COUNT), [key, day])
        return int(rows[0]["count"])

    async def deliveries(self, receipt_id: uuid.UUID) -> list[EmailDelivery]:
        """The emails of one receipt, oldest first, addresses masked (a***@example.com)."""
        messages = await OutboxMessage.filter(receipt_id=receipt_id).order_by("created_at")
        return [
            EmailDelivery(
                id=m.id,
                kind=str(m.kind),
                to=mask_email(m.recipient),
                state=str(m.state),
                attempts=m.attempts,
                created_at=m.created_at,
                sent_at=m.sent_at,
                queue_id=m.queue_id,
                last_reply=m.last_reply,
            )
            for m in messages
        ]

    async def reminder(self, issuer_id: uuid.UUID) -> Reminder:
        """The issuer's reminder setting (off unless turned on)."""
        setting = await ReminderSetting.get_or_none(issuer_id=issuer_id)
        if setting is None or not setting.enabled:
            return Reminder(False, setting.after_days if setting else None, None)
        return Reminder(True, setting.after_days, setting.enabled_at)

    async def set_reminder(self, issuer_id: uuid.UUID, *, after_days: int | None) -> Reminder:
        """Turn the issuer's reminder on (``after_days`` from 1 to 90) or off (``None``).

        Turning it on covers receipts issued from then on: switching it on never mails a
        backlog of old receipts. Changing the days while on keeps that start.
        """
        if after_days is not None and not 1 <= after_days <= MAX_REMINDER_DAYS:
            raise InvalidReminder(
                f"after_days must be a whole number from 1 to {MAX_REMINDER_DAYS}",
                field="after_days",
            )
        now = self._clock()
        async with in_transaction() as conn:
            setting = (
                await ReminderSetting.filter(issuer_id=issuer_id)
                .using_db(conn)
                .select_for_update()
                .first()
            )
            if setting is None:
                if after_days is None:
                    return Reminder(False, None, None)
                setting = await ReminderSetting.create(
                    issuer_id=issuer_id,
                    after_days=after_days,
                    enabled=True,
                    enabled_at=now,
                    updated_at=now,
                    using_db=conn,
                )
            else:
                if after_days is not None:
                    if not setting.enabled:
                        setting.enabled_at = now
                    setting.after_days = after_days
                setting.enabled = after_days is not None
                setting.updated_at = now
                await setting.save(using_db=conn)
        return await self.reminder(issuer_id)

    async def queue_due_reminders(self, *, limit: int = 500) -> int:
        """Queue a reminder for every receipt now due one; returns how many were queued.

        At most one reminder per receipt, ever, even with several relays running this at once:
        the message's ``dedupe_key`` is unique, and a relay that loses the race skips it.
        """
        now = self._clock()
        settings = await ReminderSetting.filter(enabled=True)
        queued = 0
        for setting in settings:
            cutoff = now - timedelta(days=setting.after_days)
            if cutoff < setting.enabled_at:
                continue
            conn = connection()
            rows = await conn.execute_query_dict(
                dialect_sql(conn, _DUE_REMINDERS),
                [str(setting.issuer_id), setting.enabled_at, cutoff, limit],  # type: ignore[attr-defined]
            )
            for row in rows:
                receipt_id = uuid.UUID(str(row["id"]))
                try:
                    address = normalise_address(
                        str(unseal(row["payer_email"], "receipt.payer_email"))
                    )
                except InvalidEmailAddress:
                    continue  # an address the outbox cannot send to gets no reminder
                queued += await self._queue_reminder(receipt_id, address, now)
        return queued

    async def _queue_reminder(self, receipt_id: uuid.UUID, address: str, now: datetime) -> int:
        try:
            async with in_transaction() as conn:
                message = await self._queue(
                    conn,
                    kind=MessageKind.REMINDER,
                    receipt_id=receipt_id,
                    address=address,
                    now=now,
                    dedupe_key=f"reminder:{receipt_id}",
                )
                await ReceiptEvent.create(
                    receipt_id=receipt_id,
                    type=EventType.EMAIL_QUEUED,
                    at=now,
                    detail={
                        "to": mask_email(address),
                        "message": str(message.id),
                        "kind": str(MessageKind.REMINDER),
                        "requested_by": "reminder",
                    },
                    using_db=conn,
                )
        except IntegrityError:
            return 0  # another relay queued this receipt's reminder first
        return 1


def _address_key(address: str) -> str:
    # Counters name addresses by keyed hash: the quota table holds nobody's address, and a copy
    # of it cannot confirm a guessed one. (A key rotation starts today's counts afresh.)
    return ring().hash(address.lower(), "mail_quota.address")


def _seconds_to_midnight(now: datetime) -> int:
    local = now.astimezone(CHINA_STANDARD_TIME)
    midnight = datetime.combine(local.date() + timedelta(days=1), time.min, CHINA_STANDARD_TIME)
    return max(1, int((midnight - local).total_seconds()))
