"""Receipts (电子票据), their line items, their event trail and their numbering counters.

A receipt is never edited or deleted. A mistake is fixed by a red reversal receipt (冲红) that
points at the original; the original's status then reads ``reversed``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from backend import sealing
from backend.events import EventType
from backend.issuers.models import Issuer, Staff


class ReceiptKind(StrEnum):
    MEDICAL = "medical"
    TRANSIT = "transit"


class ReceiptStatus(StrEnum):
    VALID = "valid"
    REVERSED = "reversed"


class VisitType(StrEnum):
    OUTPATIENT = "outpatient"  # 门诊
    INPATIENT = "inpatient"  # 住院


class Receipt(Model):
    id = fields.UUIDField(primary_key=True)
    issuer: fields.ForeignKeyRelation[Issuer] = fields.ForeignKeyField(
        "models.Issuer", related_name="receipts", on_delete=fields.RESTRICT
    )
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="receipts", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(ReceiptKind, max_length=16)
    code = fields.CharField(max_length=8)  # 票据代码; empty on a 数电票, which has none
    number = fields.CharField(max_length=20)  # 票据号码 (10) or 数电票 发票号码 (20), gapless
    check_code = fields.CharField(max_length=6)  # 校验码
    issued_at = fields.DatetimeField()
    status = fields.CharEnumField(ReceiptStatus, max_length=16, default=ReceiptStatus.VALID)
    # Unique: an original can be reversed once, and only by one red receipt.
    reverses: fields.OneToOneNullableRelation[Receipt] = fields.OneToOneField(
        "models.Receipt", related_name="reversed_by", null=True, on_delete=fields.RESTRICT
    )
    reversal_reason = fields.CharField(max_length=200, null=True)

    # Personal data, sealed at rest (backend.sealing); found by the keyed hashes beside them.
    payer_name = sealing.SealedTextField()
    payer_id_number = sealing.SealedTextField(null=True)
    payer_email = sealing.SealedTextField(null=True)
    payer_phone = sealing.SealedTextField(null=True)
    payer_name_hash = fields.CharField(max_length=32, null=True)
    payer_id_number_hash = fields.CharField(max_length=32, null=True)
    payer_phone_hash = fields.CharField(max_length=32, null=True)

    visit_type = fields.CharEnumField(VisitType, max_length=16, null=True)
    visit_number = fields.CharField(max_length=40, null=True)
    department = fields.CharField(max_length=50, null=True)
    visit_start = fields.DateField(null=True)
    visit_end = fields.DateField(null=True)

    # Money in fen (分). Negative on a red reversal receipt.
    total_fen = fields.BigIntField()
    fund_fen = fields.BigIntField(default=0)  # 医保统筹基金支付
    other_fen = fields.BigIntField(default=0)  # 其他支付
    account_fen = fields.BigIntField(default=0)  # 个人账户支付
    cash_fen = fields.BigIntField(default=0)  # 个人现金支付

    created_at = fields.DatetimeField(auto_now_add=True)

    line_items: fields.ReverseRelation[LineItem]
    events: fields.ReverseRelation[ReceiptEvent]

    class Meta:
        table = "receipt"
        unique_together = (("issuer", "code", "number"),)
        # ("code", "number"): public verification finds a receipt without knowing its issuer.
        indexes = (
            ("issuer", "issued_at"),
            ("code", "number"),
            ("issuer", "payer_name_hash"),
            ("issuer", "payer_id_number_hash"),
            ("issuer", "payer_phone_hash"),
        )

    async def save(self, *args: Any, **kwargs: Any) -> None:
        # Every write of a receipt keeps its search hashes in step with its payer fields.
        for column, value in payer_hashes(self.payer_name, self.payer_id_number, self.payer_phone):
            setattr(self, column, value)
        await super().save(*args, **kwargs)


# What each searchable payer field is hashed for, and how it is normalised first.
PAYER_SEARCH = (
    ("payer_name_hash", "receipt.payer_name", sealing.name_key),
    ("payer_id_number_hash", "receipt.payer_id_number", sealing.id_number_key),
    ("payer_phone_hash", "receipt.payer_phone", sealing.phone_key),
)


def payer_hashes(
    name: str | None, id_number: str | None, phone: str | None, ring: sealing.Keyring | None = None
) -> list[tuple[str, str | None]]:
    """The hash columns of a receipt with these payer fields, under the current key of ``ring``
    (default: the installed one)."""
    ring = ring or sealing.ring()
    return [
        (column, None if value is None else ring.hash(normalise(value), purpose))
        for (column, purpose, normalise), value in zip(
            PAYER_SEARCH, (name, id_number, phone), strict=True
        )
    ]


def payer_search_hashes(text: str) -> dict[str, list[str]]:
    """For a search by "name, ID number or phone": the hashes each hash column may hold."""
    ring = sealing.ring()
    return {
        column: ring.hashes(normalise(text), purpose) for column, purpose, normalise in PAYER_SEARCH
    }


class LineItem(Model):
    id = fields.BigIntField(primary_key=True)
    receipt: fields.ForeignKeyRelation[Receipt] = fields.ForeignKeyField(
        "models.Receipt", related_name="line_items", on_delete=fields.RESTRICT
    )
    position = fields.SmallIntField()
    category = fields.CharField(max_length=16)
    name = fields.CharField(max_length=100)
    quantity = fields.CharField(max_length=20)  # a decimal kept as written, e.g. "0.5"
    unit = fields.CharField(max_length=10)
    amount_fen = fields.BigIntField()

    class Meta:
        table = "line_item"
        unique_together = (("receipt", "position"),)


class ReceiptEvent(Model):
    """One step in a receipt's whereabouts (去向): issued, reversed, and later opened, sent…"""

    id = fields.BigIntField(primary_key=True)
    receipt: fields.ForeignKeyRelation[Receipt] = fields.ForeignKeyField(
        "models.Receipt", related_name="events", on_delete=fields.RESTRICT
    )
    type = fields.CharEnumField(EventType, max_length=32)
    at = fields.DatetimeField()
    staff: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    detail: fields.Field[dict[str, str] | None] = fields.JSONField(null=True)

    class Meta:
        table = "receipt_event"
        indexes = (("receipt", "at"),)


class ReceiptSequence(Model):
    """The last number handed out for one issuer and series (``code``: a 票据代码, or the
    prefix of a year's 数电票 numbers; see ``numbering``).

    Numbers are drawn by incrementing this row inside the issuing transaction, so a rolled-back
    issue gives its number back and the sequence stays gapless.
    """

    id = fields.IntField(primary_key=True)
    issuer: fields.ForeignKeyRelation[Issuer] = fields.ForeignKeyField(
        "models.Issuer", related_name="sequences", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=8)
    last_number = fields.BigIntField(default=0)

    class Meta:
        table = "receipt_sequence"
        unique_together = (("issuer", "code"),)


class ScanToken(Model):
    """A token that opens ``receipt``; revoked tokens stay, so a reprinted slip can be told
    from an old one."""

    id = fields.BigIntField(primary_key=True)
    receipt: fields.ForeignKeyRelation[Receipt] = fields.ForeignKeyField(
        "models.Receipt", related_name="scan_tokens", on_delete=fields.RESTRICT, db_index=True
    )
    # 32 URL-safe characters, 192 bits from the CSPRNG: fits a mini-program code's scene.
    token = fields.CharField(max_length=32, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "scan_token"
