"""Reimbursement claims, per-day verification counts and each issuer's verification rule.

A claim follows WeChat's invoice reimbursement states: ``available`` (INVOICE_REIMBURSE_INIT),
``locked`` (LOCK: a reimbursing party is processing it, nobody else may claim it) and ``closed``
(CLOSURE: reimbursed and booked, for good). There is at most one claim row per receipt (the
receipt column is unique), and every change of state is a conditional update of that row, so the
database alone decides which of several racing parties wins.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from backend.issuers.models import Issuer, Staff
from backend.receipts.models import Receipt


class ClaimState(StrEnum):
    AVAILABLE = "available"  # INVOICE_REIMBURSE_INIT: unlocked again, anyone may lock it
    LOCKED = "locked"  # INVOICE_REIMBURSE_LOCK
    CLOSED = "closed"  # INVOICE_REIMBURSE_CLOSURE


class ReimbursementClaim(Model):
    """Where one receipt stands in reimbursement; absent until someone first locks it."""

    id = fields.BigIntField(primary_key=True)
    receipt: fields.OneToOneRelation[Receipt] = fields.OneToOneField(
        "models.Receipt", related_name="reimbursement_claim", on_delete=fields.RESTRICT
    )
    state = fields.CharEnumField(ClaimState, max_length=16)
    # The reimbursing organisation holding the lock (or that closed it), and who did it;
    # both cleared when the receipt is unlocked.
    party: fields.ForeignKeyNullableRelation[Issuer] = fields.ForeignKeyField(
        "models.Issuer", related_name="reimbursement_claims", null=True, on_delete=fields.RESTRICT
    )
    staff: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="reimbursement_claims", null=True, on_delete=fields.RESTRICT
    )
    locked_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "reimbursement_claim"
        indexes = (("party", "state"),)


class VerificationCount(Model):
    """How many times a receipt was verified on one day (China time)."""

    id = fields.BigIntField(primary_key=True)
    receipt: fields.ForeignKeyRelation[Receipt] = fields.ForeignKeyField(
        "models.Receipt", related_name="verification_counts", on_delete=fields.RESTRICT
    )
    day = fields.DateField()
    count = fields.IntField()

    class Meta:
        table = "verification_count"
        unique_together = (("receipt", "day"),)


class VerificationRule(Model):
    """An issuer's rule for verifying its receipts: 3 elements (代码, 号码, 校验码) or all 5
    (also 开票日期 and 金额). Absent means 3, as in Jiangsu, Henan and Hunan."""

    id = fields.IntField(primary_key=True)
    issuer: fields.OneToOneRelation[Issuer] = fields.OneToOneField(
        "models.Issuer", related_name="verification_rule", on_delete=fields.RESTRICT
    )
    elements = fields.SmallIntField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "verification_rule"
