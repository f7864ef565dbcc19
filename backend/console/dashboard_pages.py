"""The console's whereabouts dashboard for admins, and its CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from backend.chinatime import minute_text
from backend.console.chart import per_day_svg
from backend.console.web import ADMIN, ISSUERS, Form, day_param, page, render, whereabouts
from backend.errors import InvalidInput
from backend.events import EVENT_LABELS
from backend.issuers.models import Staff
from backend.receipts.money import format_fen
from backend.whereabouts.services import STATE_LABELS, STATES, WhereaboutsService


def _unopened_days(text: str | None) -> int:
    if not text:
        return 7
    if not text.isdigit() or not 1 <= int(text) <= 365:
        raise InvalidInput("unopened_days is a whole number of days, 1 to 365", code="invalid_days")
    return int(text)


@page(ADMIN, ISSUERS)
async def dashboard(request: Request, staff: Staff, form: Form) -> Response:
    """The whereabouts dashboard: counts by state, the per-day chart, unopened receipts,
    failed emails and the CSV export."""
    q = request.query_params
    service: WhereaboutsService = whereabouts(request)
    days = service.day_range(day_param(q.get("from")), day_param(q.get("to")), default_days=14)
    unopened_days = _unopened_days(q.get("unopened_days"))
    stats = await service.stats(staff.issuer, days, unopened_days=unopened_days)
    chart = per_day_svg(stats.per_day, STATES, STATE_LABELS)
    return render(
        request,
        "console/dashboard.html",
        staff=staff,
        stats=stats,
        chart=Markup(chart),  # per_day_svg escapes every text it draws
        states=STATES,
        state_labels=STATE_LABELS,
        event_labels=EVENT_LABELS,
        csv_link="/console/dashboard/receipts.csv?"
        + urlencode({"from": days.first.isoformat(), "to": days.last.isoformat()}),
        fmt_time=lambda at: minute_text(at),
        yuan=format_fen,
    )


@page(ADMIN, ISSUERS)
async def dashboard_csv(request: Request, staff: Staff, form: Form) -> Response:
    """The dashboard's receipts with their whereabouts, as a CSV download."""
    q = request.query_params
    service = whereabouts(request)
    days = service.day_range(day_param(q.get("from")), day_param(q.get("to")))
    text = await service.csv_export(staff.issuer, days)
    name = f"receipts-{days.first:%Y%m%d}-{days.last:%Y%m%d}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
