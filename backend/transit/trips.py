"""Trips: importing them from the fare system (API and CSV alike) and listing a rider's trips.

Import is idempotent by the fare system's trip reference: the unique (issuer, ref) pair makes a
known reference a no-op, also within one batch and between racing imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from backend.auth.models import User
from backend.chinatime import day_end, day_start
from backend.clock import Clock
from backend.db import dialect_sql
from backend.issuers.models import Issuer, IssuerKind
from backend.pagination import decode_cursor, encode_cursor
from backend.receipts.schemas import MAX_ROW_ID
from backend.transit.errors import InvalidTripCursor, NotATransitIssuer, TooManyTripsInBatch
from backend.transit.models import TransitCard, Trip
from backend.transit.schemas import MAX_TRIPS_PER_BATCH, TripIn

# Rows per INSERT: 11 parameters each keeps a statement far below both databases' limits.
INSERT_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class Rejected:
    index: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    new: int
    duplicates: int
    rejected: list[Rejected]


def check_rows(rows: Sequence[Any], *, first_index: int = 0) -> tuple[list[TripIn], list[Rejected]]:
    """Validate raw trip rows one by one: the good ones, and each bad one with its reason."""
    good: list[TripIn] = []
    rejected: list[Rejected] = []
    for offset, row in enumerate(rows):
        try:
            good.append(TripIn.model_validate(row))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}"
                for e in exc.errors(include_url=False, include_input=False)[:3]
            )
            rejected.append(Rejected(first_index + offset, "invalid_trip", problems))
    return good, rejected


class TripImporter:
    """Trips into the database: what the API and the CSV import share. Issues no receipt."""

    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock

    async def import_trips(
        self, issuer: Issuer, rows: Sequence[Any], *, first_index: int = 0
    ) -> ImportResult:
        """Import up to 10,000 raw trip rows for ``issuer``, idempotent by trip reference.

        Guarantees: a reference already stored (or repeated in the batch) is a duplicate and
        changes nothing; each invalid row is rejected with its index and reason while the valid
        rows go in; all valid rows commit together or not at all.
        """
        if len(rows) > MAX_TRIPS_PER_BATCH:
            raise TooManyTripsInBatch(
                f"{len(rows)} trips in one batch; send at most {MAX_TRIPS_PER_BATCH}"
            )
        if issuer.kind != IssuerKind.TRANSIT:
            raise NotATransitIssuer("only a transit issuer imports trips")
        good, rejected = check_rows(rows, first_index=first_index)
        new = await self.insert_trips(issuer, good) if good else 0
        return ImportResult(new=new, duplicates=len(good) - new, rejected=rejected)

    async def insert_trips(self, issuer: Issuer, trips: Sequence[TripIn]) -> int:
        """Insert checked trips in one transaction; returns how many were new."""
        now = self._clock().astimezone(UTC)
        new = 0
        async with in_transaction() as conn:
            for start in range(0, len(trips), INSERT_CHUNK):
                new += await _insert_chunk(conn, issuer, trips[start : start + INSERT_CHUNK], now)
        return new


async def riders_trips(user: User) -> Q:
    """Which trips are ``user``'s: taken under their openid, or on a card bound to them."""
    cards = await TransitCard.filter(user_id=user.id).values_list("card", flat=True)
    owner = Q(rider_openid=user.openid)
    return owner | Q(rider_card__in=list(cards)) if cards else owner


async def uninvoiced_trips(
    user: User,
    *,
    day_from: date | None,
    day_to: date | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Trip], str | None]:
    """A page of the user's trips (by openid or bound card) not on a valid invoice, newest
    exit first, and the next page's cursor (keyset on exit time and id: stable pages)."""
    query = Trip.filter(await riders_trips(user), invoiced__id__isnull=True)
    if day_from is not None:
        query = query.filter(exit_at__gte=day_start(day_from))
    if day_to is not None:
        query = query.filter(exit_at__lt=day_end(day_to))
    if cursor is not None:
        at, last_id = decode_cursor(cursor, _trip_id, InvalidTripCursor)
        query = query.filter(Q(exit_at__lt=at) | Q(exit_at=at, id__lt=last_id))
    rows = await query.order_by("-exit_at", "-id").limit(limit + 1)
    page, more = rows[:limit], len(rows) > limit
    return page, (encode_cursor(page[-1].exit_at, page[-1].id) if more else None)


_COLUMNS = (
    "issuer_id, ref, rider_openid, rider_card, entry_station, entry_at, exit_station, exit_at, "
    "fare_fen, channel, imported_at"
)


async def _insert_chunk(
    conn: BaseDBAsyncClient, issuer: Issuer, trips: Sequence[TripIn], now: datetime
) -> int:
    # One multi-row INSERT per chunk; ON CONFLICT makes a known reference a no-op, and
    # RETURNING counts the rows that were really new (also within one batch).
    values: list[str] = []
    params: list[Any] = []
    for trip in trips:
        base = len(params)
        values.append("(" + ", ".join(f"${base + i}" for i in range(1, 12)) + ")")
        params.extend(
            (
                str(issuer.id),
                trip.ref,
                trip.rider.openid,
                trip.rider.card,
                trip.entry.station,
                trip.entry.at.astimezone(UTC),
                trip.exit.station,
                trip.exit.at.astimezone(UTC),
                trip.fare,
                trip.channel,
                now,
            )
        )
    sql = (
        f"INSERT INTO transit_trip ({_COLUMNS}) VALUES {', '.join(values)} "
        "ON CONFLICT (issuer_id, ref) DO NOTHING RETURNING id"
    )
    rows = await conn.execute_query_dict(dialect_sql(conn, sql), params)
    return len(rows)


def _trip_id(text: str) -> int:
    # A trip id a cursor names is a row id: a bigint past it would fail in the query, a 500.
    trip_id = int(text)
    if not 0 < trip_id <= MAX_ROW_ID:
        raise ValueError("no such trip id")
    return trip_id
