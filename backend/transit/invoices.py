"""A rider's invoices for their trips: issuing exactly once, re-issuing, the operator's reversal.

Exactly once: a trip is on at most one valid invoice because ``transit_invoice_trip`` has a
unique trip column, written in the issuing transaction and emptied for an invoice in its
reversal's transaction. The checks before the transaction only make the common refusal cheap
and well worded; when two requests race past them, the database refuses the second insert,
its whole transaction (receipt number, ledger statement, folder entry) rolls back, and the
rider gets the same 409 naming the trips.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.auth.models import User
from backend.chinatime import china_day
from backend.clock import Clock
from backend.emailaddress import InvalidEmailAddress, normalise_address
from backend.folder.services import FolderService
from backend.issuers.credit_code import is_valid_credit_code
from backend.issuers.models import Staff
from backend.outbox.services import OutboxService, QueuedEmail
from backend.receipts.models import LineItem, Receipt, ReceiptKind, ReceiptStatus
from backend.receipts.numbering import invoice_numbering, red_confirmation_numbering
from backend.receipts.services import LoadedReceipt, ReceiptService
from backend.transit.errors import (
    InvalidTitle,
    InvoiceNotFound,
    InvoiceNotValid,
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
    TransitInvoice,
    TransitInvoiceLine,
    Trip,
)
from backend.transit.schemas import MAX_TRIPS_PER_INVOICE, TitleIn
from backend.transit.settings import OperatorSettings
from backend.transit.tax import split_tax
from backend.transit.trips import riders_trips

ITEM_NAME = "*运输服务*客运服务费"
REISSUE_REASON = "购买方抬头更正，重新开具"


def line_name(day: date, entry: str, exit_: str) -> str:
    """A line item's name: ``2026-11-27 体育西路→珠江新城`` (stations never contain →)."""
    return f"{day.isoformat()} {entry}→{exit_}"


@dataclass(frozen=True, slots=True)
class LoadedInvoice:
    loaded: LoadedReceipt
    detail: TransitInvoice
    lines: list[TransitInvoiceLine]
    trips: list[Trip]
    email: QueuedEmail | None = None  # the PDF queued for the rider's address, if one was given


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


class Invoicing:
    """Issues, re-issues and reverses transit invoices; each one lands in the rider's folder in
    the transaction that writes it."""

    def __init__(
        self,
        *,
        receipts: ReceiptService,
        outbox: OutboxService,
        folder: FolderService,
        settings: OperatorSettings,
        clock: Clock,
    ) -> None:
        self._receipts = receipts
        self._outbox = outbox
        self._folder = folder
        self._settings = settings
        self._clock = clock

    async def request(
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
        trips = await Trip.filter(await riders_trips(user), id__in=ids).select_related("issuer")
        missing = sorted(set(ids) - {t.id for t in trips})
        if missing:
            raise TripsNotFound(f"no trips of yours with ids {missing}", trips=missing)
        issuer_ids = {t.issuer_id for t in trips}  # type: ignore[attr-defined]
        if len(issuer_ids) > 1:
            raise TripsOfSeveralIssuers("one invoice covers trips of one operator only")
        issuer = trips[0].issuer
        settings = await self._settings.of(issuer.id)
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
        settings = await self._settings.of(receipt.issuer_id)  # type: ignore[attr-defined]
        lines = await TransitInvoiceLine.filter(receipt_id=receipt_id).order_by("position")
        trip_by_id = {t.id: t for t in await Trip.filter(id__in=[ln.trip_id for ln in lines])}  # type: ignore[attr-defined]
        trips = [trip_by_id[ln.trip_id] for ln in lines]  # type: ignore[attr-defined]
        async with in_transaction() as conn:
            await self._reverse(conn, settings.drawer, receipt_id, REISSUE_REASON)
            issued = await self._issue(
                conn, settings.drawer, user, trips, title, TaxRate(detail.tax_rate)
            )
            return await self._email(conn, issued, address)

    async def get(self, receipt_id: uuid.UUID) -> LoadedInvoice:
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
        await self._folder.keep(conn, user_id=user.id, receipt_id=receipt.id, at=now)
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
        await self._folder.keep(conn, user_id=detail.user_id, receipt_id=red.receipt.id, at=now)  # type: ignore[attr-defined]
        return LoadedInvoice(red, red_detail, [], [])


async def _refuse_invoiced(conn: BaseDBAsyncClient | None, ids: Sequence[int]) -> None:
    found = (
        await InvoicedTrip.filter(trip_id__in=list(ids))
        .using_db(conn)
        .values_list("trip_id", flat=True)
    )
    taken = sorted(int(str(t)) for t in found)
    if taken:
        raise TripsAlreadyInvoiced(f"trips {taken} are already on a valid invoice", trips=taken)
