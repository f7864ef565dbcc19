"""Public verification (查验) and reimbursement locking.

Verification finds a receipt by 票据代码 + 票据号码 + 校验码 (and 开票日期 + 金额 where its issuer
requires all five), counts it against the receipt's daily allowance, and checks the stored
receipt against the ledger: the commitment in every ledger statement about the receipt is
recomputed from the stored row, its items and its issuer, and every integrated statement is
proven to be in the signed tree. A receipt whose row was changed behind the system's back is
reported as tampered, never as genuine.

Reimbursement follows WeChat's invoice reimbursement states (see ``models.py``). Locking,
unlocking and closing are each one conditional write of the receipt's single claim row, made in
one transaction together with the whereabouts event and the ledger statement: racing parties
are decided by the database, and a state change is in the ledger if and only if it happened.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from backend.anchoring.commitments import expected_commitment, form_of
from backend.anchoring.models import LedgerEntry
from backend.anchoring.services import AnchoringService
from backend.anchoring.witnessing import Witnessing
from backend.clock import Clock
from backend.db import dialect_sql
from backend.issuers.models import Issuer, IssuerKind, Staff
from backend.masking import mask_name
from backend.receipts.models import LineItem, Receipt, ReceiptEvent, ReceiptStatus
from backend.receipts.schemas import CHINA_STANDARD_TIME
from backend.throttle.services import AttemptLimit
from backend.transit.titles import company_buyers
from backend.verify.errors import (
    AlreadyClaimed,
    AlreadyClosed,
    DailyLimitReached,
    MoreElementsNeeded,
    NoMatchingReceipt,
    NotAReimbursingParty,
    NotLocked,
    ReceiptNotReimbursable,
    ReceiptTampered,
)
from backend.verify.models import (
    ClaimState,
    ReimbursementClaim,
    VerificationCount,
    VerificationRule,
)
from chain.errors import ChainError
from chain.hashing import leaf_hash
from chain.verify import verify_inclusion

log = logging.getLogger("piaojia.verify")
LedgerStateName = Literal["pending", "anchored", "witnessed"]
_LEDGER_STATES: dict[str, LedgerStateName] = {
    "pending": "pending",
    "anchored": "anchored",
    "witnessed": "witnessed",
}

# Ledger statement and whereabouts event types of reimbursement.
LOCKED, UNLOCKED, CLOSED, VERIFIED = "locked", "unlocked", "closed", "verified"
NO_MATCH = (
    "no receipt matches this 票据代码, 票据号码 and 校验码 (and 开票日期 and 金额 where the "
    "issuer requires them)"
)

_COUNT_VERIFICATION = (
    "INSERT INTO verification_count (receipt_id, day, count) VALUES ($1, $2, 1) "
    "ON CONFLICT (receipt_id, day) DO UPDATE SET count = verification_count.count + 1 "
    "WHERE verification_count.count < $3 RETURNING count"
)
_VALID_RECEIPT = "SELECT id FROM receipt WHERE id = $1 AND status = $2"
_INSERT_LOCKED = (
    "INSERT INTO reimbursement_claim "
    "(receipt_id, state, party_id, staff_id, locked_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (receipt_id) DO NOTHING RETURNING id"
)


@dataclass(frozen=True, slots=True)
class ReceiptRef:
    """What the holder of a receipt gives to verify or claim it."""

    code: str
    number: str
    check_code: str
    issued_on: date | None = None  # 开票日期, China time
    total_fen: int | None = None  # 金额


@dataclass(frozen=True, slots=True)
class ProvenEntry:
    """One ledger statement about the receipt; integrated ones with their inclusion proof."""

    event: str
    at: str
    statement: str
    leaf_index: int | None
    inclusion_proof: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class LedgerProof:
    """The receipt's statements, proven against the checkpoint ``note`` of ``tree_size``: the
    latest one cosigned by the witness quorum when it covers them all, else the latest one."""

    state: LedgerStateName
    tree_size: int | None
    checkpoint: str | None
    entries: tuple[ProvenEntry, ...]


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


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """A reimbursing party's view of its claim after lock, unlock or close."""

    receipt: Receipt
    state: ClaimState
    since: datetime | None
    changed: bool  # false when the request repeated the current state (idempotent retry)


def mask_organisation(name: str) -> str:
    """广州市测试保险有限公司 → 广州*******公司: enough to recognise, not to look up."""
    if len(name) <= 4:
        return mask_name(name)
    return name[:2] + "*" * (len(name) - 4) + name[-2:]


class VerifyService:
    def __init__(
        self,
        *,
        anchoring: AnchoringService,
        witnessing: Witnessing,
        limiter: AttemptLimit,
        clock: Clock,
        daily_limit: int,
    ) -> None:
        self._anchoring = anchoring
        self._witnessing = witnessing
        self._limiter = limiter
        self._clock = clock
        self.daily_limit = daily_limit

    # -- verification ---------------------------------------------------------------------

    async def verify(self, ref: ReceiptRef, *, client: str) -> Verification:
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
        receipt = await self._find(ref)
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
                type=VERIFIED,
                at=now,
                detail={"times_today": str(verified_today)},
                using_db=conn,
            )
        items = list(await LineItem.filter(receipt_id=receipt.id).order_by("position"))
        problems, ledger = await self._check(receipt, items)
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
            company_buyer=receipt.id in await company_buyers([receipt.id]),
        )

    async def _find(self, ref: ReceiptRef) -> Receipt:
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

    async def _check(
        self, receipt: Receipt, items: list[LineItem]
    ) -> tuple[list[str], LedgerProof]:
        """What does not match between the stored receipt and the ledger, and the proofs."""
        problems: list[str] = []
        entries = list(await LedgerEntry.filter(receipt_id=receipt.id).order_by("id"))
        form = form_of(entries)
        if form is None:
            problems.append("the ledger has no issue statement for this receipt")
        for entry in entries:
            expected = expected_commitment(entry, form, receipt, receipt.issuer, items)
            problems.extend(_statement_problems(entry, receipt, expected))
        size, note = await self._proof_size(entries)
        proven = []
        for entry in entries:
            statement = bytes(entry.statement)
            proof: tuple[bytes, ...] = ()
            index = None if entry.leaf_index is None else int(entry.leaf_index)
            if index is not None and size is not None:
                try:
                    found = await self._anchoring.ledger.inclusion_proof(index, size)
                    verify_inclusion(
                        index, size, leaf_hash(statement), found.hashes, found.root_hash
                    )
                    proof = tuple(found.hashes)
                except ChainError as exc:
                    problems.append(f"{entry.event} statement is not proven by the tree: {exc}")
            proven.append(
                ProvenEntry(
                    event=entry.event,
                    at=str(_statement_fields(statement).get("at", "")),
                    statement=statement.decode("utf-8", "replace"),
                    leaf_index=index,
                    inclusion_proof=proof,
                )
            )
        issued = next((entry for entry in entries if entry.event == "issued"), None)
        state = (await self._anchoring.state_at(issued.leaf_index if issued else None)).state
        return problems, LedgerProof(_LEDGER_STATES[state], size, note, tuple(proven))

    async def _proof_size(self, entries: Sequence[LedgerEntry]) -> tuple[int | None, str | None]:
        integrated = [int(e.leaf_index) for e in entries if e.leaf_index is not None]
        if not integrated:
            return None, None
        size = await self._witnessing.latest_witnessed_size()
        if size is None or size <= max(integrated):
            latest = await self._anchoring.ledger.latest_checkpoint()
            if latest is None:
                return None, None
            size = latest.checkpoint.size
        cosigned = await self._witnessing.cosigned_note(size)
        return size, (cosigned[0].decode() if cosigned else None)

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

    # -- reimbursement ------------------------------------------------------------------------

    async def lock(self, staff: Staff, ref: ReceiptRef) -> ClaimResult:
        """Lock the receipt for ``staff``'s reimbursing party (INVOICE_REIMBURSE_LOCK).

        Exactly one of any number of racing parties wins; the others get ``AlreadyClaimed``
        with the time the winner locked it. Locking again by the winning party is a no-op
        answered like the first. A reversed receipt, a red reversal receipt and a receipt that
        does not match the ledger cannot be locked.
        """
        party = _party(staff)
        receipt = await self._claimable(ref)
        now = self._clock()
        async with in_transaction() as conn:
            await _require_valid(conn, receipt)
            changed = (
                await ReimbursementClaim.filter(receipt_id=receipt.id, state=ClaimState.AVAILABLE)
                .using_db(conn)
                .update(
                    state=ClaimState.LOCKED,
                    party_id=party.id,
                    staff_id=staff.id,
                    locked_at=now,
                    closed_at=None,
                    updated_at=now,
                )
            )
            if not changed:
                params = [str(receipt.id), str(ClaimState.LOCKED), str(party.id)]
                inserted = await conn.execute_query_dict(
                    dialect_sql(conn, _INSERT_LOCKED), [*params, str(staff.id), now, now]
                )
                if not inserted:
                    claim = await _current(conn, receipt)
                    if claim.state == ClaimState.LOCKED and claim.party_id == party.id:  # type: ignore[attr-defined]
                        return ClaimResult(receipt, ClaimState.LOCKED, claim.locked_at, False)
                    raise _claimed(claim)
            await self._record(conn, LOCKED, receipt, staff, party, now)
        return ClaimResult(receipt, ClaimState.LOCKED, now, True)

    async def unlock(self, staff: Staff, ref: ReceiptRef) -> ClaimResult:
        """Give a locked receipt back (INVOICE_REIMBURSE_INIT); only the locking party can,
        and only before closure."""
        party = _party(staff)
        receipt = await self._claimable(ref, allow_reversed=True)
        now = self._clock()
        async with in_transaction() as conn:
            changed = (
                await ReimbursementClaim.filter(
                    receipt_id=receipt.id, state=ClaimState.LOCKED, party_id=party.id
                )
                .using_db(conn)
                .update(
                    state=ClaimState.AVAILABLE,
                    party_id=None,
                    staff_id=None,
                    locked_at=None,
                    updated_at=now,
                )
            )
            if not changed:
                claim = (
                    await ReimbursementClaim.filter(receipt_id=receipt.id).using_db(conn).first()
                )
                if claim is None or claim.state == ClaimState.AVAILABLE:
                    raise NotLocked("the receipt is not locked; there is nothing to unlock")
                if claim.state == ClaimState.CLOSED and claim.party_id == party.id:  # type: ignore[attr-defined]
                    raise AlreadyClosed("the reimbursement is closed and cannot be unlocked")
                raise _claimed(claim)
            await self._record(conn, UNLOCKED, receipt, staff, party, now)
        return ClaimResult(receipt, ClaimState.AVAILABLE, now, True)

    async def close(self, staff: Staff, ref: ReceiptRef) -> ClaimResult:
        """Close a receipt this party locked: reimbursed and booked (CLOSURE), for good.

        Closing again by the same party is a no-op answered like the first.
        """
        party = _party(staff)
        receipt = await self._claimable(ref)
        now = self._clock()
        async with in_transaction() as conn:
            await _require_valid(conn, receipt)
            changed = (
                await ReimbursementClaim.filter(
                    receipt_id=receipt.id, state=ClaimState.LOCKED, party_id=party.id
                )
                .using_db(conn)
                .update(state=ClaimState.CLOSED, closed_at=now, updated_at=now)
            )
            if not changed:
                claim = (
                    await ReimbursementClaim.filter(receipt_id=receipt.id).using_db(conn).first()
                )
                if claim is None or claim.state == ClaimState.AVAILABLE:
                    raise NotLocked("lock the receipt before closing its reimbursement")
                if claim.state == ClaimState.CLOSED and claim.party_id == party.id:  # type: ignore[attr-defined]
                    return ClaimResult(receipt, ClaimState.CLOSED, claim.closed_at, False)
                raise _claimed(claim)
            await self._record(conn, CLOSED, receipt, staff, party, now)
        return ClaimResult(receipt, ClaimState.CLOSED, now, True)

    async def _claimable(self, ref: ReceiptRef, *, allow_reversed: bool = False) -> Receipt:
        # A reimburser holds the receipt, so it names it as a verifier does; no daily count.
        receipt = await self._find(ref)
        if receipt.reverses_id is not None:  # type: ignore[attr-defined]
            raise ReceiptNotReimbursable("a red reversal receipt (冲红) cannot be reimbursed")
        if not allow_reversed and receipt.status == ReceiptStatus.REVERSED:
            raise ReceiptNotReimbursable(
                "the receipt was reversed (已冲红) and cannot be reimbursed"
            )
        items = list(await LineItem.filter(receipt_id=receipt.id).order_by("position"))
        problems, _ = await self._check(receipt, items)
        if problems:
            log.warning("refused to claim tampered receipt %s: %s", receipt.id, problems)
            raise ReceiptTampered("the stored receipt does not match the ledger; it is refused")
        return receipt

    async def _record(
        self,
        conn: BaseDBAsyncClient,
        event: str,
        receipt: Receipt,
        staff: Staff,
        party: Issuer,
        at: datetime,
    ) -> None:
        items = list(await LineItem.filter(receipt_id=receipt.id).using_db(conn))
        await ReceiptEvent.create(
            receipt=receipt,
            type=event,
            at=at,
            staff=staff,
            detail={"party": mask_organisation(party.name)},
            using_db=conn,
        )
        await self._anchoring.anchor(
            conn, event=event, receipt=receipt, issuer=receipt.issuer, items=items, at=at
        )


def _party(staff: Staff) -> Issuer:
    party = staff.issuer
    if party.kind != IssuerKind.REIMBURSER:
        raise NotAReimbursingParty(
            "only staff of an organisation registered as a reimbursing party can claim receipts"
        )
    return party


async def _require_valid(conn: BaseDBAsyncClient, receipt: Receipt) -> None:
    # Read inside the claim's transaction, and on PostgreSQL under a share lock of the receipt
    # row, the row a reversal updates first: a reversal committed before is seen here, and one
    # running now waits for this claim to commit and then sees it (verify/claims.py). SQLite
    # runs one writing transaction at a time, which gives the same.
    sql = _VALID_RECEIPT + (" FOR SHARE" if conn.capabilities.dialect == "postgres" else "")
    rows = await conn.execute_query_dict(
        dialect_sql(conn, sql), [str(receipt.id), str(ReceiptStatus.VALID)]
    )
    if not rows:
        raise ReceiptNotReimbursable("the receipt was reversed (已冲红) and cannot be reimbursed")


async def _current(conn: BaseDBAsyncClient, receipt: Receipt) -> ReimbursementClaim:
    claim = await ReimbursementClaim.filter(receipt_id=receipt.id).using_db(conn).first()
    assert claim is not None  # the insert conflicted with this row; rows are never deleted
    return claim


def _claimed(claim: ReimbursementClaim) -> AlreadyClaimed:
    since = claim.closed_at if claim.state == ClaimState.CLOSED else claim.locked_at
    since_text = (
        since.astimezone(CHINA_STANDARD_TIME).isoformat(timespec="seconds") if since else None
    )
    return AlreadyClaimed(
        f"the receipt is already claimed for reimbursement (since {since_text})",
        state=str(claim.state),
        since=since_text,
    )


def _statement_problems(entry: LedgerEntry, receipt: Receipt, committed: str) -> list[str]:
    fields = _statement_fields(bytes(entry.statement))
    expected = {
        "event": entry.event,
        "issuer": receipt.issuer.credit_code,
        "code": receipt.code,
        "number": receipt.number,
    }
    problems = [
        f"{entry.event} statement names {name} {fields.get(name)!r}, not {value!r}"
        for name, value in expected.items()
        if fields.get(name) != value
    ]
    if fields.get("commitment") != committed:
        problems.append(f"the stored receipt is not the one the {entry.event} statement commits to")
    return problems


def _statement_fields(statement: bytes) -> dict[str, Any]:
    try:
        fields = json.loads(statement)
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


def _china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA_STANDARD_TIME).date()


def _seconds_to_next_day(now: datetime) -> int:
    local = now.astimezone(CHINA_STANDARD_TIME)
    midnight = datetime.combine(local.date() + timedelta(days=1), time.min, CHINA_STANDARD_TIME)
    return max(1, math.ceil((midnight - local).total_seconds()))
