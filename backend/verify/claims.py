"""What a reimbursement claim forbids the issuer: reversing (冲红) a receipt that a reimbursing
party has locked (until it is unlocked) or closed (never).

The receipt core asks ``ReversalGuard.refuse_if_claimed`` inside the reversal's transaction,
after its conditional status update has locked the receipt row; a lock takes a share lock on
the same row before it writes the claim (``VerifyService.lock``). Whichever of a racing lock and
reversal takes the row first makes the other one wait and then fail, so both never win.
"""

from __future__ import annotations

import uuid

from tortoise.backends.base.client import BaseDBAsyncClient

from backend.errors import Conflict
from backend.verify.errors import ReceiptClaimedClosed, ReceiptClaimedLocked
from backend.verify.models import ClaimState, ReimbursementClaim

LOCKED_MESSAGE = (
    "该票据正由报销单位锁定报销，解锁前不能冲红 "
    "(a reimbursing party has locked this receipt; it cannot be reversed until unlocked)"
)
CLOSED_MESSAGE = (
    "该票据已报销入账，不能冲红 (this receipt was reimbursed and booked; it can never be reversed)"
)


class ReversalGuard:
    async def refuse_if_claimed(self, conn: BaseDBAsyncClient, receipt_id: uuid.UUID) -> None:
        """Raise ``ReceiptClaimedLocked`` or ``ReceiptClaimedClosed`` when the receipt's claim
        forbids its reversal. Read on ``conn``: the caller's transaction, after it has locked
        the receipt row, so a lock committed before that is seen here."""
        refusal = await self._refusal(conn, receipt_id)
        if refusal is not None:
            raise refusal

    async def refusal(self, receipt_id: uuid.UUID) -> Conflict | None:
        """The error a reversal of the receipt would get now because of its claim, or ``None``;
        for pages that show why there is no 冲红 button."""
        return await self._refusal(None, receipt_id)

    async def _refusal(
        self, conn: BaseDBAsyncClient | None, receipt_id: uuid.UUID
    ) -> Conflict | None:
        claim = await ReimbursementClaim.filter(receipt_id=receipt_id).using_db(conn).first()
        if claim is not None and claim.state == ClaimState.LOCKED:
            return ReceiptClaimedLocked(LOCKED_MESSAGE)
        if claim is not None and claim.state == ClaimState.CLOSED:
            return ReceiptClaimedClosed(CLOSED_MESSAGE)
        return None
