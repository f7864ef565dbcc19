"""The operator's figures: trips imported and invoiced per China day, invoices by title kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.functions import Count

from backend.chinatime import UTC_OFFSET, day_end, day_start
from backend.db import connection, dialect_sql
from backend.issuers.models import Issuer
from backend.receipts.models import ReceiptStatus
from backend.transit.models import BuyerKind, TransitInvoice


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    imported: int
    invoiced: int


@dataclass(frozen=True, slots=True)
class Stats:
    days: list[DayCount]
    invoices_by_title: dict[str, int]


async def trip_stats(issuer: Issuer, day_from: date, day_to: date) -> Stats:
    """Trips imported per China day with how many of them are on a valid invoice, and the
    valid (not reversed, not red) invoices issued in the period by title kind (every kind
    present, 0 when none)."""
    start, end = day_start(day_from), day_end(day_to)
    conn = connection()
    # The China day of a stored UTC time, shifted by chinatime's offset (an int, never input).
    offset = int(UTC_OFFSET.total_seconds())
    if conn.capabilities.dialect == "postgres":
        day = f"(t.imported_at AT TIME ZONE INTERVAL '{offset} seconds')::date"
    else:
        day = f"date(t.imported_at, '{offset:+d} seconds')"
    sql = (
        f"SELECT {day} AS day, COUNT(*) AS imported, COUNT(it.id) AS invoiced "
        "FROM transit_trip t LEFT JOIN transit_invoice_trip it ON it.trip_id = t.id "
        "WHERE t.issuer_id = $1 AND t.imported_at >= $2 AND t.imported_at < $3 "
        "GROUP BY 1 ORDER BY 1"
    )
    rows = await conn.execute_query_dict(dialect_sql(conn, sql), [str(issuer.id), start, end])
    days = [
        DayCount(
            day=r["day"] if isinstance(r["day"], date) else date.fromisoformat(r["day"]),
            imported=int(r["imported"]),
            invoiced=int(r["invoiced"]),
        )
        for r in rows
    ]
    kinds = (
        await TransitInvoice.filter(
            receipt__issuer_id=issuer.id,
            receipt__status=ReceiptStatus.VALID,
            receipt__reverses_id=None,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(n=Count("id"))
        .group_by("buyer_kind")
        .values("buyer_kind", "n")
    )
    by_title = {kind.value: 0 for kind in BuyerKind}
    for row in kinds:
        by_title[str(row["buyer_kind"])] = int(row["n"])
    return Stats(days=days, invoices_by_title=by_title)
