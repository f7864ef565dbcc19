"""HTTP views of transit: the operator's trip import, settings, reversal and figures (staff
keys), and the rider's cards, trips and invoices (mini-program session). Thin: parse, call one
service, answer."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from tortoise.backends.base.client import BaseDBAsyncClient

from backend.auth.views import user_for
from backend.idempotency.services import Answer
from backend.idempotency.web import answer_response, run_idempotent
from backend.issuers.models import IssuerKind, StaffRole
from backend.links import scan_url_or_none
from backend.receipts.schemas import receipt_out
from backend.transit.cards import TripProof
from backend.transit.errors import InvoiceNotFound
from backend.transit.invoices import LoadedInvoice
from backend.transit.schemas import (
    BindCard,
    CardOut,
    CardsOut,
    ImportOut,
    ImportTrips,
    ImportTripsLoose,
    InvoiceOut,
    ReissueInvoice,
    RejectedOut,
    RequestInvoice,
    ReverseInvoice,
    TransitSettingsIn,
    TransitSettingsOut,
    TransitStatsOut,
    TransitStatsQuery,
    TripOut,
    TripPage,
    TripsQuery,
)
from backend.transit.services import TransitService
from backend.web import (
    Endpoint,
    json_answer,
    parse_body,
    parse_query,
    path_receipt_id,
    read_body,
    service,
    staff_for,
)

OPERATORS = (StaffRole.OPERATOR,)
REVERSERS = (StaffRole.OPERATOR, StaffRole.ADMIN)
ADMINS = (StaffRole.ADMIN,)
METROS = (IssuerKind.TRANSIT,)
# 10,000 trips of about 300 bytes each: above the general body limit, so trips have their own.
MAX_TRIP_BATCH_BYTES = 8 * 1024 * 1024
STATS_DEFAULT_DAYS = 30


def transit_service(request: Request) -> TransitService:
    return service(request, TransitService)


def invoice_out(request: Request, found: LoadedInvoice) -> InvoiceOut:
    loaded = found.loaded
    base: str = request.app.state.settings.public_base_url
    receipt = receipt_out(
        loaded.receipt,
        loaded.items,
        reverses=loaded.reverses,
        reversed_by=loaded.reversed_by,
        scan_url=scan_url_or_none(base, loaded.scan_token),
        ledger_state=loaded.ledger.state,
        leaf_index=loaded.ledger.leaf_index,
    )
    return InvoiceOut.of(
        receipt, detail=found.detail, lines=found.lines, trips=found.trips, email=found.email
    )


# --- the operator ---------------------------------------------------------------------------


async def import_trips(request: Request) -> Response:
    staff = await staff_for(request)
    body = await read_body(request, limit=MAX_TRIP_BATCH_BYTES)
    payload = parse_body(body, ImportTripsLoose, request.headers.get("content-type"))
    result = await transit_service(request).import_trips(staff.issuer, payload.trips)
    return json_answer(
        ImportOut(
            new=result.new,
            duplicates=result.duplicates,
            rejected=[
                RejectedOut(index=r.index, code=r.code, message=r.message) for r in result.rejected
            ],
        )
    )


async def get_settings(request: Request) -> Response:
    staff = await staff_for(request)
    found = await transit_service(request).current_settings(staff.issuer.id)
    return json_answer(TransitSettingsOut.of(found))


async def put_settings(request: Request) -> Response:
    staff = await staff_for(request)
    body = await read_body(request)
    payload = parse_body(body, TransitSettingsIn, request.headers.get("content-type"))
    found = await transit_service(request).update_settings(
        staff.issuer,
        tax_rate=payload.tax_rate,
        max_trips=payload.max_trips,
        window_days=payload.window_days,
    )
    return json_answer(TransitSettingsOut.of(found))


async def reverse_invoice(request: Request) -> Response:
    staff = await staff_for(request)
    receipt_id = path_receipt_id(request, InvoiceNotFound, "no invoice with that id")
    body = await read_body(request)
    payload = parse_body(body, ReverseInvoice, request.headers.get("content-type"))
    transit = transit_service(request)

    async def reverse(conn: BaseDBAsyncClient) -> Answer:
        red = await transit.reverse(staff, receipt_id, payload.reason, conn)
        return Answer(201, invoice_out(request, red).model_dump_json().encode())

    return answer_response(await run_idempotent(request, staff, body, reverse))


async def stats(request: Request) -> Response:
    staff = await staff_for(request)
    query = parse_query(request, TransitStatsQuery)
    today = transit_service(request).today()
    day_to = query.stats_to or today
    day_from = query.stats_from or day_to - timedelta(days=STATS_DEFAULT_DAYS - 1)
    found = await transit_service(request).stats(staff.issuer, day_from, day_to)
    return json_answer(TransitStatsOut.of(found))


# --- the rider ------------------------------------------------------------------------------


async def bind_card(request: Request) -> Response:
    user = await user_for(request)
    body = await read_body(request)
    payload = parse_body(body, BindCard, request.headers.get("content-type"))
    proof = TripProof(
        day=payload.trip.date,
        entry_station=payload.trip.entry_station,
        fare_fen=payload.trip.fare,
    )
    card, created = await transit_service(request).bind_card(user, payload.card, proof)
    return json_answer(CardOut.of(card), 201 if created else 200)


async def list_cards(request: Request) -> Response:
    user = await user_for(request)
    cards = await transit_service(request).cards(user)
    return json_answer(CardsOut(cards=[CardOut.of(c) for c in cards]))


async def list_trips(request: Request) -> Response:
    user = await user_for(request)
    query = parse_query(request, TripsQuery)
    trips, next_cursor = await transit_service(request).uninvoiced_trips(
        user,
        day_from=query.trips_from,
        day_to=query.trips_to,
        limit=query.limit,
        cursor=query.cursor,
    )
    return json_answer(
        TripPage(
            trips=[TripOut.of(t) for t in trips],
            next_cursor=next_cursor,
        )
    )


async def request_invoice(request: Request) -> Response:
    user = await user_for(request)
    body = await read_body(request)
    payload = parse_body(body, RequestInvoice, request.headers.get("content-type"))
    issued = await transit_service(request).request_invoice(
        user, payload.trips, payload.title, email=payload.email
    )
    return json_answer(invoice_out(request, issued), 201)


async def reissue_invoice(request: Request) -> Response:
    user = await user_for(request)
    receipt_id = path_receipt_id(request, InvoiceNotFound, "no invoice with that id")
    body = await read_body(request)
    payload = parse_body(body, ReissueInvoice, request.headers.get("content-type"))
    issued = await transit_service(request).reissue(
        user, receipt_id, payload.title, email=payload.email
    )
    return json_answer(invoice_out(request, issued), 201)


ENDPOINTS = [
    Endpoint(
        "POST",
        "/api/v1/transit/trips",
        import_trips,
        name="transit.import_trips",
        summary="Import up to 10,000 trips from the fare system (idempotent by trip reference)",
        tag="transit",
        request_body=ImportTrips,
        response=ImportOut,
        roles=OPERATORS,
        kinds=METROS,
    ),
    Endpoint(
        "GET",
        "/api/v1/transit/settings",
        get_settings,
        name="transit.settings",
        summary="The issuer's tax treatment (9%, 3%, 免税), trips per invoice and window",
        tag="transit",
        response=TransitSettingsOut,
        roles=REVERSERS,
        kinds=METROS,
    ),
    Endpoint(
        "PUT",
        "/api/v1/transit/settings",
        put_settings,
        name="transit.update_settings",
        summary="Set the issuer's tax treatment and invoicing limits",
        tag="transit",
        request_body=TransitSettingsIn,
        response=TransitSettingsOut,
        roles=ADMINS,
        kinds=METROS,
    ),
    Endpoint(
        "POST",
        "/api/v1/transit/invoices/{receipt_id}/reversal",
        reverse_invoice,
        name="transit.reverse",
        summary="Issue the red reversal (冲红) of an invoice; its trips can be invoiced again",
        tag="transit",
        status=201,
        request_body=ReverseInvoice,
        response=InvoiceOut,
        roles=REVERSERS,
        kinds=METROS,
        headers={"Idempotency-Key": "retries with this key return the first answer"},
    ),
    Endpoint(
        "GET",
        "/api/v1/transit/stats",
        stats,
        name="transit.stats",
        summary="Trips imported per day, the invoiced share, invoices by title kind",
        tag="transit",
        query=TransitStatsQuery,
        response=TransitStatsOut,
        roles=REVERSERS,
        kinds=METROS,
    ),
    Endpoint(
        "POST",
        "/api/v1/folder/cards",
        bind_card,
        name="folder.bind_card",
        summary="Bind a transit card on proof of a recent trip on it (200 if already yours)",
        tag="folder",
        status=201,
        request_body=BindCard,
        response=CardOut,
        other_statuses=(200,),
    ),
    Endpoint(
        "GET",
        "/api/v1/folder/cards",
        list_cards,
        name="folder.cards",
        summary="Your bound transit cards",
        tag="folder",
        response=CardsOut,
    ),
    Endpoint(
        "GET",
        "/api/v1/folder/trips",
        list_trips,
        name="folder.trips",
        summary="Your trips not yet invoiced, newest first",
        tag="folder",
        query=TripsQuery,
        response=TripPage,
    ),
    Endpoint(
        "POST",
        "/api/v1/folder/transit-invoices",
        request_invoice,
        name="folder.request_invoice",
        summary="Invoice some of your trips with a personal or company title; optionally email it",
        tag="folder",
        status=201,
        request_body=RequestInvoice,
        response=InvoiceOut,
    ),
    Endpoint(
        "POST",
        "/api/v1/folder/transit-invoices/{receipt_id}/reissue",
        reissue_invoice,
        name="folder.reissue_invoice",
        summary="Reverse your invoice and issue it again with a corrected title",
        tag="folder",
        status=201,
        request_body=ReissueInvoice,
        response=InvoiceOut,
    ),
]
