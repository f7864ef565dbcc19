"""Metro trips and their invoices: import, cards, listing, issuing exactly once, reversing.

Exactly once: a trip is on at most one valid invoice because ``transit_invoice_trip`` has a
unique trip column, written in the issuing transaction and emptied for an invoice in its
reversal's transaction. The checks before the transaction only make the common refusal cheap
and well worded; when two requests race past them, the database refuses the second insert,
its whole transaction (receipt number, ledger statement, folder entry) rolls back, and the
rider gets the same 409 naming the trips.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from backend.auth.models import User
from backend.chinatime import check_moment, china_day, day_end, day_start
from backend.clock import Clock
from backend.db import connection, dialect_sql
from backend.emailaddress import InvalidEmailAddress, normalise_address
from backend.folder.models import FolderEntry
from backend.folder.services import CLAIMED
from backend.issuers.credit_code import is_valid_credit_code
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole
from backend.outbox.services import OutboxService, QueuedEmail
from backend.receipts.models import LineItem, Receipt, ReceiptEvent, ReceiptKind, ReceiptStatus
from backend.receipts.numbering import invoice_numbering, red_confirmation_numbering
from backend.receipts.schemas import MAX_ROW_ID
from backend.receipts.services import LoadedReceipt, ReceiptService
from backend.transit.cards import CardBinding, TripProof
from backend.transit.errors import (
    InvalidTitle,
    InvalidTripCursor,
    InvoiceNotFound,
    InvoiceNotValid,
    NotATransitIssuer,
    TooManyTripsInBatch,
    TripCountOutOfRange,
    TripsAlreadyInvoiced,
    TripsNotFound,
    TripsOfSeveralIssuers,
    TripsOutsideWindow,
)
from backend.transit.models import (
    BuyerKind,
    InvoicedTrip,
    TaxRate,
    TransitCard,
    TransitInvoice,
    TransitInvoiceLine,
    TransitSettings,
    Trip,
)
from backend.transit.schemas import MAX_TRIPS_PER_BATCH, MAX_TRIPS_PER_INVOICE, TitleIn, TripIn
from backend.transit.tax import split_tax

ITEM_NAME = "*运输服务*客运服务费"
DRAWER_NAME = "电子发票服务"
REISSUE_REASON = "购买方抬头更正，重新开具"
# Rows per INSERT: 11 parameters each keeps a statement far below both databases' limits.
INSERT_CHUNK = 1000


def line_name(day: date, entry: str, exit_: str) -> str:
    """A line item's name: ``2026-11-27 体育西路→珠江新城`` (stations never contain →)."""
    return f"{day.isoformat()} {entry}→{exit_}"


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


@dataclass(frozen=True, slots=True)
class LoadedInvoice:
    loaded: LoadedReceipt
    detail: TransitInvoice
    lines: list[TransitInvoiceLine]
    trips: list[Trip]
    email: QueuedEmail | None = None  # the PDF queued for the rider's address, if one was given


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    imported: int
    invoiced: int


@dataclass(frozen=True, slots=True)
class Stats:
    days: list[DayCount]
    invoices_by_title: dict[str, int]


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


def rider_address(email: str | None) -> str | None:
    """The rider's address as the outbox accepts it, checked before anything is written;
    ``InvalidEmailAddress`` (naming the ``email`` field) when malformed."""
    if email is None:
        return None
    try:
        return normalise_address(email)
    except InvalidEmailAddress as exc:
        raise InvalidEmailAddress(exc.message, field="email") from exc


def check_title(title: TitleIn) -> None:
    """A 个人 title has a name and no tax id; a 单位 title has a valid 统一社会信用代码."""
    if title.kind is BuyerKind.COMPANY:
        if not title.tax_id:
            raise InvalidTitle("a company title (单位) needs its 统一社会信用代码 as tax_id")
        if not is_valid_credit_code(title.tax_id.upper()):
            raise InvalidTitle(
                f"{title.tax_id!r} is not a valid 统一社会信用代码 (18 characters, check "
                "character per GB 32100)"
            )
    elif title.tax_id:
        raise InvalidTitle("a personal title (个人) has a name only, no tax_id")


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


class TransitService:
    def __init__(
        self,
        *,
        receipts: ReceiptService,
        outbox: OutboxService,
        clock: Clock,
        binding: CardBinding | None = None,
    ) -> None:
        self._receipts = receipts
        self._outbox = outbox
        self._clock = clock
        self.importer = TripImporter(clock=clock)
        self.binding = binding or CardBinding(clock=clock)

    def today(self) -> date:
        """Today in China time, by the service's clock."""
        return china_day(self._clock())

    # --- the operator: trips and settings -------------------------------------------------

    async def import_trips(
        self, issuer: Issuer, rows: Sequence[Any], *, first_index: int = 0
    ) -> ImportResult:
        """See ``TripImporter.import_trips``."""
        return await self.importer.import_trips(issuer, rows, first_index=first_index)

    async def current_settings(self, issuer_id: uuid.UUID) -> TransitSettings:
        """The issuer's transit settings as they stand, the defaults if never set; writes
        nothing (reading the settings is a GET, and a GET never writes)."""
        found = await _settings(issuer_id)
        return found if found is not None else TransitSettings(issuer_id=issuer_id)

    async def settings_for(self, issuer_id: uuid.UUID) -> TransitSettings:
        """The issuer's transit settings (defaults: 9%, 50 trips, 180 days), created on first use
        together with the drawer staff row; its drawer comes with its issuer loaded."""
        found = await _settings(issuer_id)
        if found is not None:
            return found
        try:
            async with in_transaction() as conn:
                # A revoked row with a random hash: no API key can ever act as the drawer.
                drawer = await Staff.create(
                    issuer_id=issuer_id,
                    name=DRAWER_NAME,
                    role=StaffRole.OPERATOR,
                    key_hash=secrets.token_hex(32),
                    revoked_at=self._clock(),
                    using_db=conn,
                )
                await TransitSettings.create(issuer_id=issuer_id, drawer=drawer, using_db=conn)
        except IntegrityError:
            pass  # created at the same time by another request: use that one
        created = await _settings(issuer_id)
        assert created is not None
        return created

    async def update_settings(
        self, issuer: Issuer, *, tax_rate: TaxRate, max_trips: int, window_days: int
    ) -> TransitSettings:
        """Set the issuer's tax treatment and limits; invoices already issued keep theirs."""
        if issuer.kind != IssuerKind.TRANSIT:
            raise NotATransitIssuer("only a transit issuer has transit settings")
        found = await self.settings_for(issuer.id)
        await TransitSettings.filter(id=found.id).update(
            tax_rate=tax_rate, max_trips=max_trips, window_days=window_days
        )
        found.tax_rate, found.max_trips, found.window_days = tax_rate, max_trips, window_days
        return found

    async def stats(self, issuer: Issuer, day_from: date, day_to: date) -> Stats:
        """Trips imported per China day with how many of them are on a valid invoice, and the
        valid (not reversed, not red) invoices issued in the period by title kind."""
        start, end = day_start(day_from), day_end(day_to)
        conn = connection()
        if conn.capabilities.dialect == "postgres":
            day = "(t.imported_at AT TIME ZONE 'Asia/Shanghai')::date"
        else:
            day = "date(t.imported_at, '+8 hours')"
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

    # --- riders: cards and trips ----------------------------------------------------------

    async def bind_card(self, user: User, card: str, proof: TripProof) -> tuple[TransitCard, bool]:
        """See ``CardBinding.bind``: a card binds on proof of a recent trip on it."""
        return await self.binding.bind(user, card, proof)

    async def cards(self, user: User) -> list[TransitCard]:
        """The user's bound cards, oldest binding first."""
        return await self.binding.cards(user)

    async def _owner(self, user: User) -> Q:
        cards = await TransitCard.filter(user_id=user.id).values_list("card", flat=True)
        owner = Q(rider_openid=user.openid)
        return owner | Q(rider_card__in=list(cards)) if cards else owner

    async def uninvoiced_trips(
        self,
        user: User,
        *,
        day_from: date | None,
        day_to: date | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[Trip], str | None]:
        """A page of the user's trips (by openid or bound card) not on a valid invoice, newest
        exit first, and the next page's cursor (keyset on exit time and id: stable pages)."""
        query = Trip.filter(await self._owner(user), invoiced__id__isnull=True)
        if day_from is not None:
            query = query.filter(exit_at__gte=day_start(day_from))
        if day_to is not None:
            query = query.filter(exit_at__lt=day_end(day_to))
        if cursor is not None:
            at, last_id = _decode_cursor(cursor)
            query = query.filter(Q(exit_at__lt=at) | Q(exit_at=at, id__lt=last_id))
        rows = await query.order_by("-exit_at", "-id").limit(limit + 1)
        page, more = rows[:limit], len(rows) > limit
        return page, (_encode_cursor(page[-1]) if more else None)

    # --- riders: invoices -----------------------------------------------------------------

    async def request_invoice(
        self, user: User, trip_ids: Sequence[int], title: TitleIn, *, email: str | None = None
    ) -> LoadedInvoice:
        """Issue one invoice for ``trip_ids`` to ``user`` and put it in their folder; with
        ``email``, queue its PDF for that address in the same transaction (both or neither).

        Refused with nothing written: an invalid title; a malformed address; no trips,
        repeated ids or more than the issuer's maximum; trips that do not exist or are not the
        user's (one answer for both); trips of several issuers; trips older than the issuer's
        window; trips already on a valid invoice (409 naming them, also when a concurrent
        request won the race); the address's daily mail limit reached (429).
        """
        check_title(title)
        address = rider_address(email)
        ids = list(trip_ids)
        if not 1 <= len(ids) <= MAX_TRIPS_PER_INVOICE:
            raise TripCountOutOfRange(
                f"an invoice covers 1 to at most {MAX_TRIPS_PER_INVOICE} trips; got {len(ids)}",
                maximum=MAX_TRIPS_PER_INVOICE,
            )
        if len(set(ids)) != len(ids):
            raise TripCountOutOfRange("each trip may be named once", code="duplicate_trips")
        trips = await Trip.filter(await self._owner(user), id__in=ids).select_related("issuer")
        missing = sorted(set(ids) - {t.id for t in trips})
        if missing:
            raise TripsNotFound(f"no trips of yours with ids {missing}", trips=missing)
        issuer_ids = {t.issuer_id for t in trips}  # type: ignore[attr-defined]
        if len(issuer_ids) > 1:
            raise TripsOfSeveralIssuers("one invoice covers trips of one operator only")
        issuer = trips[0].issuer
        settings = await self.settings_for(issuer.id)
        if len(ids) > settings.max_trips:
            raise TripCountOutOfRange(
                f"{issuer.name} puts at most {settings.max_trips} trips on one invoice; "
                f"got {len(ids)}",
                maximum=settings.max_trips,
            )
        oldest = china_day(self._clock()) - timedelta(days=settings.window_days)
        stale = sorted(t.id for t in trips if china_day(t.exit_at) < oldest)
        if stale:
            raise TripsOutsideWindow(
                f"trips {stale} are older than {settings.window_days} days and can no longer "
                "be invoiced",
                trips=stale,
            )
        await _refuse_invoiced(None, ids)
        trips.sort(key=lambda t: (t.exit_at, t.id))
        try:
            async with in_transaction() as conn:
                issued = await self._issue(
                    conn, settings.drawer, user, trips, title, TaxRate(settings.tax_rate)
                )
                return await self._email(conn, issued, address)
        except IntegrityError:
            # Lost the race on the unique trip column: the winner's trips, by name.
            await _refuse_invoiced(None, ids)
            raise

    async def reverse(
        self, staff: Staff, receipt_id: uuid.UUID, reason: str, conn: BaseDBAsyncClient
    ) -> LoadedInvoice:
        """The operator's red reversal of one of its invoices, on ``conn``: the trips are free
        to be invoiced again once it commits, and the red receipt joins the rider's folder."""
        return await self._reverse(conn, staff, receipt_id, reason)

    async def reissue(
        self, user: User, receipt_id: uuid.UUID, title: TitleIn, *, email: str | None = None
    ) -> LoadedInvoice:
        """Reverse one of the user's valid invoices and issue a new one for the same trips with
        ``title`` (and the original's tax rate), in one transaction: both or neither. With
        ``email``, the new invoice's PDF is queued for that address in that transaction too."""
        check_title(title)
        address = rider_address(email)
        detail = await TransitInvoice.filter(receipt_id=receipt_id, user_id=user.id).first()
        if detail is None:
            raise InvoiceNotFound("no invoice of yours with that id")
        receipt = await Receipt.get(id=receipt_id)
        if receipt.status != ReceiptStatus.VALID or receipt.reverses_id is not None:  # type: ignore[attr-defined]
            raise InvoiceNotValid("this invoice was reversed already, or is a red reversal")
        settings = await self.settings_for(receipt.issuer_id)  # type: ignore[attr-defined]
        lines = await TransitInvoiceLine.filter(receipt_id=receipt_id).order_by("position")
        trip_by_id = {t.id: t for t in await Trip.filter(id__in=[ln.trip_id for ln in lines])}  # type: ignore[attr-defined]
        trips = [trip_by_id[ln.trip_id] for ln in lines]  # type: ignore[attr-defined]
        async with in_transaction() as conn:
            await self._reverse(conn, settings.drawer, receipt_id, REISSUE_REASON)
            issued = await self._issue(
                conn, settings.drawer, user, trips, title, TaxRate(detail.tax_rate)
            )
            return await self._email(conn, issued, address)

    async def invoice(self, receipt_id: uuid.UUID) -> LoadedInvoice:
        """An invoice (or red reversal) with its detail, lines and trips."""
        detail = await TransitInvoice.get_or_none(receipt_id=receipt_id)
        if detail is None:
            raise InvoiceNotFound("no transit invoice with that id")
        receipt = await Receipt.filter(id=receipt_id).select_related("issuer").get()
        loaded = await self._receipts.get(receipt.issuer, receipt_id)
        lines = list(await TransitInvoiceLine.filter(receipt_id=receipt_id).order_by("position"))
        trips = list(await Trip.filter(id__in=[ln.trip_id for ln in lines]))  # type: ignore[attr-defined]
        return LoadedInvoice(loaded, detail, lines, trips)

    async def _email(
        self, conn: BaseDBAsyncClient, issued: LoadedInvoice, address: str | None
    ) -> LoadedInvoice:
        # In the invoice's transaction: the message goes out exactly when the invoice exists.
        if address is None:
            return issued
        queued = await self._outbox.queue_receipt_email(
            conn, receipt=issued.loaded.receipt, to=address, requested_by="rider"
        )
        return replace(issued, email=queued)

    async def _issue(
        self,
        conn: BaseDBAsyncClient,
        drawer: Staff,
        user: User,
        trips: list[Trip],
        title: TitleIn,
        rate: TaxRate,
    ) -> LoadedInvoice:
        split = split_tax([t.fare_fen for t in trips], rate)
        now = self._clock()
        receipt = Receipt(
            kind=ReceiptKind.TRANSIT, payer_name=title.name, total_fen=split.gross_fen
        )
        items = [
            LineItem(
                category=ITEM_NAME,
                name=line_name(china_day(t.exit_at), t.entry_station, t.exit_station),
                quantity="1",
                unit="次",
                amount_fen=t.fare_fen,
            )
            for t in trips
        ]
        numbering = invoice_numbering(drawer.issuer.region, china_day(now).year)
        loaded = await self._receipts.store(
            conn, staff=drawer, receipt=receipt, items=items, numbering=numbering
        )
        # The exactly-once guarantee: a trip on another valid invoice fails this insert.
        await InvoicedTrip.bulk_create(
            [InvoicedTrip(trip_id=t.id, receipt_id=receipt.id) for t in trips], using_db=conn
        )
        detail = await TransitInvoice.create(
            receipt_id=receipt.id,
            user=user,
            buyer_kind=title.kind,
            buyer_name=title.name,
            buyer_tax_id=title.tax_id.upper() if title.tax_id else None,
            tax_rate=rate,
            net_fen=split.net_fen,
            tax_fen=split.tax_fen,
            created_at=now,
            using_db=conn,
        )
        lines = [
            TransitInvoiceLine(
                receipt_id=receipt.id,
                position=position,
                trip_id=t.id,
                net_fen=line.net_fen,
                tax_fen=line.tax_fen,
            )
            for position, (t, line) in enumerate(zip(trips, split.lines, strict=True), start=1)
        ]
        await TransitInvoiceLine.bulk_create(lines, using_db=conn)
        await _into_folder(conn, user.id, receipt.id, now)
        return LoadedInvoice(loaded, detail, lines, trips)

    async def _reverse(
        self, conn: BaseDBAsyncClient, staff: Staff, receipt_id: uuid.UUID, reason: str
    ) -> LoadedInvoice:
        detail = (
            await TransitInvoice.filter(receipt_id=receipt_id, receipt__issuer_id=staff.issuer.id)
            .using_db(conn)
            .first()
        )
        if detail is None:
            raise InvoiceNotFound("no transit invoice with that id at this issuer")
        # A red 数电票 is a new invoice of this year, named by a 红字发票信息确认单 of its own.
        region, year = staff.issuer.region, china_day(self._clock()).year
        red = await self._receipts.reverse(
            conn,
            staff=staff,
            receipt_id=receipt_id,
            reason=reason,
            kind=ReceiptKind.TRANSIT,
            numbering=invoice_numbering(region, year),
        )
        confirmation = red_confirmation_numbering(region, year)
        # Same transaction as the reversal: the trips are free exactly when it commits.
        await InvoicedTrip.filter(receipt_id=receipt_id).using_db(conn).delete()
        now = red.receipt.issued_at
        red_detail = await TransitInvoice.create(
            receipt_id=red.receipt.id,
            user_id=detail.user_id,  # type: ignore[attr-defined]
            buyer_kind=detail.buyer_kind,
            buyer_name=detail.buyer_name,
            buyer_tax_id=detail.buyer_tax_id,
            tax_rate=detail.tax_rate,
            net_fen=-detail.net_fen,
            tax_fen=-detail.tax_fen,
            created_at=now,
            red_confirmation=await self._receipts.next_number(conn, staff.issuer, confirmation),
            using_db=conn,
        )
        await _into_folder(conn, detail.user_id, red.receipt.id, now)  # type: ignore[attr-defined]
        return LoadedInvoice(red, red_detail, [], [])


async def _settings(issuer_id: uuid.UUID) -> TransitSettings | None:
    return (
        await TransitSettings.filter(issuer_id=issuer_id).select_related("drawer__issuer").first()
    )


async def _refuse_invoiced(conn: BaseDBAsyncClient | None, ids: Sequence[int]) -> None:
    found = (
        await InvoicedTrip.filter(trip_id__in=list(ids))
        .using_db(conn)
        .values_list("trip_id", flat=True)
    )
    taken = sorted(int(str(t)) for t in found)
    if taken:
        raise TripsAlreadyInvoiced(f"trips {taken} are already on a valid invoice", trips=taken)


async def _into_folder(
    conn: BaseDBAsyncClient, user_id: uuid.UUID, receipt_id: uuid.UUID, now: datetime
) -> None:
    await FolderEntry.create(user_id=user_id, receipt_id=receipt_id, added_at=now, using_db=conn)
    await ReceiptEvent.create(receipt_id=receipt_id, type=CLAIMED, at=now, using_db=conn)


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


def _encode_cursor(trip: Trip) -> str:
    raw = f"{trip.exit_at.isoformat()}|{trip.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, last_id = raw.split("|")
        trip_id = int(last_id)
        if not 0 < trip_id <= MAX_ROW_ID:
            raise ValueError("no such trip id")
        return check_moment(datetime.fromisoformat(at)), trip_id
    except (ValueError, OverflowError) as exc:
        raise InvalidTripCursor("the cursor is not one this API gave out") from exc
