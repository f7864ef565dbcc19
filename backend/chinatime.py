"""Days and moments as receipts know them: China Standard Time, and the span of the calendar a
request may name.

Every ``from``/``to`` day, receipt date and list cursor goes through here. A day is between
2000-01-01 and 2099-12-31: no receipt, trip or e-invoice is dated outside it, and the bounds
keep the arithmetic of a day's start (shifted by eight hours) and of "the day after" far from
the ends of Python's calendar, where it overflows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

# China has one zone and no daylight saving: this offset is the only place it is written (the
# SQL that counts by China day takes it from here too).
UTC_OFFSET = timedelta(hours=8)
CHINA_STANDARD_TIME = timezone(UTC_OFFSET, "CST")
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
SPAN = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


def day_start(day: date) -> datetime:
    """00:00 China time of ``day``, in UTC (SQLite compares stored UTC times as text, so a
    +08:00 bound would be off)."""
    return datetime.combine(day, time.min, tzinfo=CHINA_STANDARD_TIME).astimezone(UTC)


def day_end(day: date) -> datetime:
    """The start of the day after ``day``: the exclusive end of a range that includes it."""
    return day_start(day + timedelta(days=1))


# The span's first and (exclusive) last moment: computed once, as every uploaded time is checked
# against them (a 50,000-row trip import checks 100,000).
_EARLIEST = day_start(FIRST_DAY)
_AFTER_LAST = day_end(LAST_DAY)


def china_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in China."""
    return moment.astimezone(CHINA_STANDARD_TIME).date()


def minute_text(moment: datetime) -> str:
    """``2026-11-27 10:05``: an aware ``moment`` in China to the minute, seconds cut (not
    rounded), as pages and mails show times."""
    return _china_text(moment, "minutes")


def second_text(moment: datetime) -> str:
    """``2026-11-27 10:05:09``: an aware ``moment`` in China to the second, as trails show it."""
    return _china_text(moment, "seconds")


def _china_text(moment: datetime, timespec: str) -> str:
    written = moment.astimezone(CHINA_STANDARD_TIME).isoformat(sep=" ", timespec=timespec)
    return written.removesuffix("+08:00")


def check_day(day: date) -> date:
    """``day`` if it is within the span; otherwise ValueError saying the span."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day.isoformat()} is not a day {SPAN}")
    return day


def parse_day(text: str) -> date:
    """A day written ``2026-11-27``, within the span; ValueError otherwise."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text[:20]!r} is not a day such as 2026-11-27") from None
    return check_day(day)


def check_moment(moment: datetime) -> datetime:
    """``moment`` in UTC if it is aware and falls on a day of the span; ValueError otherwise.
    What a decoded cursor or an uploaded time goes through before any query."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time needs its offset, such as 2026-11-27T10:00:00+08:00")
    if not _EARLIEST <= moment < _AFTER_LAST:
        raise ValueError(f"{moment.isoformat()} is not a time on a day {SPAN}")
    return moment.astimezone(UTC)


def _day(value: date) -> date:
    try:
        return check_day(value)
    except ValueError as exc:
        raise PydanticCustomError("day_out_of_range", str(exc)) from None


def _moment(value: datetime) -> datetime:
    try:
        check_moment(value)
    except ValueError as exc:
        raise PydanticCustomError("time_out_of_range", str(exc)) from None
    return value


# With format "date", exactly the days of the span.
DAY_PATTERN = "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"


class _DaySchema:
    """Says the span in a day's JSON schema."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["pattern"] = DAY_PATTERN
        return found


Day = Annotated[date, AfterValidator(_day), _DaySchema()]
"""A request's day (``2026-11-27``), refused outside 2000-01-01 … 2099-12-31."""

Moment = Annotated[AwareDatetime, AfterValidator(_moment)]
"""A request's time with its offset, refused unless it falls on a day of the span."""
