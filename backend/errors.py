"""Domain errors: what went wrong, in the domain's words, with a stable code.

Services raise these; they know nothing of HTTP. ``STATUS_BY_ERROR`` at the end is the one table
that turns each category into a status code (the app, the console and the scan page use it)::

    DomainError
    ├── InvalidInput        400  the request cannot be understood or breaks a rule
    │   └── ValidationFailed     422  well-formed, but fields are missing or wrong
    ├── Unauthenticated     401  no key, or a key we do not know
    ├── Forbidden           403  a known key whose role may not do this
    ├── NotFound            404  absent, or belongs to another issuer
    ├── Conflict            409  contradicts the stored state (already reversed, key reused)
    ├── PayloadTooLarge     413
    ├── UnsupportedMedia    415
    ├── TooManyRequests     429  slow down; ``retry_after`` says for how long
    └── ServiceUnavailable  503  a service we depend on is down or busy
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """Base of every error a client can cause. ``code`` is stable; ``message`` is for people."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class InvalidInput(DomainError):
    code = "invalid_input"


class ValidationFailed(InvalidInput):
    code = "validation_failed"
    # The validator's own errors (``loc``, ``type``, ``ctx``) behind the message, when there are
    # any: what says each field's problem in Chinese (``backend.i18n.fields``). Not sent as is.
    errors: Sequence[Mapping[str, Any]] = ()


class Unauthenticated(DomainError):
    code = "unauthenticated"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class UnsupportedMedia(DomainError):
    code = "unsupported_media_type"


class TooManyRequests(DomainError):
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    code = "service_unavailable"


# Most specific first: ValidationFailed is an InvalidInput.
STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (ValidationFailed, 422),
    (InvalidInput, 400),
    (Unauthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (PayloadTooLarge, 413),
    (UnsupportedMedia, 415),
    (TooManyRequests, 429),
    (ServiceUnavailable, 503),
)


def status_of(exc: DomainError) -> int:
    """The HTTP status of ``exc``: the first row of ``STATUS_BY_ERROR`` whose class it is."""
    return next(code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind))
