"""The per-address limit of verification (查验)."""

from __future__ import annotations

from limits.aio.storage import Storage

from backend.throttle.services import AttemptLimit
from backend.verify.errors import TooManyVerifications


def address_limit(
    storage: Storage, *, slow_after: int, refuse_after: int, window: int = 60
) -> AttemptLimit:
    """Verifications per client address and minute, found or not, counted in ``storage``:
    a 6-character check code must not be guessed at the speed of the server."""

    def refusal(retry_after: int) -> TooManyVerifications:
        return TooManyVerifications(
            "too many verifications from this address; try again later", retry_after=retry_after
        )

    return AttemptLimit(
        storage,
        name="verify-address",
        slow_after=slow_after,
        refuse_after=refuse_after,
        window_seconds=window,
        refusal=refusal,
    )
