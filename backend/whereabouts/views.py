"""HTTP views of whereabouts (去向) for the issuer's own systems (staff API key)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from backend.chinatime import Day
from backend.issuers.models import IssuerKind, StaffRole
from backend.receipts.errors import ReceiptNotFound
from backend.receipts.money import format_fen
from backend.receipts.schemas import china_time
from backend.schema import Model
from backend.textfields import Text
from backend.web import Endpoint, json_answer, parse_query, path_receipt_id, service, staff_for
from backend.whereabouts.services import ReceiptWhereabouts, WhereaboutsService

READERS = (StaffRole.CASHIER, StaffRole.ADMIN)
ISSUERS = (IssuerKind.HOSPITAL, IssuerKind.TRANSIT)


def whereabouts(request: Request) -> WhereaboutsService:
    return service(request, WhereaboutsService)


class RangeQuery(Model):
    first: Day | None = Field(None, alias="from", description="first day, China time")
    last: Day | None = Field(None, alias="to", description="last day, China time")


class StatsQuery(RangeQuery):
    unopened_days: Annotated[int, Field(ge=1, le=365)] = Field(
        7, description="list receipts nobody opened this many days after issue"
    )


class ListQuery(RangeQuery):
    state: Annotated[str, Text(20)] | None = Field(None, description="only receipts in this state")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str, Field(max_length=200)] | None = None


class DayCounts(Model):
    day: date
    total: int
    by_state: dict[str, int]


class ReceiptStateOut(Model):
    id: uuid.UUID
    code: str
    number: str
    issued_at: str
    total: str
    status: str
    state: str
    opened_at: str | None
    emails_sent: int
    emails_failed: int
    last_event: str
    last_event_at: str


class FailedEmailOut(Model):
    receipt_id: uuid.UUID
    code: str
    number: str
    type: str
    at: str
    reason: str


class StatsOut(Model):
    first: date = Field(serialization_alias="from")
    last: date = Field(serialization_alias="to")
    total: int
    by_state: dict[str, int]
    per_day: list[DayCounts]
    emails: dict[str, int]
    unopened_days: int
    unopened_count: int
    unopened: list[ReceiptStateOut]
    failed_email_count: int
    failed_emails: list[FailedEmailOut]


class ReceiptStatePage(Model):
    receipts: list[ReceiptStateOut]
    next_cursor: str | None


class EventOut(Model):
    type: str
    at: str
    staff: str | None
    detail: dict[str, str]


class TrailOut(Model):
    receipt_id: uuid.UUID
    events: list[EventOut]


def receipt_state_out(r: ReceiptWhereabouts) -> ReceiptStateOut:
    return ReceiptStateOut(
        id=r.id,
        code=r.code,
        number=r.number,
        issued_at=china_time(r.issued_at),
        total=format_fen(r.total_fen),
        status=r.status,
        state=r.state,
        opened_at=china_time(r.opened_at) if r.opened_at else None,
        emails_sent=r.emails_sent,
        emails_failed=r.emails_failed,
        last_event=r.last_event,
        last_event_at=china_time(r.last_event_at),
    )


async def issuer_stats(request: Request) -> Response:
    staff = await staff_for(request)
    query = parse_query(request, StatsQuery)
    service = whereabouts(request)
    stats = await service.stats(
        staff.issuer, service.day_range(query.first, query.last), unopened_days=query.unopened_days
    )
    out = StatsOut(
        first=stats.range.first,
        last=stats.range.last,
        total=stats.total,
        by_state=stats.by_state,
        per_day=[
            DayCounts(day=day, total=sum(counts.values()), by_state=counts)
            for day, counts in stats.per_day
        ],
        emails=stats.emails,
        unopened_days=stats.unopened_days,
        unopened_count=stats.unopened_count,
        unopened=[receipt_state_out(r) for r in stats.unopened],
        failed_email_count=stats.failed_email_count,
        failed_emails=[
            FailedEmailOut(
                receipt_id=f.receipt_id,
                code=f.code,
                number=f.number,
                type=f.type,
                at=china_time(f.at),
                reason=f.reason,
            )
            for f in stats.failed_emails
        ],
    )
    return json_answer(out.model_dump(mode="json", by_alias=True))


async def issuer_receipts(request: Request) -> Response:
    staff = await staff_for(request)
    query = parse_query(request, ListQuery)
    service = whereabouts(request)
    found, next_cursor = await service.page(
        staff.issuer,
        service.day_range(query.first, query.last),
        state=query.state,
        limit=query.limit,
        cursor=query.cursor,
    )
    page = ReceiptStatePage(receipts=[receipt_state_out(r) for r in found], next_cursor=next_cursor)
    return json_answer(page)


async def receipt_events(request: Request) -> Response:
    staff = await staff_for(request)
    receipt_id = path_receipt_id(request, ReceiptNotFound)
    trail = await whereabouts(request).trail(staff.issuer, receipt_id)
    out = TrailOut(
        receipt_id=receipt_id,
        events=[
            EventOut(type=e.type, at=china_time(e.at), staff=e.staff_name, detail=e.detail)
            for e in trail
        ],
    )
    return json_answer(out)


async def receipts_csv(request: Request) -> Response:
    staff = await staff_for(request)
    query = parse_query(request, RangeQuery)
    service = whereabouts(request)
    days = service.day_range(query.first, query.last)
    text = await service.csv_export(staff.issuer, days)
    name = f"receipts-{days.first:%Y%m%d}-{days.last:%Y%m%d}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ENDPOINTS = [
    Endpoint(
        "GET",
        "/api/v1/issuer/stats",
        issuer_stats,
        name="whereabouts.stats",
        summary="Counts of this issuer's receipts by state and per day; unopened; failed emails",
        tag="whereabouts",
        query=StatsQuery,
        response=StatsOut,
        roles=READERS,
        kinds=ISSUERS,
    ),
    Endpoint(
        "GET",
        "/api/v1/issuer/receipts.csv",
        receipts_csv,
        name="whereabouts.csv",
        summary="This issuer's receipts with their whereabouts, as CSV",
        tag="whereabouts",
        query=RangeQuery,
        roles=READERS,
        kinds=ISSUERS,
        media_type="text/csv",
    ),
    Endpoint(
        "GET",
        "/api/v1/issuer/receipts",
        issuer_receipts,
        name="whereabouts.receipts",
        summary="This issuer's receipts with their whereabouts state, newest first",
        tag="whereabouts",
        query=ListQuery,
        response=ReceiptStatePage,
        roles=READERS,
        kinds=ISSUERS,
    ),
    Endpoint(
        "GET",
        "/api/v1/issuer/receipts/{receipt_id}/events",
        receipt_events,
        name="whereabouts.events",
        summary="A receipt's event trail (去向), oldest first",
        tag="whereabouts",
        response=TrailOut,
        roles=READERS,
        kinds=ISSUERS,
    ),
]
