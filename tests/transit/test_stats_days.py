"""``trip_stats`` counts a trip on the China day it was imported, on SQLite and PostgreSQL alike:
16:00 UTC is already the next day in China, 15:59:59 UTC is not."""

from __future__ import annotations

from datetime import UTC, date, datetime

from backend import db
from backend.issuers.models import Issuer, IssuerKind
from backend.transit.models import Trip
from backend.transit.stats import DayCount, trip_stats
from tests.factories import credit_code


async def test_trips_are_counted_on_their_china_day(database_url: str) -> None:
    await db.open_database(database_url)
    try:
        issuer = await Issuer.create(
            kind=IssuerKind.TRANSIT,
            name="广州测试地铁",
            credit_code=credit_code(9_000_002),
            region="440100",
        )
        imported = [
            datetime(2026, 11, 26, 15, 59, 59, tzinfo=UTC),  # 23:59:59 on the 26th in China
            datetime(2026, 11, 26, 16, 0, 0, tzinfo=UTC),  # 00:00 on the 27th
            datetime(2026, 11, 27, 15, 59, 59, 999_000, tzinfo=UTC),  # the 27th's last moment
            datetime(2026, 11, 27, 16, 0, 0, tzinfo=UTC),  # the 28th: after the period
        ]
        for n, at in enumerate(imported):
            await Trip.create(
                issuer=issuer,
                ref=f"GZM-{n}",
                entry_station="体育西路",
                entry_at=at,
                exit_station="珠江新城",
                exit_at=at,
                fare_fen=200,
                channel="qrcode",
                imported_at=at,
            )
        stats = await trip_stats(issuer, date(2026, 11, 26), date(2026, 11, 27))
        assert stats.days == [
            DayCount(day=date(2026, 11, 26), imported=1, invoiced=0),
            DayCount(day=date(2026, 11, 27), imported=2, invoiced=0),
        ]
    finally:
        await db.close_database()
