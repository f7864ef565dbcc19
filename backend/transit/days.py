"""China calendar days of transit: trips, windows and daily limits count in China time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from backend.receipts.schemas import CHINA_STANDARD_TIME


def china_day(moment: datetime) -> date:
    """The China calendar day ``moment`` falls on."""
    return moment.astimezone(CHINA_STANDARD_TIME).date()


def day_start(day: date) -> datetime:
    """The first moment of China day ``day``, in UTC."""
    # In UTC: SQLite compares stored UTC timestamps as text.
    return datetime.combine(day, time.min, tzinfo=CHINA_STANDARD_TIME).astimezone(UTC)
