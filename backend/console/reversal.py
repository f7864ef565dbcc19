"""冲红 in the console, in two steps: a confirmation page that says what will happen, then the
reversal itself, which runs only when posted from that page.

The receipt page's form (reason) posts to the confirmation step, which changes nothing: it
checks that the receipt can be reversed now and shows its number, amount, payer and the
reason, and that a reversal cannot be undone. Its form carries a confirmation token, an HMAC
under the secret key of the session, the receipt and the reason; the reversal step refuses a
post without it (400 ``reversal_not_confirmed``), so neither a stray post nor the first form
reverses anything, and the reason confirmed is the reason used.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from pydantic import ValidationError
from tortoise.backends.base.client import BaseDBAsyncClient

from backend.console import csrf
from backend.errors import InvalidInput
from backend.hospital.schemas import ReverseReceipt
from backend.idempotency.services import Answer, Operation
from backend.issuers.models import IssuerKind, Staff
from backend.receipts.errors import AlreadyReversed, ReversalNotReversible, WrongReceiptKind
from backend.receipts.models import ReceiptKind, ReceiptStatus
from backend.receipts.services import LoadedReceipt, ReceiptService
from backend.web import validation_failed


class ReversalNotConfirmed(InvalidInput):
    code = "reversal_not_confirmed"


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What the confirmation page shows and posts on."""

    loaded: LoadedReceipt
    reason: str
    token: str  # the confirmation token its form carries


def reason_of(form: dict[str, str]) -> str:
    """The reason of a reversal form, validated as the API validates it (422 otherwise)."""
    try:
        return ReverseReceipt.model_validate({"reason": form.get("reason", "")}).reason
    except ValidationError as exc:
        raise validation_failed(exc) from exc


def confirmation_token(secret: bytes, session: str, receipt_id: uuid.UUID, reason: str) -> str:
    """The token that the confirmation page of reversing ``receipt_id`` for ``reason`` in
    ``session`` carries; no other session, receipt or reason has it."""
    return csrf.token_for(secret, f"reversal|{receipt_id}|{reason}", session)


async def confirmation(
    receipts: ReceiptService,
    staff: Staff,
    receipt_id: uuid.UUID,
    reason: str,
    secret: bytes,
    session: str,
) -> Confirmation:
    """The confirmation of reversing one of ``staff``'s issuer's receipts; writes nothing.

    Raises what the reversal would raise now (not found, already reversed, a red receipt, a
    metro invoice, claimed for reimbursement), so the page never offers a reversal that would
    be refused.
    """
    loaded = await receipts.get(staff.issuer, receipt_id)
    receipt = loaded.receipt
    if receipt.kind != ReceiptKind.MEDICAL or staff.issuer.kind != IssuerKind.HOSPITAL:
        raise WrongReceiptKind("only medical receipts are reversed in the console")
    if loaded.reverses is not None:
        raise ReversalNotReversible("a red reversal receipt cannot itself be reversed")
    if receipt.status != ReceiptStatus.VALID:
        raise AlreadyReversed(f"receipt {receipt.code}-{receipt.number} has already been reversed")
    refusal = await receipts.reversal_refusal(receipt.id)
    if refusal is not None:
        raise refusal
    return Confirmation(loaded, reason, confirmation_token(secret, session, receipt_id, reason))


def confirmed_reason(
    secret: bytes, session: str, receipt_id: uuid.UUID, form: dict[str, str]
) -> str:
    """The reason of a reversal form posted from its confirmation page (422 for a bad reason).

    Refuses (``ReversalNotConfirmed``) a form without the confirmation token of this session,
    receipt and reason, so the reason confirmed is the reason used.
    """
    reason = reason_of(form)
    submitted = form.get("confirmation")
    if not csrf.is_valid(secret, f"reversal|{receipt_id}|{reason}", session, submitted):
        raise ReversalNotConfirmed(
            "冲红须在确认页确认：请回到票据页重新填写原因并确认"
            " (confirm the reversal on its confirmation page)"
        )
    return reason


def reversal_path(receipt_id: uuid.UUID) -> str:
    """The path a reversal's idempotency key is bound to, with the reason as its body."""
    return f"/console/receipts/{receipt_id}/reversal"


def reverse_operation(
    receipts: ReceiptService, staff: Staff, receipt_id: uuid.UUID, reason: str
) -> Operation:
    """The reversal as an idempotent operation: its answer carries the red receipt's id, so a
    double submit under one form key reverses once and answers both alike."""

    async def run(conn: BaseDBAsyncClient) -> Answer:
        red = await receipts.reverse(
            conn, staff=staff, receipt_id=receipt_id, reason=reason, kind=ReceiptKind.MEDICAL
        )
        return Answer(201, json.dumps({"id": str(red.receipt.id)}).encode())

    return run
