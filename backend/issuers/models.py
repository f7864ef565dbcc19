"""Issuers (开票单位: hospitals and the metro company) and their staff."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class IssuerKind(StrEnum):
    HOSPITAL = "hospital"
    TRANSIT = "transit"
    REIMBURSER = "reimburser"  # 报销单位: an employer or insurer that verifies and locks


class StaffRole(StrEnum):
    CASHIER = "cashier"  # 收费员: issues and reverses receipts
    OPERATOR = "operator"  # metro operator: uploads trips
    REIMBURSER = "reimburser"  # reimbursing employer or insurer: verifies and locks
    ADMIN = "admin"  # the issuer's own administrator


class Issuer(Model):
    id = fields.UUIDField(primary_key=True)
    kind = fields.CharEnumField(IssuerKind, max_length=16)
    name = fields.CharField(max_length=100)
    # 统一社会信用代码 (unified social credit code), GB 32100-2015, check character verified.
    credit_code = fields.CharField(max_length=18, unique=True)
    # 行政区划代码 (GB/T 2260), e.g. 440100 for Guangzhou.
    region = fields.CharField(max_length=6)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "issuer"


class Staff(Model):
    id = fields.UUIDField(primary_key=True)
    issuer: fields.ForeignKeyRelation[Issuer] = fields.ForeignKeyField(
        "models.Issuer", related_name="staff", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=50)
    role = fields.CharEnumField(StaffRole, max_length=16)
    # HMAC-SHA256 of the API key under the service's secret key; the key itself is never stored.
    key_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff"
