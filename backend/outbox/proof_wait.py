"""A mailed copy waits for its receipt's ledger proof, for a bounded time.

The PDF a payer asks for at issue is mailed within a second, before the sequencer has
integrated the receipt: sent then, it would carry no proof and ``piaojia ledger verify`` would
say NOT VERIFIED. So the relay asks :class:`ProofWait` first. While the receipt is not anchored
(nor witnessed, when witnesses are configured) and the message is younger than the bound, the
message goes back to the queue, due again a moment later, without counting an attempt: no
worker sleeps holding it, and the relay goes on sending the others. Past the bound it is sent
as it is, and the mail and the receipt's trail say what proof it carries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tortoise.expressions import F

from backend.anchoring.services import AnchorState
from backend.outbox.models import MessageState, OutboxMessage

FULL = "attached"
"""The copy carries the ledger proof (witnessed, when witnesses are configured)."""
UNWITNESSED = "unwitnessed"
"""The copy carries a proof whose checkpoint no witness quorum has cosigned yet."""
NONE = "none"
"""The copy carries no proof: the receipt was not anchored when it was sent."""

NOTES = {
    UNWITNESSED: "发送时账本证明尚未获见证方联署；可在扫码页下载最新的 PDF",
    NONE: "发送时票据尚未上链，PDF 未附账本证明；可在扫码页下载带证明的 PDF",
}
"""What the mail and the trail say about a copy sent without a full proof."""


class LedgerStates(Protocol):
    """The anchoring service, as far as the wait needs it."""

    async def state(self, receipt_id: uuid.UUID) -> _HasState: ...


class _HasState(Protocol):
    @property
    def state(self) -> AnchorState: ...


@dataclass(frozen=True, slots=True)
class Decision:
    """Send now with ``proof`` (one of FULL, UNWITNESSED, NONE), or wait until ``defer_until``."""

    proof: str
    defer_until: datetime | None = None


class ProofWait:
    """Decides, per message, whether to send now or to look again later."""

    def __init__(
        self,
        ledger: LedgerStates,
        *,
        wait: float,
        witnessed: bool,
        recheck: float = 1.0,
    ) -> None:
        self._ledger = ledger
        self._wait = timedelta(seconds=wait)
        self._witnessed = witnessed
        self._recheck = timedelta(seconds=recheck)

    async def decide(self, message_id: uuid.UUID, receipt_id: uuid.UUID, now: datetime) -> Decision:
        """Send now when the proof is ready or the message is ``wait`` seconds old; else wait
        (never past that bound)."""
        state = (await self._ledger.state(receipt_id)).state
        proof = _proof_of(state, witnessed=self._witnessed)
        if proof == FULL:
            return Decision(FULL)
        message = await OutboxMessage.get_or_none(id=message_id).only("id", "created_at")
        deadline = (message.created_at if message is not None else now) + self._wait
        if now >= deadline:
            return Decision(proof)
        return Decision(proof, min(now + self._recheck, deadline))

    async def defer(self, message_id: uuid.UUID, claim: str, until: datetime) -> None:
        """Give the claimed message back, due at ``until``, its attempt not counted."""
        await OutboxMessage.filter(id=message_id, claim=claim).update(
            state=MessageState.QUEUED, claim=None, due_at=until, attempts=F("attempts") - 1
        )


def _proof_of(state: AnchorState, *, witnessed: bool) -> str:
    if state == AnchorState.PENDING:
        return NONE
    if witnessed and state != AnchorState.WITNESSED:
        return UNWITNESSED
    return FULL


def trail_detail(proof: str | None) -> dict[str, str]:
    """What a sent message's ``email_sent`` event adds about its proof."""
    if proof is None:
        return {}
    if proof == FULL:
        return {"proof": proof}
    return {"proof": proof, "note": NOTES[proof]}


__all__ = ["FULL", "NONE", "NOTES", "UNWITNESSED", "Decision", "ProofWait", "trail_detail"]
