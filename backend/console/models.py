"""Console credentials, sessions and failed-login counters.

API keys stay for systems; people at the counter log in with a login name and a password, kept
only as an scrypt hash. A session is known by the SHA-256 of its cookie value, never the value.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from backend.issuers.models import Staff


class StaffPassword(Model):
    """A staff member's console login: a unique login name and an scrypt password hash."""

    id = fields.IntField(primary_key=True)
    staff: fields.OneToOneRelation[Staff] = fields.OneToOneField(
        "models.Staff", related_name="console_password", on_delete=fields.RESTRICT
    )
    login = fields.CharField(max_length=50, unique=True)
    # scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>
    password_hash = fields.CharField(max_length=200)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "console_password"


class ConsoleSession(Model):
    """A logged-in console session; valid until ``expires_at`` unless ended earlier."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="console_sessions", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "console_session"


class LoginThrottle(Model):
    """Failed console logins of one login name (known or not) since its last success."""

    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=50, unique=True)
    failures = fields.IntField(default=0)
    last_failure_at = fields.DatetimeField(null=True)
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "console_login_throttle"
