"""Reminders: receipts with an address, not opened N days after issue, get one reminder each."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from backend.outbox.errors import InvalidReminder
from backend.outbox.mail_sink import LocalSmtpServer
from backend.outbox.models import MessageKind, OutboxMessage
from backend.receipts.models import ReceiptEvent
from tests.clock import FakeClock
from tests.outbox.support import (
    RecordingHandler,
    issuer_and_staff,
    make_receipts,
    make_relay,
    outbox_service,
)
from tests.rows import column


async def test_one_reminder_per_unopened_receipt_sent_by_the_running_relay(
    outbox_db: str, smtp: LocalSmtpServer, handler: RecordingHandler, clock: FakeClock
) -> None:
    outbox = outbox_service(clock)
    issuer = await issuer_and_staff()
    old = await make_receipts(1, issuer=issuer, issued_at=clock() - timedelta(days=1))
    turned_on = await outbox.set_reminder(issuer[0].id, after_days=3)
    assert turned_on.enabled and turned_on.after_days == 3

    issued = clock() + timedelta(minutes=1)
    due, opened = await make_receipts(2, issuer=issuer, issued_at=issued)
    no_address = await make_receipts(1, issuer=issuer, issued_at=issued, email=None)
    await ReceiptEvent.create(receipt_id=opened.id, type="opened", at=issued, detail={"times": "1"})
    clock.advance(timedelta(seconds=2 * 86400))
    recent = await make_receipts(1, issuer=issuer, issued_at=clock())
    assert await outbox.queue_due_reminders() == 0  # nothing is three days old yet

    clock.advance(timedelta(seconds=86400 + 120))
    # Two relays scanning at once, and again later: still one reminder per receipt.
    counts = await asyncio.gather(
        outbox_service(clock).queue_due_reminders(), outbox_service(clock).queue_due_reminders()
    )
    assert sum(counts) == 1
    assert await outbox.queue_due_reminders() == 0
    reminders = await OutboxMessage.filter(kind=MessageKind.REMINDER)
    assert [m.receipt_id for m in reminders] == [due.id]  # type: ignore[attr-defined]
    assert not {old[0].id, opened.id, no_address[0].id, recent[0].id} & {
        m.receipt_id  # type: ignore[attr-defined]
        for m in reminders
    }

    relay = make_relay(smtp.port, clock, outbox=outbox, poll_interval=0.02, reminder_interval=0.02)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        async with asyncio.timeout(10):
            while not handler.received:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # several more reminder scans
    finally:
        stop.set()
        await running
    (received,) = handler.received
    assert (
        str(received.message["Subject"]) == "提醒：您有一张医疗收费电子票据尚未查看（广州测试医院）"
    )
    text = received.message.get_body(("plain",))
    assert text is not None and "https://piaojia.test/s/" in text.get_content()
    assert len(list(received.message.iter_attachments())) == 1
    trail = await column(ReceiptEvent.filter(receipt_id=due.id).order_by("id"), "type")
    assert trail == ["email_queued", "email_sent"]


async def test_turning_reminders_off_and_bad_settings(outbox_db: str, clock: FakeClock) -> None:
    outbox = outbox_service(clock)
    issuer = await issuer_and_staff()
    assert not (await outbox.reminder(issuer[0].id)).enabled
    for bad in (0, -1, 91):
        with pytest.raises(InvalidReminder) as refused:
            await outbox.set_reminder(issuer[0].id, after_days=bad)
        assert refused.value.code == "invalid_reminder"
    await outbox.set_reminder(issuer[0].id, after_days=2)
    await make_receipts(1, issuer=issuer, issued_at=clock() + timedelta(seconds=1))
    off = await outbox.set_reminder(issuer[0].id, after_days=None)
    assert not off.enabled
    clock.advance(timedelta(seconds=10 * 86400))
    assert await outbox.queue_due_reminders() == 0
    assert await OutboxMessage.all().count() == 0
