"""Reimbursement locking: who may book a receipt, decided once.

Reimbursement follows WeChat's invoice reimbursement states (see ``models.py``). Locking,
unlocking and closing are each one conditional write of the receipt's single claim row, made in
one transaction together with the whereabouts event and the ledger statement: racing parties
are decided by the database, and a state change is in the ledger if and only if it happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from backend.anchoring.services import AnchoringService
from backend.clock import Clock
from backend.db import dialect_sql
from backend.events import EventType
from backend.issuers.models import Issuer, IssuerKind, Staff
from backend.receipts.canonical import ReceiptDocument
from backend.receipts.models import LineItem, Receipt, ReceiptEvent, ReceiptStatus
from backend.receipts.schemas import CHINA_STANDARD_TIME
from backend.verify.errors import (
    AlreadyClaimed,
    AlreadyClosed,
    NotAReimbursingParty,
    NotLocked,
    ReceiptNotReimbursable,
    ReceiptTampered,
)
from backend.verify.ledger import LedgerCheck
from backend.verify.models import ClaimState, ReimbursementClaim
from backend.verify.services import ReceiptElements, find_receipt, mask_organisation

log = logging.getLogger("piaojia.verify")

_VALID_RECEIPT = "SELECT id FROM receipt WHERE id = $1 AND status = $2"
_INSERT_LOCKED = (
    "INSERT INTO reimbursement_claim "
    "(receipt_id, state, party_id, staff_id, locked_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (receipt_id) DO NOTHING RETURNING id"
)


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """A reimbursing party's view of its claim after lock, unlock or close."""

    receipt: Receipt
    state: ClaimState
    since: datetime | None
    changed: bool  # false when the request repeated the current state (idempotent retry)


class ReimbursementService:
    def __init__(self, *, ledger: LedgerCheck, anchoring: AnchoringService, clock: Clock) -> None:
        self._ledger = ledger
        self._anchoring = anchoring
        self._clock = clock

    async def lock(self, staff: Staff, ref: ReceiptElements) -> ClaimResult:
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
                    return await _unchanged(conn, receipt, party, repeat=ClaimState.LOCKED)
            await self._record(conn, EventType.LOCKED, receipt, staff, party, now)
        return ClaimResult(receipt, ClaimState.LOCKED, now, True)

    async def unlock(self, staff: Staff, ref: ReceiptElements) -> ClaimResult:
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
                return await _unchanged(
                    conn,
                    receipt,
                    party,
                    not_locked="the receipt is not locked; there is nothing to unlock",
                    closed="the reimbursement is closed and cannot be unlocked",
                )
            await self._record(conn, EventType.UNLOCKED, receipt, staff, party, now)
        return ClaimResult(receipt, ClaimState.AVAILABLE, now, True)

    async def close(self, staff: Staff, ref: ReceiptElements) -> ClaimResult:
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
                return await _unchanged(
                    conn,
                    receipt,
                    party,
                    repeat=ClaimState.CLOSED,
                    not_locked="lock the receipt before closing its reimbursement",
                )
            await self._record(conn, EventType.CLOSED, receipt, staff, party, now)
        return ClaimResult(receipt, ClaimState.CLOSED, now, True)

    async def _claimable(self, ref: ReceiptElements, *, allow_reversed: bool = False) -> Receipt:
        # A reimburser holds the receipt, so it names it as a verifier does; no daily count.
        receipt = await find_receipt(ref)
        if receipt.reverses_id is not None:  # type: ignore[attr-defined]
            raise ReceiptNotReimbursable("a red reversal receipt (冲红) cannot be reimbursed")
        if not allow_reversed and receipt.status == ReceiptStatus.REVERSED:
            raise ReceiptNotReimbursable(
                "the receipt was reversed (已冲红) and cannot be reimbursed"
            )
        items = list(await LineItem.filter(receipt_id=receipt.id).order_by("position"))
        problems, _ = await self._ledger.check(receipt, items)
        if problems:
            log.warning("refused to claim tampered receipt %s: %s", receipt.id, problems)
            raise ReceiptTampered("the stored receipt does not match the ledger; it is refused")
        return receipt

    async def _record(
        self,
        conn: BaseDBAsyncClient,
        event: EventType,
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
        document = ReceiptDocument(receipt, receipt.issuer, items)
        await self._anchoring.anchor(conn, event=event, receipt=document, at=at)


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


async def _unchanged(
    conn: BaseDBAsyncClient,
    receipt: Receipt,
    party: Issuer,
    *,
    repeat: ClaimState | None = None,
    not_locked: str | None = None,
    closed: str | None = None,
) -> ClaimResult:
    """The answer when a claim's conditional write changed nothing, read from the claim as it
    stands now: ``party`` repeating the request that brought the claim to ``repeat`` gets the
    claim unchanged (``changed`` false). Otherwise raises why the change was refused:
    ``NotLocked(not_locked)`` when nobody holds the receipt (``not_locked`` given),
    ``AlreadyClosed(closed)`` when ``party`` closed it (``closed`` given), else
    ``AlreadyClaimed``.
    """
    claim = await ReimbursementClaim.filter(receipt_id=receipt.id).using_db(conn).first()
    if not_locked is not None and (claim is None or claim.state == ClaimState.AVAILABLE):
        raise NotLocked(not_locked)
    # Without ``not_locked`` the caller's insert conflicted with this row: rows are never
    # deleted.
    assert claim is not None
    if claim.party_id == party.id:  # type: ignore[attr-defined]
        if claim.state == repeat:
            return ClaimResult(receipt, claim.state, _since(claim), False)
        if claim.state == ClaimState.CLOSED and closed is not None:
            raise AlreadyClosed(closed)
    raise _claimed(claim)


def _since(claim: ReimbursementClaim) -> datetime | None:
    return claim.closed_at if claim.state == ClaimState.CLOSED else claim.locked_at


def _claimed(claim: ReimbursementClaim) -> AlreadyClaimed:
    since = _since(claim)
    since_text = (
        since.astimezone(CHINA_STANDARD_TIME).isoformat(timespec="seconds") if since else None
    )
    return AlreadyClaimed(
        f"the receipt is already claimed for reimbursement (since {since_text})",
        state=str(claim.state),
        since=since_text,
    )
