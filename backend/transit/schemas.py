"""Transit bodies on the wire: trip rows from the fare system, cards, invoice requests, answers.

Trip rows are validated one by one (``TripIn``), so a bad row is rejected with its reason while
the rest of the batch goes in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema, model_validator

from backend.chinatime import Day, Moment, china_day
from backend.outbox.schemas import ADDRESS, QueuedEmailOut, queued_out
from backend.outbox.services import QueuedEmail
from backend.receipts.money import format_fen
from backend.receipts.schemas import MAX_ROW_ID, Amount, ReceiptOut, china_time
from backend.schema import Model
from backend.textfields import Text
from backend.transit.models import (
    BuyerKind,
    TaxRate,
    TransitCard,
    TransitInvoice,
    TransitInvoiceLine,
    TransitSettings,
    Trip,
)
from backend.transit.stats import Stats

MAX_TRIPS_PER_BATCH = 10_000
# Above any issuer's configurable maximum: longer lists are refused before any query.
MAX_TRIPS_PER_INVOICE = 500
MAX_FARE_FEN = 100_000  # 1000.00 yuan: no metro fare comes near it


def _station(value: str) -> str:
    # "→" separates the stations in an invoice line's name, so it cannot be part of one.
    if "→" in value:
        raise ValueError("a station name has no →")
    return value


def _fare(value: int) -> int:
    if not 0 < value <= MAX_FARE_FEN:
        raise ValueError("a fare is above 0.00 and at most 1000.00")
    return value


Station = Annotated[str, Text(40), AfterValidator(_station)]
FARE_PATTERN = r"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,2}(\.[0-9]{1,2})?|1000(\.0{1,2})?)$"
Fare = Annotated[
    Amount,
    AfterValidator(_fare),
    # Exactly what _fare leaves: 0.01 to 1000.00.
    WithJsonSchema(
        {
            "type": "string",
            "pattern": FARE_PATTERN,
            "examples": ["3.00"],
        }
    ),
]


class RiderIn(Model):
    """Who rode: the mini-program user's openid, or a card number a user may bind later."""

    openid: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    card: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{4,32}$")] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.openid is None) == (self.card is None):
            raise ValueError("give the rider's openid or card number, exactly one of them")
        return self


class StationAt(Model):
    station: Station
    at: Moment


class TripIn(Model):
    ref: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
    rider: RiderIn
    entry: StationAt
    exit: StationAt
    fare: Fare
    channel: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,16}$")]

    @model_validator(mode="after")
    def _exit_after_entry(self) -> Self:
        if self.exit.at < self.entry.at:
            raise ValueError("the exit time is before the entry time")
        return self


class ImportTrips(Model):
    """A batch of trips (up to 10,000). Each row is checked on its own: see ``TripIn``."""

    trips: Annotated[list[TripIn], Field(json_schema_extra={"maxItems": MAX_TRIPS_PER_BATCH})]


class ImportTripsLoose(Model):
    # What the view parses: rows stay raw so that each is validated and rejected on its own.
    trips: list[Any]


class RejectedOut(Model):
    index: int
    code: str
    message: str


class ImportOut(Model):
    new: int
    duplicates: int
    rejected: list[RejectedOut]


# Not chinatime.Day: the service refuses any day outside the proof window, the calendar's ends
# included, with its own code (proof_date_out_of_range). Named so that a field called ``date``
# does not shadow the type in its own annotation.
ProofDay = date


class TripProofIn(Model):
    """One recent trip on the card, as the rider remembers it from the gate or the card's app."""

    date: ProofDay = Field(description="the day (China time) the trip entered the gate")
    entry_station: Station = Field(description="the entry station's name, exactly as printed")
    fare: Fare = Field(description='what the trip cost, e.g. "3.00"')


class BindCard(Model):
    """Bind a transit card: its number and one trip on it from the last 30 days (China days,
    today included) as proof that the card is yours, the way metro apps ask for it.

    A trip that does not match answers 403 ``card_proof_mismatch`` and says nothing about
    which detail was wrong or whether the card exists; a date outside the window is 422
    ``proof_date_out_of_range``; a card already bound to someone else, 409
    ``card_bound_elsewhere`` (after a right proof only). Failed proofs are limited per card
    (5) and per user (10) each China day: beyond that 429 ``card_proof_limit`` with
    ``Retry-After`` (seconds to midnight China time). A card already yours answers 200.
    """

    card: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9]{4,32}$")]
    trip: TripProofIn


class CardOut(Model):
    card: str
    bound_at: str

    @classmethod
    def of(cls, card: TransitCard) -> CardOut:
        """A bound card, with when it was bound in China time."""
        return cls(card=card.card, bound_at=china_time(card.bound_at))


class CardsOut(Model):
    cards: list[CardOut]


class TripOut(Model):
    id: int
    ref: str
    entry: dict[str, str]
    exit: dict[str, str]
    fare: str
    channel: str

    @classmethod
    def of(cls, trip: Trip) -> TripOut:
        """A trip as the rider lists it: stations with their times in China time."""
        return cls(
            id=trip.id,
            ref=trip.ref,
            entry={"station": trip.entry_station, "at": china_time(trip.entry_at)},
            exit={"station": trip.exit_station, "at": china_time(trip.exit_at)},
            fare=format_fen(trip.fare_fen),
            channel=trip.channel,
        )


class TripsQuery(Model):
    trips_from: Day | None = Field(None, alias="from", description="first day (exit), China time")
    trips_to: Day | None = Field(None, alias="to", description="last day (exit), China time")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str, Field(max_length=200)] | None = None


class TripPage(Model):
    trips: list[TripOut]
    next_cursor: str | None


class TitleIn(Model):
    """The buyer title (抬头): 个人 with a name, or 单位 with a name and its 统一社会信用代码.

    The credit code's check character is verified by the service (error ``invalid_title``).
    """

    kind: BuyerKind
    name: Annotated[str, Text(100)]
    tax_id: Annotated[str, Text(32, min_length=0)] | None = None


RiderEmail = Annotated[
    str,
    ADDRESS,
    Field(
        description="optional: the invoice's PDF is queued for this address with the invoice",
    ),
]


class RequestInvoice(Model):
    trips: Annotated[
        list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]],
        Field(
            description="ids of your un-invoiced trips, each once",
            # Counted by the service, which says the issuer's own maximum (error
            # trip_count_out_of_range); the schema shows the bound no issuer can pass.
            json_schema_extra={"minItems": 1, "maxItems": MAX_TRIPS_PER_INVOICE},
        ),
    ]
    title: TitleIn
    email: RiderEmail | None = None


class ReissueInvoice(Model):
    title: TitleIn
    email: RiderEmail | None = None


class ReverseInvoice(Model):
    reason: Annotated[str, Text(200)]


class BuyerOut(Model):
    kind: str
    name: str
    tax_id: str | None


class InvoiceLineOut(Model):
    trip_id: int
    day: date
    entry_station: str
    exit_station: str
    fare: str
    net: str
    tax: str


class InvoiceOut(Model):
    receipt: ReceiptOut
    buyer: BuyerOut
    tax_rate: str
    net: str
    tax: str
    total: str
    lines: list[InvoiceLineOut]
    email: QueuedEmailOut | None = Field(
        None, description="the PDF queued for the address given with the request, if any"
    )

    @classmethod
    def of(
        cls,
        receipt: ReceiptOut,
        *,
        detail: TransitInvoice,
        lines: Sequence[TransitInvoiceLine],
        trips: Sequence[Trip],
        email: QueuedEmail | None = None,
    ) -> InvoiceOut:
        """The answer for an invoice whose receipt answer is ``receipt``: its title, tax and
        one line per trip (each of ``lines`` names one of ``trips``), in the order of
        ``lines``; ``email`` is the PDF queued with the request, if any."""
        by_id = {trip.id: trip for trip in trips}
        shown = []
        for line in lines:
            trip = by_id[line.trip_id]  # type: ignore[attr-defined]
            shown.append(
                InvoiceLineOut(
                    trip_id=trip.id,
                    day=china_day(trip.exit_at),
                    entry_station=trip.entry_station,
                    exit_station=trip.exit_station,
                    fare=format_fen(trip.fare_fen),
                    net=format_fen(line.net_fen),
                    tax=format_fen(line.tax_fen),
                )
            )
        return cls(
            receipt=receipt,
            buyer=BuyerOut(
                kind=detail.buyer_kind, name=detail.buyer_name, tax_id=detail.buyer_tax_id
            ),
            tax_rate=detail.tax_rate,
            net=format_fen(detail.net_fen),
            tax=format_fen(detail.tax_fen),
            total=format_fen(detail.net_fen + detail.tax_fen),
            lines=shown,
            email=queued_out(email) if email else None,
        )


class TransitSettingsIn(Model):
    tax_rate: TaxRate
    max_trips: Annotated[int, Field(ge=1, le=MAX_TRIPS_PER_INVOICE)] = 50
    window_days: Annotated[int, Field(ge=1, le=3660)] = 180


class TransitSettingsOut(Model):
    tax_rate: str
    max_trips: int
    window_days: int

    @classmethod
    def of(cls, settings: TransitSettings) -> TransitSettingsOut:
        return cls(
            tax_rate=settings.tax_rate,
            max_trips=settings.max_trips,
            window_days=settings.window_days,
        )


class TransitStatsQuery(Model):
    stats_from: Day | None = Field(None, alias="from", description="first import day, China time")
    stats_to: Day | None = Field(None, alias="to", description="last import day, China time")


class DayOut(Model):
    day: date
    imported: int
    invoiced: int


class TransitStatsOut(Model):
    days: list[DayOut]
    imported: int
    invoiced: int
    invoiced_share: float = Field(description="invoiced / imported trips of the period, 0..1")
    invoices_by_title: dict[str, int]

    @classmethod
    def of(cls, stats: Stats) -> TransitStatsOut:
        """The period's days with their sums; the share is rounded to four places, 0.0 when
        nothing was imported."""
        imported = sum(d.imported for d in stats.days)
        invoiced = sum(d.invoiced for d in stats.days)
        return cls(
            days=[DayOut(day=d.day, imported=d.imported, invoiced=d.invoiced) for d in stats.days],
            imported=imported,
            invoiced=invoiced,
            invoiced_share=round(invoiced / imported, 4) if imported else 0.0,
            invoices_by_title=stats.invoices_by_title,
        )
