"""The templates' time filters: a moment written as a day or to the minute, always in China."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.templating import day_in_china, minute_in_china, template_environment

# 16:30 UTC on the 27th is 00:30 on the 28th in China.
LATE_IN_UTC = datetime(2026, 11, 27, 16, 30, 59, tzinfo=UTC)


def test_a_utc_time_near_midnight_is_shown_on_the_next_day_in_china() -> None:
    assert day_in_china(LATE_IN_UTC) == "2026-11-28"
    assert minute_in_china(LATE_IN_UTC) == "2026-11-28 00:30"  # seconds are cut, not rounded


def test_an_iso_string_is_shown_as_its_moment_in_china() -> None:
    assert minute_in_china("2026-11-28T00:30:59+08:00") == "2026-11-28 00:30"
    assert minute_in_china("2026-11-27T16:30:59+00:00") == "2026-11-28 00:30"
    assert day_in_china("2026-11-27T16:30:59Z") == "2026-11-28"
    assert day_in_china("2026-11-28T00:00:00+08:00") == "2026-11-28"
    assert day_in_china("2026-11-27T23:59:59+08:00") == "2026-11-27"


def test_another_offset_is_converted_to_china_time() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert minute_in_china(datetime(2026, 11, 27, 11, 5, tzinfo=new_york)) == "2026-11-28 00:05"


def test_the_filters_write_what_slicing_an_answers_iso_string_wrote() -> None:
    # Answers carry China time with seconds (receipts.schemas.china_time): the pages used to
    # show text[:10] + " " + text[11:16] of it.
    for text in (
        "2026-11-28T00:05:07+08:00",
        "2026-12-31T23:59:59+08:00",
        "2000-01-01T00:00:00+08:00",
    ):
        assert minute_in_china(text) == f"{text[:10]} {text[11:16]}"
        assert day_in_china(text) == text[:10]


@pytest.mark.parametrize("naive", [datetime(2026, 11, 27, 16, 30), "2026-11-27T16:30:00"])
def test_a_time_without_its_offset_is_refused(naive: datetime | str) -> None:
    with pytest.raises(ValueError, match="no offset"):
        minute_in_china(naive)
    with pytest.raises(ValueError, match="no offset"):
        day_in_china(naive)


def test_templates_have_the_filters() -> None:
    env = template_environment()
    page = env.from_string("{{ at | china_day }} · {{ at | china_minute }}")
    assert page.render(at=LATE_IN_UTC) == "2026-11-28 · 2026-11-28 00:30"
    assert page.render(at="2026-11-28T00:30:00+08:00") == "2026-11-28 · 2026-11-28 00:30"
