"""Errors of the rate limits."""

from __future__ import annotations

from backend.errors import ServiceUnavailable


class LimiterUnavailable(ServiceUnavailable):
    """The store that counts a limit (Redis, or the database) did not answer. The limited
    request is refused rather than let through: a limit that lapses whenever its store is down
    is one an attacker can switch off."""

    code = "limiter_unavailable"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
