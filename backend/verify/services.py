"""Public verification (查验).

Verification finds a receipt by 票据代码 + 票据号码 + 校验码 (and 开票日期 + 金额 where its issuer
requires all five), counts it against the receipt's daily allowance, and checks the stored
receipt against the ledger (``ledger.py``): a receipt whose row was changed behind the system's
back is reported as tampered, never as genuine. Reimbursement locking is in
``reimbursement.py``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from tortoise.transactions import in_transaction

from backend.clock import Clock
from backend.db import dialect_sql
from backend.events import EventType
from backend.issuers.models import Staff
from backend.masking import mask_name
from backend.receipts.models import LineItem, Receipt, ReceiptEvent
from backend.receipts.schemas import CHINA_STANDARD_TIME
from backend.throttle.services import AttemptLimit
from backend.verify.errors import DailyLimitReached, MoreElementsNeeded, NoMatchingReceipt
from backend.verify.ledger import LedgerCheck, LedgerProof
from backend.verify.models import (
    ClaimState,
    ReimbursementClaim,
    VerificationCount,
    VerificationRule,
)

log = logging.getLogger("piaojia.verify")
# Which of some receipts are titled to a company (单位), whose buyer name is shown whole.
CompanyBuyers = Callable[[Collection[uuid.UUID]], Awaitable[set[uuid.UUID]]]

NO_MATCH = (
    "no receipt matches this 票据代码, 票据号码 and 校验码 (and 开票日期 and 金额 where the "
    "issuer requires them)"
)

_COUNT_VERIFICATION = (
    "INSERT INTO verification_count (receipt_id, day, count) VALUES ($1, $2, 1) "
    "ON CONFLICT (receipt_id, day) DO UPDATE SET count = verification_count.count + 1 "
    "WHERE verification_count.count < $3 RETURNING count"
)


@dataclass(frozen=True, slots=True)
class ReceiptElements:
    """What the holder of a receipt gives to verify or claim it: its elements (查验要素), not
    a reference to a stored row."""

    code: str
    number: str
    check_code: str
    issued_on: date | None = None  # 开票日期, China time
    total_fen: int | None = None  # 金额


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A receipt's reimbursement state as anyone verifying it sees it: ``party_name`` (masked)
    only once closed; while locked, since when but not by whom."""

    state: ClaimState
    since: datetime | None
    party_name: str | None


@dataclass(frozen=True, slots=True)
class Verification:
    """The answer to one verification. ``genuine`` is true only if every check passed;
    otherwise ``problems`` says what did not match."""

    genuine: bool
    problems: tuple[str, ...]
    receipt: Receipt
    items: list[LineItem]
    reverses: Receipt | None
    reversed_by: Receipt | None
    claim: ClaimView
    ledger: LedgerProof
    verified_today: int
    verified_total: int
    daily_limit: int
    company_buyer: bool = False  # titled to a 单位, whose name is shown whole


def mask_organisation(name: str) -> str:
    """广州市测试保险有限公司 → 广州*******公司: enough to recognise, not to look up."""
    if len(name) <= 4:
        return mask_name(name)
    return name[:2] + "*" * (len(name) - 4) + name[-2:]


async def find_receipt(ref: ReceiptElements) -> Receipt:
    """The one receipt ``ref`` names, its issuer loaded.

    Raises ``NoMatchingReceipt`` (one message, whichever element was wrong) or
    ``MoreElementsNeeded`` when the elements given match more than one receipt.
    """
    # One query on all three elements: an unknown number and a wrong check code take the
    # same path and give the same answer.
    candidates = await (
        Receipt.filter(code=ref.code, number=ref.number, check_code=ref.check_code)
        .select_related("issuer")
        .limit(8)
    )
    if ref.issued_on is not None:
        candidates = [r for r in candidates if _china_date(r.issued_at) == ref.issued_on]
    if ref.total_fen is not None:
        candidates = [r for r in candidates if r.total_fen == ref.total_fen]
    if candidates and (ref.issued_on is None or ref.total_fen is None):
        five = set(
            await VerificationRule.filter(
                issuer_id__in=[r.issuer.id for r in candidates], elements=5
            ).values_list("issuer_id", flat=True)
        )
        candidates = [r for r in candidates if r.issuer.id not in five]
    if not candidates:
        raise NoMatchingReceipt(NO_MATCH)
    if len(candidates) > 1:
        raise MoreElementsNeeded(
            "more than one receipt matches; give 开票日期 (date) and 金额 (amount) too"
        )
    return candidates[0]


class VerifyService:
    def __init__(
        self,
        *,
        ledger: LedgerCheck,
        limiter: AttemptLimit,
        clock: Clock,
        daily_limit: int,
        company_buyers: CompanyBuyers,
    ) -> None:
        self._ledger = ledger
        self._limiter = limiter
        self._clock = clock
        self.daily_limit = daily_limit
        self._company_buyers = company_buyers

    # -- verification ---------------------------------------------------------------------

    async def verify(self, ref: ReceiptElements, *, client: str) -> Verification:
        """Verify the receipt ``ref`` names, for ``client`` (its address).

        Every attempt counts against the client's per-minute allowance (slowed, then refused
        with ``TooManyVerifications``). Any mismatch raises ``NoMatchingReceipt`` with the same
        message, whichever element was wrong. A match counts against the receipt's allowance
        for the day (China time); beyond it, ``DailyLimitReached`` until midnight. A match is
        recorded as a ``verified`` whereabouts event.
        """
        delay = await self._limiter.admit(client)
        await self._limiter.count(client)  # every attempt counts, found or not
        if delay:
            await asyncio.sleep(delay)
        receipt = await find_receipt(ref)
        now = self._clock()
        today = now.astimezone(CHINA_STANDARD_TIME).date()
        async with in_transaction() as conn:
            rows = await conn.execute_query_dict(
                dialect_sql(conn, _COUNT_VERIFICATION), [str(receipt.id), today, self.daily_limit]
            )
            if not rows:
                raise DailyLimitReached(
                    f"this receipt was already verified {self.daily_limit} times today "
                    "(超过当日限制查验次数); try again tomorrow",
                    retry_after=_seconds_to_next_day(now),
                )
            verified_today = int(rows[0]["count"])
            await ReceiptEvent.create(
                receipt=receipt,
                type=EventType.VERIFIED,
                at=now,
                detail={"times_today": str(verified_today)},
                using_db=conn,
            )
        items = list(await LineItem.filter(receipt_id=receipt.id).order_by("position"))
        problems, ledger = await self._ledger.check(receipt, items)
        if problems:
            log.warning(
                "receipt %s (%s-%s) does not match the ledger: %s",
                receipt.id,
                receipt.code,
                receipt.number,
                "; ".join(problems),
            )
        days = await VerificationCount.filter(receipt_id=receipt.id)
        reverses_id = receipt.reverses_id  # type: ignore[attr-defined]
        return Verification(
            genuine=not problems,
            problems=tuple(problems),
            receipt=receipt,
            items=items,
            reverses=await Receipt.get_or_none(id=reverses_id) if reverses_id else None,
            reversed_by=await Receipt.get_or_none(reverses_id=receipt.id),
            claim=await self._claim_view(receipt.id),
            ledger=ledger,
            verified_today=verified_today,
            verified_total=sum(int(day.count) for day in days),
            daily_limit=self.daily_limit,
            company_buyer=receipt.id in await self._company_buyers([receipt.id]),
        )

    async def _claim_view(self, receipt_id: uuid.UUID) -> ClaimView:
        claim = (
            await ReimbursementClaim.filter(receipt_id=receipt_id).select_related("party").first()
        )
        if claim is None or claim.state == ClaimState.AVAILABLE:
            return ClaimView(ClaimState.AVAILABLE, None, None)
        if claim.state == ClaimState.LOCKED:
            # In process: since when, not by whom (the lock is nobody else's business).
            return ClaimView(ClaimState.LOCKED, claim.locked_at, None)
        party = claim.party.name if claim.party is not None else ""
        return ClaimView(ClaimState.CLOSED, claim.closed_at, mask_organisation(party))

    # -- verification rule ------------------------------------------------------------------

    async def set_rule(self, staff: Staff, *, elements: Literal[3, 5]) -> VerificationRule:
        """Make ``staff``'s issuer require 3 or all 5 elements to verify its receipts."""
        rule, _ = await VerificationRule.update_or_create(
            defaults={"elements": elements, "updated_at": self._clock()},
            issuer_id=staff.issuer.id,
        )
        return rule


def _china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA_STANDARD_TIME).date()


def _seconds_to_next_day(now: datetime) -> int:
    local = now.astimezone(CHINA_STANDARD_TIME)
    midnight = datetime.combine(local.date() + timedelta(days=1), time.min, CHINA_STANDARD_TIME)
    return max(1, math.ceil((midnight - local).total_seconds()))
