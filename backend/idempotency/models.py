"""Stored answers to requests that carried an ``Idempotency-Key``."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from backend import sealing
from backend.issuers.models import Staff


class IdempotencyRecord(Model):
    id = fields.BigIntField(primary_key=True)
    # Keys are scoped to the staff key that sent them: two clients cannot collide.
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="idempotency_records", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=255)
    # SHA-256 of method, path and body: the same key with another request is a conflict.
    request_hash = fields.CharField(max_length=64)
    status_code = fields.SmallIntField()
    # The first answer holds whatever the request answered (a payer's data): sealed at rest.
    response_body = sealing.SealedTextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("staff", "key"),)
