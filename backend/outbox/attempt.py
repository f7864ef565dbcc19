"""One attempt at sending one claimed message: render its PDF, compose, hand it to the server.

What the attempt ended in is an ``Outcome``; writing it down is the relay's (``outcomes``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable
from datetime import datetime
from typing import Protocol, TypeVar

from backend.emailaddress import InvalidEmailAddress, normalise_address
from backend.outbox.composer import EmailComposer, Letter, ReceiptFiles
from backend.outbox.models import AttemptOutcome
from backend.outbox.outcomes import Claimed, Outcome
from backend.outbox.smtp_client import Accepted, DeliveryFailure

log = logging.getLogger("piaojia.mail")
T = TypeVar("T")


class ReceiptPdfSource(Protocol):
    """Where the relay gets a receipt's signed PDF (the documents service in the app)."""

    async def receipt_pdf(self, receipt_id: uuid.UUID) -> ReceiptFiles:
        """The file name and bytes of the receipt's signed PDF, then any files sent with it."""
        ...


class MailTransport(Protocol):
    """One connection to the mail server, owned by one worker (``SmtpConnection``)."""

    async def send(self, *, sender: str, recipient: str, message: bytes) -> Accepted: ...

    async def close(self) -> None: ...

    def abort(self) -> None: ...


async def send_one(
    item: Claimed,
    *,
    transport: MailTransport,
    pdfs: ReceiptPdfSource,
    composer: EmailComposer,
    deadline: float,
    now: datetime,
    stop: asyncio.Event,
) -> Outcome | None:
    """One attempt at ``item``: render its PDF, compose the letter and hand it to ``transport``,
    all within ``deadline`` seconds.

    Never raises: every failure is an ``Outcome`` (permanent for a vanished receipt, a bad
    address or a 5xx; temporary otherwise). None when ``stop`` was set while the PDF was
    rendering: nothing was sent, the message is not attempted.
    """
    if item.receipt is None:
        return Outcome(AttemptOutcome.PERMANENT, "the receipt no longer exists")
    try:
        recipient = normalise_address(item.recipient)
    except InvalidEmailAddress as exc:
        return Outcome(AttemptOutcome.PERMANENT, f"invalid address: {exc.message}")
    try:
        async with asyncio.timeout(deadline):
            rendered = await _unless_stopped(pdfs.receipt_pdf(item.receipt_id), stop)
            if rendered is None:
                return None
            pdf_name, pdf, *more = rendered
            message = composer.compose(
                Letter(
                    message_uuid=item.id,
                    kind=item.kind,
                    recipient=recipient,
                    receipt=item.receipt,
                    scan_url=item.scan_url,
                    company_buyer=item.company_buyer,
                    pdf_name=pdf_name,
                    pdf=pdf,
                    proof=item.proof,
                    attachments=tuple(more),
                ),
                now=now,
            )
            accepted = await transport.send(
                sender=composer.sender.address,
                recipient=recipient,
                message=message,
            )
    except DeliveryFailure as failure:
        outcome = AttemptOutcome.PERMANENT if failure.permanent else AttemptOutcome.TEMPORARY
        return Outcome(outcome, failure.reply, failure.code)
    except TimeoutError:
        transport.abort()  # cut off mid-command: the session's state is unknown
        return Outcome(
            AttemptOutcome.TEMPORARY,
            f"no answer within {deadline:g} s",
        )
    except Exception as exc:  # the PDF or the template failed: worth another try later
        log.exception("preparing outbox message %s failed", item.id)
        return Outcome(AttemptOutcome.TEMPORARY, f"{type(exc).__name__}: {exc}"[:500])
    return Outcome(AttemptOutcome.SENT, accepted.reply, 250, accepted.queue_id)


async def _unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> T | None:
    """``work``'s result, or None if ``stop`` is set first (``work`` is then cancelled).

    A stopping relay does not wait for a PDF to render (in a freshly started render process
    on a busy machine that can take seconds): the message goes back to the queue instead, and
    only sends already talking to the SMTP server are finished.
    """
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((task, stopping), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None
