"""Rate-limit counters kept in the database, for deployments whose processes share PostgreSQL
but no Redis."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class RateLimitCounter(Model):
    """One limit's count for one key in one window of time."""

    key = fields.CharField(max_length=255, primary_key=True)
    count = fields.IntField()
    # Unix seconds after which the row counts for nothing and may be deleted.
    expires_at = fields.BigIntField(db_index=True)

    class Meta:
        table = "rate_limit_counter"
