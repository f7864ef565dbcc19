"""The one writer of China times as people read them: the day turns at 16:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.chinatime import minute_text, second_text
from backend.receipts.schemas import china_time


@pytest.mark.parametrize(
    ("moment", "minute", "second"),
    [
        (datetime(2026, 11, 27, 2, 5, 9, tzinfo=UTC), "2026-11-27 10:05", "2026-11-27 10:05:09"),
        (
            datetime(2026, 11, 27, 15, 59, 59, 999999, tzinfo=UTC),
            "2026-11-27 23:59",
            "2026-11-27 23:59:59",
        ),
        (datetime(2026, 11, 27, 16, 0, tzinfo=UTC), "2026-11-28 00:00", "2026-11-28 00:00:00"),
        (
            datetime(2026, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
            "2027-01-01 12:30",
            "2027-01-01 12:30:00",
        ),
    ],
    ids=["morning", "last-second", "midnight", "other-zone"],
)
def test_times_are_written_in_china_with_seconds_cut(
    moment: datetime, minute: str, second: str
) -> None:
    assert minute_text(moment) == minute
    assert second_text(moment) == second
    # The same text the pages wrote by cutting the ISO answer, which they no longer do.
    assert minute == china_time(moment)[:16].replace("T", " ")
    assert second == china_time(moment)[:19].replace("T", " ")
