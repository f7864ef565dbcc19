"""Mini-program users and their session tokens.

A user is known by the ``openid`` WeChat gives for our mini-program. A session is our own
random token, stored only as its SHA-256; WeChat's ``session_key`` is kept beside it on the
server and never leaves it.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from backend import sealing


class User(Model):
    """A mini-program user, one per openid."""

    id = fields.UUIDField(primary_key=True)
    openid = fields.CharField(max_length=64, unique=True)
    # Only present when the mini-program is bound to a WeChat Open Platform account.
    unionid = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    sessions: fields.ReverseRelation[UserSession]

    class Meta:
        table = "wx_user"


class UserSession(Model):
    """One login: our token's hash, WeChat's session_key, and when the token stops working."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.RESTRICT
    )
    # SHA-256 (hex) of the token: a copy of the database does not hand out working tokens.
    token_hash = fields.CharField(max_length=64, unique=True)
    # WeChat's key for decrypting the user's data and checking signatures: a secret that stays
    # on the server, never in an answer or a log; sealed at rest.
    session_key = sealing.SealedTextField()
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "wx_session"
