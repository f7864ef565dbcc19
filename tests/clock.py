"""The one clock tests set by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# 10:00 on 2026-11-27 in China: where the login, folder and transit tests' clock starts.
CHINA_MORNING = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


class FakeClock:
    """A clock that reads ``now`` and moves only when the test moves it.

    Starts at ``now`` (default: the real time when made). Called, it is a
    ``backend.clock.Clock``; ``seconds`` and ``unix`` are the same instant for collaborators that
    count seconds instead.
    """

    def __init__(self, now: datetime | None = None) -> None:
        self.now = datetime.now(UTC) if now is None else now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def seconds(self) -> float:
        """``now`` in seconds since the epoch."""
        return self.now.timestamp()

    def unix(self) -> int:
        """``now`` in whole seconds since the epoch."""
        return int(self.now.timestamp())
