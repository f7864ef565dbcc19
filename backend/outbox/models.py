"""What the outbox keeps: the messages to send, every attempt to send them, the daily counters
that bound how much mail one receipt or one address can cause, and each issuer's reminder."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from backend import sealing
from backend.issuers.models import Issuer
from backend.receipts.models import Receipt


class MessageKind(StrEnum):
    RECEIPT = "receipt"  # a PDF copy someone asked for (from the scan page, folder or app)
    ISSUED = "issued"  # a PDF copy the cashier sent at issue, to the address the payer gave
    REMINDER = "reminder"  # the issuer's "you have not opened your receipt" reminder


class MessageState(StrEnum):
    QUEUED = "queued"  # waiting for ``due_at``
    SENDING = "sending"  # claimed by a relay until ``due_at`` (the lease)
    SENT = "sent"
    DEAD = "dead"  # refused for good, or out of attempts


class AttemptOutcome(StrEnum):
    SENT = "sent"
    TEMPORARY = "temporary"  # connection refused, timeout, 4xx: tried again later
    PERMANENT = "permanent"  # 5xx: never tried again


class OutboxMessage(Model):
    """One email to send, written in the transaction of the request that asked for it."""

    id = fields.UUIDField(primary_key=True)
    kind = fields.CharEnumField(MessageKind, max_length=16)
    receipt: fields.ForeignKeyRelation[Receipt] = fields.ForeignKeyField(
        "models.Receipt", related_name="outbox_messages", on_delete=fields.RESTRICT
    )
    recipient = sealing.SealedTextField()  # an email address: sealed at rest
    state = fields.CharEnumField(MessageState, max_length=16, default=MessageState.QUEUED)
    # Queued: when the next attempt is due. Sending: when the claim lapses, so a message whose
    # relay died is claimed again then.
    due_at = fields.DatetimeField()
    # Which claim holds a sending message; results are recorded only under the same claim.
    claim = fields.CharField(max_length=32, null=True)
    attempts = fields.IntField(default=0)
    # The Message-ID header, the same on every attempt, so a duplicate folds in mail clients.
    message_id = fields.CharField(max_length=200)
    # Unique where set: the one reminder a receipt may ever get is "reminder:<receipt id>".
    dedupe_key = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    queue_id = fields.CharField(max_length=200, null=True)  # the server's id for the message
    last_reply = fields.CharField(max_length=500, null=True)

    attempts_made: fields.ReverseRelation[DeliveryAttempt]

    class Meta:
        table = "outbox_message"
        indexes = (("state", "due_at"), ("receipt", "created_at"))


class DeliveryAttempt(Model):
    """One try at handing a message to the SMTP server, and what the server said."""

    id = fields.BigIntField(primary_key=True)
    message: fields.ForeignKeyRelation[OutboxMessage] = fields.ForeignKeyField(
        "models.OutboxMessage", related_name="attempts_made", on_delete=fields.RESTRICT
    )
    number = fields.IntField()
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField()
    outcome = fields.CharEnumField(AttemptOutcome, max_length=16)
    reply_code = fields.IntField(null=True)  # the SMTP reply code; none when no reply came
    reply = fields.CharField(max_length=500)
    queue_id = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "delivery_attempt"
        indexes = (("message", "number"),)


class MailQuota(Model):
    """Messages queued today (China time) for one receipt or one address (by its hash)."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=80)
    day = fields.DateField()
    count = fields.IntField(default=0)

    class Meta:
        table = "mail_quota"
        unique_together = (("key", "day"),)


class ReminderSetting(Model):
    """An issuer's reminder for receipts with an email address that nobody opened in time.

    Receipts issued since ``enabled_at`` and not opened ``after_days`` days after issue get one
    reminder each.
    """

    id = fields.IntField(primary_key=True)
    issuer: fields.OneToOneRelation[Issuer] = fields.OneToOneField(
        "models.Issuer", related_name="reminder_setting", on_delete=fields.RESTRICT
    )
    after_days = fields.IntField()
    enabled = fields.BooleanField(default=True)
    enabled_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "reminder_setting"
