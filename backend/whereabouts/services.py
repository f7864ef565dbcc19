"""Whereabouts (去向): where each receipt has gone since it was issued, and an issuer's counts.

A receipt's *state* is the furthest point it reached, read from its event trail in order:
``unopened`` → ``opened`` → ``claimed`` (in a folder) → ``verified`` → ``locked`` (being
reimbursed) → ``closed`` (reimbursed). Unclaiming and unlocking step back. A reversed original is
``reversed`` and a red reversal receipt is ``red``, whatever else happened to them. Emails are
counted apart, since they run alongside every state.

Every query is scoped to one issuer: another issuer's receipt is "not found", never shown.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from backend.chinatime import CHINA_STANDARD_TIME, day_end, day_start
from backend.clock import Clock
from backend.events import EventType
from backend.issuers.models import Issuer
from backend.pagination import decode_cursor, encode_cursor
from backend.receipts.errors import InvalidCursor, ReceiptNotFound
from backend.receipts.models import Receipt, ReceiptEvent, ReceiptStatus
from backend.receipts.money import format_fen
from backend.receipts.schemas import china_time
from backend.spreadsheet import digits_cell, text_cell
from backend.whereabouts.errors import InvalidRange, InvalidState

STATES = ("unopened", "opened", "claimed", "verified", "locked", "closed", "reversed", "red")
STATE_LABELS = {
    "unopened": "未打开",
    "opened": "已打开",
    "claimed": "已入票夹",
    "verified": "已查验",
    "locked": "报销中",
    "closed": "已报销",
    "reversed": "已冲红",
    "red": "红字票据",
}
FAILED_EMAIL_EVENTS = (EventType.EMAIL_FAILED, EventType.EMAIL_DEAD)
MAX_RANGE_DAYS = 366
MAX_LISTED = 50
_RANK = {"unopened": 0, "opened": 1, "claimed": 2, "verified": 3, "locked": 4, "closed": 5}


@dataclass(frozen=True, slots=True)
class DayRange:
    """Days in China time, both ends included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        return day_end(self.last)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True, slots=True)
class TrailEvent:
    type: EventType
    label: str
    at: datetime
    staff_name: str | None
    detail: dict[str, str]


@dataclass(frozen=True, slots=True)
class ReceiptWhereabouts:
    id: uuid.UUID
    code: str
    number: str
    issued_at: datetime
    payer_name: str
    total_fen: int
    status: str
    state: str
    opened_at: datetime | None
    emails_sent: int
    emails_failed: int
    last_event: EventType
    last_event_at: datetime


@dataclass(frozen=True, slots=True)
class FailedEmail:
    receipt_id: uuid.UUID
    code: str
    number: str
    type: EventType
    at: datetime
    reason: str


@dataclass(slots=True)
class IssuerStats:
    range: DayRange
    by_state: dict[str, int]
    per_day: list[tuple[date, dict[str, int]]]
    total: int
    emails: dict[str, int]
    unopened_days: int
    unopened: list[ReceiptWhereabouts] = field(default_factory=list)
    unopened_count: int = 0
    failed_emails: list[FailedEmail] = field(default_factory=list)
    failed_email_count: int = 0


def state_of(status: str, reverses: object, event_types: Iterable[str]) -> str:
    """The whereabouts state of a receipt from its status and its event types in time order."""
    if reverses is not None:
        return "red"
    if status == ReceiptStatus.REVERSED:
        return "reversed"
    best = 0
    in_folder = False
    claim: str | None = None
    for kind in event_types:
        if kind == EventType.OPENED:
            best = max(best, _RANK["opened"])
        elif kind == EventType.CLAIMED:
            in_folder = True
        elif kind == EventType.UNCLAIMED:
            in_folder = False
        elif kind == EventType.VERIFIED:
            best = max(best, _RANK["verified"])
        elif kind == EventType.LOCKED:
            claim = "locked"
        elif kind == EventType.CLOSED:
            claim = "closed"
        elif kind == EventType.UNLOCKED and claim == "locked":
            claim = None
    if claim is not None:
        return claim
    if in_folder:
        best = max(best, _RANK["claimed"])
    return next(name for name, rank in _RANK.items() if rank == best)


class WhereaboutsService:
    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock

    def day_range(
        self, first: date | None, last: date | None, *, default_days: int = 30
    ) -> DayRange:
        """The days asked for, defaulting to the last ``default_days`` up to today (China time).

        Raises ``InvalidRange`` when the last day is before the first or the range is longer
        than ``MAX_RANGE_DAYS``.
        """
        today = self._clock().astimezone(CHINA_STANDARD_TIME).date()
        last = last or (
            today if first is None else min(today, first + timedelta(days=default_days - 1))
        )
        first = first or last - timedelta(days=default_days - 1)
        if last < first:
            raise InvalidRange("the last day is before the first day")
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise InvalidRange(f"ask for at most {MAX_RANGE_DAYS} days at a time")
        return DayRange(first, last)

    async def _events(
        self, receipt_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[dict[str, Any]]]:
        trail: dict[uuid.UUID, list[dict[str, Any]]] = {rid: [] for rid in receipt_ids}
        for start in range(0, len(receipt_ids), 500):
            rows = (
                await ReceiptEvent.filter(receipt_id__in=list(receipt_ids[start : start + 500]))
                .order_by("at", "id")
                .values("receipt_id", "type", "at", "detail")
            )
            for row in rows:
                trail[row["receipt_id"]].append(row)
        return trail

    async def _whereabouts(self, rows: Sequence[dict[str, Any]]) -> list[ReceiptWhereabouts]:
        trails = await self._events([row["id"] for row in rows])
        found = []
        for row in rows:
            events = trails[row["id"]]
            kinds = [event["type"] for event in events]
            opened = next((e["at"] for e in events if e["type"] == EventType.OPENED), None)
            last = events[-1] if events else {"type": EventType.ISSUED, "at": row["issued_at"]}
            found.append(
                ReceiptWhereabouts(
                    id=row["id"],
                    code=row["code"],
                    number=row["number"],
                    issued_at=row["issued_at"],
                    payer_name=row["payer_name"],
                    total_fen=row["total_fen"],
                    status=str(row["status"]),
                    state=state_of(str(row["status"]), row["reverses_id"], kinds),
                    opened_at=opened,
                    emails_sent=kinds.count(EventType.EMAIL_SENT),
                    emails_failed=sum(kinds.count(kind) for kind in FAILED_EMAIL_EVENTS),
                    last_event=last["type"],
                    last_event_at=last["at"],
                )
            )
        return found

    async def _in_range(self, issuer: Issuer, days: DayRange) -> list[ReceiptWhereabouts]:
        rows = (
            await Receipt.filter(
                issuer_id=issuer.id, issued_at__gte=days.start, issued_at__lt=days.end
            )
            .order_by("-issued_at", "-id")
            .values(*_COLUMNS)
        )
        return await self._whereabouts(rows)

    async def stats(self, issuer: Issuer, days: DayRange, *, unopened_days: int) -> IssuerStats:
        """Counts of ``issuer``'s receipts issued in ``days``: by state, per day by state, emails
        by outcome; the receipts still unopened ``unopened_days`` after issue and the failed
        emails (the newest ``MAX_LISTED`` of each, with their full counts)."""
        receipts = await self._in_range(issuer, days)
        by_state = Counter(r.state for r in receipts)
        per_day: dict[date, Counter[str]] = {day: Counter() for day in days.days()}
        for r in receipts:
            per_day[r.issued_at.astimezone(CHINA_STANDARD_TIME).date()][r.state] += 1
        cutoff = self._clock() - timedelta(days=unopened_days)
        unopened = [r for r in receipts if r.state == "unopened" and r.issued_at <= cutoff]
        failed = await self._failed_emails(issuer, days)
        emails = Counter[str]()
        for r in receipts:
            emails["sent"] += r.emails_sent
            emails["failed"] += r.emails_failed
        return IssuerStats(
            range=days,
            by_state={state: by_state.get(state, 0) for state in STATES},
            per_day=[
                (day, {state: counts.get(state, 0) for state in STATES})
                for day, counts in per_day.items()
            ],
            total=len(receipts),
            emails={"sent": emails["sent"], "failed": emails["failed"]},
            unopened_days=unopened_days,
            unopened=unopened[:MAX_LISTED],
            unopened_count=len(unopened),
            failed_emails=failed[:MAX_LISTED],
            failed_email_count=len(failed),
        )

    async def _failed_emails(self, issuer: Issuer, days: DayRange) -> list[FailedEmail]:
        rows = (
            await ReceiptEvent.filter(
                receipt__issuer_id=issuer.id,
                type__in=FAILED_EMAIL_EVENTS,
                at__gte=days.start,
                at__lt=days.end,
            )
            .order_by("-at", "-id")
            .values("receipt_id", "type", "at", "detail", "receipt__code", "receipt__number")
        )
        return [
            FailedEmail(
                receipt_id=row["receipt_id"],
                code=row["receipt__code"],
                number=row["receipt__number"],
                type=row["type"],
                at=row["at"],
                reason=str((row["detail"] or {}).get("reply", "")),  # the server's reply
            )
            for row in rows
        ]

    async def page(
        self,
        issuer: Issuer,
        days: DayRange,
        *,
        state: str | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[ReceiptWhereabouts], str | None]:
        """A page of ``issuer``'s receipts issued in ``days`` with their state, newest first,
        and the cursor of the next page (keyset on issue time and id, stable under inserts).

        With ``state`` only receipts in that state are returned; pages may then take several
        reads, each of at most 200 rows."""
        if state is not None and state not in STATES:
            raise InvalidState(f"state is one of: {', '.join(STATES)}")
        position = decode_cursor(cursor, uuid.UUID, InvalidCursor) if cursor else None
        found: list[ReceiptWhereabouts] = []
        while True:
            query = Receipt.filter(
                issuer_id=issuer.id, issued_at__gte=days.start, issued_at__lt=days.end
            )
            if position is not None:
                at, last_id = position
                query = query.filter(Q(issued_at__lt=at) | Q(issued_at=at, id__lt=last_id))
            batch = await query.order_by("-issued_at", "-id").limit(200).values(*_COLUMNS)
            for item in await self._whereabouts(batch):
                position = (item.issued_at, item.id)
                if state is None or item.state == state:
                    found.append(item)
                    if len(found) == limit + 1:
                        last = found[limit - 1]
                        return found[:limit], encode_cursor(last.issued_at, last.id)
            if len(batch) < 200:
                return found, None

    async def trail(self, issuer: Issuer, receipt_id: uuid.UUID) -> list[TrailEvent]:
        """The event trail of one of ``issuer``'s receipts, oldest first; another issuer's
        receipt raises ``ReceiptNotFound``."""
        if not await Receipt.filter(id=receipt_id, issuer_id=issuer.id).exists():
            raise ReceiptNotFound(f"no receipt {receipt_id} at this issuer")
        events = (
            await ReceiptEvent.filter(receipt_id=receipt_id)
            .order_by("at", "id")
            .select_related("staff")
        )
        return [
            TrailEvent(
                type=event.type,
                label=event.type.label,
                at=event.at,
                staff_name=event.staff.name if event.staff else None,
                detail={str(k): str(v) for k, v in (event.detail or {}).items()},
            )
            for event in events
        ]

    async def csv_export(self, issuer: Issuer, days: DayRange) -> str:
        """``issuer``'s receipts issued in ``days`` as CSV (UTF-8 with a BOM for spreadsheets),
        one row per receipt with its state; formula-like text, code and number cells start with
        an apostrophe, so a spreadsheet keeps every digit of a 20-digit 发票号码."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [
                "id", "code", "number", "issued_at", "payer_name", "total", "status", "state",
                "opened_at", "emails_sent", "emails_failed", "last_event", "last_event_at",
            ]
        )  # fmt: skip
        for r in await self._in_range(issuer, days):
            writer.writerow(
                [
                    str(r.id), digits_cell(r.code), digits_cell(r.number), china_time(r.issued_at),
                    text_cell(r.payer_name),
                    format_fen(r.total_fen), r.status, r.state,
                    china_time(r.opened_at) if r.opened_at else "", r.emails_sent,
                    r.emails_failed, r.last_event, china_time(r.last_event_at),
                ]
            )  # fmt: skip
        return out.getvalue()


_COLUMNS = ("id", "code", "number", "issued_at", "payer_name", "total_fen", "status", "reverses_id")
