"""Errors of idempotent requests."""

from __future__ import annotations

from backend.errors import Conflict, InvalidInput


class InvalidIdempotencyKey(InvalidInput):
    code = "invalid_idempotency_key"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


class IdempotencyKeyInProgress(Conflict):
    code = "idempotency_key_in_progress"
