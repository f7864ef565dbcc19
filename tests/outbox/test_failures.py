"""A mail server that is down, refusing, deferring or hanging: retried with backoff where that
can help, dead at once where it cannot, never sent twice, and the event loop never stalls."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

from backend.outbox.mail_sink import LocalSmtpServer
from backend.outbox.models import AttemptOutcome, DeliveryAttempt, MessageState, OutboxMessage
from backend.receipts.models import ReceiptEvent
from tests.clock import FakeClock
from tests.outbox.support import (
    PdfSource,
    RecordingHandler,
    make_receipts,
    make_relay,
    outbox_service,
    queue_emails,
)
from tests.servers import free_port


async def _one_message(clock: FakeClock) -> OutboxMessage:
    receipts = await make_receipts(1)
    (message_id,) = await queue_emails(outbox_service(clock), receipts, "wang@example.com")
    return await OutboxMessage.get(id=message_id)


async def test_a_server_down_for_three_attempts_gets_the_message_once_it_is_up(
    outbox_db: str, clock: FakeClock
) -> None:
    message = await _one_message(clock)
    port = free_port()  # nothing listens here yet: connection refused
    relay = make_relay(port, clock, retry_base=10.0)
    for attempt in range(1, 4):
        report = await relay.deliver_due()
        assert (report.sent, report.failed, report.dead) == (0, 1, 0)
        await message.refresh_from_db()
        assert message.state == MessageState.QUEUED and message.attempts == attempt
        wait = (message.due_at - clock()).total_seconds()
        ceiling = 10.0 * 2 ** (attempt - 1)  # exponential, with jitter in the upper half
        assert ceiling / 2 <= wait <= ceiling
        assert (await relay.deliver_due()).failed == 0  # not due again before the backoff
        clock.advance(timedelta(seconds=wait))

    handler = RecordingHandler()
    server = LocalSmtpServer(handler, port=port)
    await server.start()
    try:
        assert (await relay.deliver_due()).sent == 1
        clock.advance(timedelta(seconds=3600 * 24))
        assert (await relay.deliver_due()).sent == 0
    finally:
        await server.stop()

    assert len(handler.received) == 1
    assert handler.received[0].message_id == message.message_id
    attempts = await DeliveryAttempt.filter(message_id=message.id).order_by("number")
    assert [(a.number, a.outcome) for a in attempts] == [
        (1, AttemptOutcome.TEMPORARY),
        (2, AttemptOutcome.TEMPORARY),
        (3, AttemptOutcome.TEMPORARY),
        (4, AttemptOutcome.SENT),
    ]
    assert all(a.reply_code is None and "Connect" in a.reply for a in attempts[:3])
    trail = await ReceiptEvent.filter(receipt_id=message.receipt_id).order_by("id")  # type: ignore[attr-defined]
    assert [e.type for e in trail] == ["email_queued"] + ["email_failed"] * 3 + ["email_sent"]


async def test_a_550_reply_makes_the_message_dead_at_once(
    outbox_db: str, smtp: LocalSmtpServer, handler: RecordingHandler, clock: FakeClock
) -> None:
    message = await _one_message(clock)
    handler.rcpt_reply = "550 5.1.1 <wang@example.com>: Recipient address rejected: User unknown"
    relay = make_relay(smtp.port, clock)

    assert (await relay.deliver_due()).dead == 1
    clock.advance(timedelta(seconds=30 * 24 * 3600))
    assert (await relay.deliver_due()).dead == 0

    assert handler.rcpt_commands == 1 and handler.received == []
    await message.refresh_from_db()
    assert message.state == MessageState.DEAD and message.attempts == 1
    (attempt,) = await DeliveryAttempt.filter(message_id=message.id)
    assert attempt.outcome == AttemptOutcome.PERMANENT and attempt.reply_code == 550
    assert "User unknown" in attempt.reply
    dead = await ReceiptEvent.get(receipt_id=message.receipt_id, type="email_dead")  # type: ignore[attr-defined]
    assert dead.detail is not None and dead.detail["reply"].startswith("550 5.1.1")
    # The address the server quoted is kept masked only, wherever the reply is kept.
    await message.refresh_from_db()
    for kept in (attempt.reply, dead.detail["reply"], message.last_reply or ""):
        assert "wang@example.com" not in kept and "<w***@example.com>" in kept


async def test_a_451_reply_is_retried_and_then_delivered_once(
    outbox_db: str, smtp: LocalSmtpServer, handler: RecordingHandler, clock: FakeClock
) -> None:
    message = await _one_message(clock)
    handler.rcpt_reply = "451 4.7.1 Greylisted, please try again later"
    relay = make_relay(smtp.port, clock)

    assert (await relay.deliver_due()).failed == 1
    await message.refresh_from_db()
    assert message.state == MessageState.QUEUED and "Greylisted" in (message.last_reply or "")
    handler.rcpt_reply = None
    clock.advance(timedelta(seconds=3600))
    assert (await relay.deliver_due()).sent == 1

    assert handler.rcpt_commands == 2 and len(handler.received) == 1
    attempts = await DeliveryAttempt.filter(message_id=message.id).order_by("number")
    assert [(a.outcome, a.reply_code) for a in attempts] == [
        (AttemptOutcome.TEMPORARY, 451),
        (AttemptOutcome.SENT, 250),
    ]


async def test_a_hanging_server_times_out_without_blocking_the_event_loop(
    outbox_db: str, smtp: LocalSmtpServer, handler: RecordingHandler, clock: FakeClock
) -> None:
    message = await _one_message(clock)
    handler.hang = True  # takes the whole message, never answers the final dot
    relay = make_relay(smtp.port, clock, timeout=0.4)
    largest_gap = 0.0
    ticking = True

    async def ticker() -> None:
        nonlocal largest_gap
        last = time.monotonic()
        while ticking:
            await asyncio.sleep(0.005)
            now = time.monotonic()
            largest_gap, last = max(largest_gap, now - last), now

    ticks = asyncio.create_task(ticker())
    started = time.monotonic()
    report = await relay.deliver_due()
    elapsed = time.monotonic() - started
    ticking = False
    await ticks

    assert report.failed == 1 and handler.received == []
    assert 0.4 <= elapsed < 1.6
    assert largest_gap < 0.2  # the loop kept running while the relay waited on the server
    (attempt,) = await DeliveryAttempt.filter(message_id=message.id)
    assert attempt.outcome == AttemptOutcome.TEMPORARY and "Timeout" in attempt.reply

    handler.hang = False
    clock.advance(timedelta(seconds=3600))
    assert (await relay.deliver_due()).sent == 1
    assert len(handler.received) == 1


async def test_out_of_attempts_the_message_is_dead(outbox_db: str, clock: FakeClock) -> None:
    message = await _one_message(clock)
    relay = make_relay(free_port(), clock, max_attempts=2)
    assert (await relay.deliver_due()).failed == 1
    clock.advance(timedelta(seconds=3600))
    assert (await relay.deliver_due()).dead == 1
    await message.refresh_from_db()
    assert message.state == MessageState.DEAD and message.attempts == 2
    assert not await OutboxMessage.filter(state=MessageState.QUEUED).exists()
    assert clock() - message.created_at < timedelta(hours=2)


class _SlowPdfs(PdfSource):
    """A render that does not finish until told: a render process starting on a busy machine."""

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()
        self.finish = asyncio.Event()

    async def receipt_pdf(self, receipt_id: uuid.UUID) -> tuple[str, bytes]:
        self.started.set()
        await self.finish.wait()
        return await super().receipt_pdf(receipt_id)


async def test_a_relay_told_to_stop_while_a_pdf_renders_stops_at_once_and_gives_it_back(
    outbox_db: str, clock: FakeClock
) -> None:
    message = await _one_message(clock)
    pdfs = _SlowPdfs()
    relay = make_relay(free_port(), clock, pdfs=pdfs)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    await asyncio.wait_for(pdfs.started.wait(), timeout=30)
    stop.set()
    await asyncio.wait_for(running, timeout=5)  # the render was not waited for

    await message.refresh_from_db()
    assert (message.state, message.attempts, message.claim) == (MessageState.QUEUED, 0, None)
    assert await DeliveryAttempt.filter(message_id=message.id).count() == 0
