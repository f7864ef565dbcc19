"""Errors of the outbox."""

from __future__ import annotations

from backend.errors import InvalidInput, TooManyRequests


class EmailLimitReached(TooManyRequests):
    code = "email_limit_reached"


class InvalidReminder(InvalidInput):
    code = "invalid_reminder"
