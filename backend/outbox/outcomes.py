"""What one delivery attempt makes of its message: a pure decision the relay then writes.

``decide`` reads nothing and writes nothing: given the attempt's outcome it says which state the
message goes to, when it is due again, and what the receipt's trail and the attempt's row
record. Whatever it keeps of a server's reply names the recipient's address masked only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from backend.events import EventType
from backend.masking import mask_email
from backend.outbox.models import AttemptOutcome, DeliveryAttempt, MessageState
from backend.outbox.proof_wait import trail_detail
from backend.receipts.models import Receipt

# Servers quote the recipient in replies ("550 5.1.1 <wang@example.cn>: unknown user"): what is
# kept of a reply (attempts, the message, the trail, the log) names the address masked only.
_ADDRESS = re.compile(r"[^\s<>\"'(),;:@]+@[A-Za-z0-9.-]+")
MAX_REPLY = 500


def masked_addresses(reply: str) -> str:
    """``reply`` with every email address in it masked."""
    return _ADDRESS.sub(lambda m: mask_email(m.group(0)), reply)


@dataclass(slots=True)
class Claimed:
    """A message a relay holds the lease of, with what its letter needs."""

    id: uuid.UUID
    kind: str
    receipt_id: uuid.UUID
    recipient: str
    attempts: int
    claim: str
    lease_until: datetime
    receipt: Receipt | None = None
    scan_url: str | None = None
    company_buyer: bool = False
    proof: str | None = None  # what ledger proof the copy carries (``proof_wait``), once known


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one attempt ended, with the server's reply."""

    outcome: AttemptOutcome
    reply: str
    code: int | None = None
    queue_id: str | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """An attempt's outcome, waiting to be written."""

    item: Claimed
    result: Outcome
    started: datetime
    finished: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """What to write for one attempt: the message's next state and the trail's event."""

    state: MessageState
    event: EventType
    due_at: datetime
    sent_at: datetime | None
    reply: str  # masked and bounded
    detail: dict[str, str]

    @property
    def tally(self) -> Literal["sent", "failed", "dead"]:
        """Which count of the relay's report this attempt adds to."""
        if self.event == EventType.EMAIL_SENT:
            return "sent"
        return "dead" if self.event == EventType.EMAIL_DEAD else "failed"


def decide(recorded: Recorded, *, max_attempts: int, backoff: Callable[[int], float]) -> Decision:
    """The decision for ``recorded``: sent; dead when the failure is permanent or it was the
    last of ``max_attempts``; otherwise queued again after ``backoff(attempts)`` seconds.

    ``backoff`` is called exactly once for a temporary failure and never otherwise.
    """
    item, result, finished = recorded.item, recorded.result, recorded.finished
    reply = masked_addresses(result.reply)[:MAX_REPLY]
    detail = {
        "to": mask_email(item.recipient),
        "message": str(item.id),
        "attempt": str(item.attempts),
    }
    if result.outcome is AttemptOutcome.SENT:
        detail["queue_id"] = result.queue_id or ""
        detail |= trail_detail(item.proof)
        return Decision(MessageState.SENT, EventType.EMAIL_SENT, finished, finished, reply, detail)
    if result.outcome is AttemptOutcome.PERMANENT or item.attempts >= max_attempts:
        detail["reply"] = reply
        return Decision(MessageState.DEAD, EventType.EMAIL_DEAD, finished, None, reply, detail)
    due_at = finished + timedelta(seconds=backoff(item.attempts))
    detail |= {"reply": reply, "retry_at": due_at.isoformat(timespec="seconds")}
    return Decision(MessageState.QUEUED, EventType.EMAIL_FAILED, due_at, None, reply, detail)


def attempt_row(recorded: Recorded, reply: str) -> DeliveryAttempt:
    """The ``DeliveryAttempt`` row of ``recorded`` (unsaved), with its ``reply`` as decided."""
    result = recorded.result
    return DeliveryAttempt(
        message_id=recorded.item.id,
        number=recorded.item.attempts,
        started_at=recorded.started,
        finished_at=recorded.finished,
        outcome=result.outcome,
        reply_code=result.code,
        reply=reply,
        queue_id=result.queue_id,
    )


def abandoned(item: Claimed) -> Outcome:
    """The outcome of a message claimed again and again without one: each relay that tried it
    died."""
    return Outcome(
        AttemptOutcome.PERMANENT,
        f"gave up: {item.attempts - 1} attempts ended without an outcome (the relay stopped)",
    )
