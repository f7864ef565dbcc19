"""A queued email arrives at a real SMTP server: subject, both parts, the PDF, the event trail."""

from __future__ import annotations

from backend.outbox.mail_sink import LocalSmtpServer
from backend.outbox.models import AttemptOutcome, DeliveryAttempt, MessageState, OutboxMessage
from backend.receipts.models import ReceiptEvent
from tests.clock import FakeClock
from tests.documents.support import pdf_text
from tests.outbox.support import (
    RecordingHandler,
    make_receipts,
    make_relay,
    outbox_service,
    queue_emails,
)


async def test_a_queued_email_arrives_with_the_pdf_and_is_recorded(
    outbox_db: str, smtp: LocalSmtpServer, handler: RecordingHandler, clock: FakeClock
) -> None:
    (receipt,) = await make_receipts(1)
    outbox = outbox_service(clock)
    (message_id,) = await queue_emails(outbox, [receipt], "Li.Si+receipts@Example.COM")

    report = await make_relay(smtp.port, clock, outbox=outbox).deliver_due()

    assert (report.sent, report.failed, report.dead) == (1, 0, 0)
    (received,) = handler.received
    assert received.recipients == ["Li.Si+receipts@example.com"]
    email = received.message
    assert str(email["Subject"]) == "您的医疗收费电子票据：广州测试医院 44060126-0000000001"
    assert str(email["To"]) == "Li.Si+receipts@example.com"
    assert email["Message-ID"] == f"<{message_id.hex}@piaojia.test>"
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None and html is not None
    assert "票据号码：0000000001" in text.get_content()
    assert "¥85.60（捌拾伍元陆角整）" in text.get_content()
    assert "张*三" in text.get_content() and "张小三" not in text.get_content()
    assert "<td>0000000001</td>" in html.get_content()
    assert [part.defects for part in email.walk()] == [[]] * 5  # mixed, alt, text, html, pdf
    (attachment,) = list(email.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "44060126-0000000001.pdf"
    assert "Receipt number 0000000001" in pdf_text(attachment.get_content())

    stored = await OutboxMessage.get(id=message_id)
    assert stored.state == MessageState.SENT and stored.queue_id == "Q00001"
    (attempt,) = await DeliveryAttempt.filter(message_id=message_id)
    assert (attempt.outcome, attempt.reply_code, attempt.queue_id) == (
        AttemptOutcome.SENT,
        250,
        "Q00001",
    )
    events = await ReceiptEvent.filter(receipt_id=receipt.id).order_by("id")
    trail = [(e.type, e.detail) for e in events]
    assert trail == [
        (
            "email_queued",
            {
                "to": "L***@example.com",
                "message": str(message_id),
                "kind": "receipt",
                "requested_by": "patient",
            },
        ),
        (
            "email_sent",
            {
                "to": "L***@example.com",
                "message": str(message_id),
                "attempt": "1",
                "queue_id": "Q00001",
            },
        ),
    ]
    deliveries = await outbox.deliveries(receipt.id)
    assert [(d.to, d.state, d.queue_id) for d in deliveries] == [
        ("L***@example.com", "sent", "Q00001")
    ]
    # Sent is sent: a second pass finds nothing due.
    assert (await make_relay(smtp.port, clock, outbox=outbox).deliver_due()).sent == 0
    assert len(handler.received) == 1
