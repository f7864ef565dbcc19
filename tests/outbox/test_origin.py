"""An email says who asked for it: a copy the cashier sent at issue (to the address the payer
gave at the counter) does not claim the payer asked for it in 票夹; a copy asked for from the
scan page, the folder or the metro app does. Both arrive at a real SMTP server."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from backend.outbox.mail_sink import LocalSmtpServer
from backend.outbox.models import MessageKind, OutboxMessage
from backend.outbox.services import Requester
from backend.receipts.models import ReceiptEvent
from tests.clock import FakeClock
from tests.outbox.support import RecordingHandler, make_receipts, make_relay, outbox_service

ASKED = "您在票夹中申请的医疗收费电子票据已随本邮件附上"
SENT_AT_ISSUE = "广州测试医院收费处按您缴费时留下的邮箱，为您发送医疗收费电子票据"


@pytest.mark.parametrize(
    ("requested_by", "kind", "says", "never"),
    [
        ("issuer", MessageKind.ISSUED, SENT_AT_ISSUE, "您在票夹中申请"),
        ("patient", MessageKind.RECEIPT, ASKED, "收费处按您"),
        ("folder", MessageKind.RECEIPT, ASKED, "收费处按您"),
    ],
)
async def test_the_email_says_who_asked_for_it(
    outbox_db: str,
    smtp: LocalSmtpServer,
    handler: RecordingHandler,
    clock: FakeClock,
    requested_by: Requester,
    kind: MessageKind,
    says: str,
    never: str,
) -> None:
    (receipt,) = await make_receipts(1)
    outbox = outbox_service(clock)
    async with in_transaction() as conn:
        queued = await outbox.queue_receipt_email(
            conn, receipt=receipt, to="zhang@example.com", requested_by=requested_by
        )
    assert (await OutboxMessage.get(id=queued.id)).kind == kind
    event = await ReceiptEvent.get(receipt_id=receipt.id, type="email_queued")
    assert event.detail is not None
    assert event.detail["kind"] == str(kind) and event.detail["requested_by"] == requested_by

    report = await make_relay(smtp.port, clock, outbox=outbox).deliver_due()

    assert report.sent == 1
    (received,) = handler.received
    message = received.message
    assert str(message["Subject"]) == "您的医疗收费电子票据：广州测试医院 44060126-0000000001"
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    for body in (text.get_content(), html.get_content()):
        assert says in body and never not in body
        assert "票据号码" in body and "¥85.60" in body  # the same details either way
        assert "查看电子票据" in body  # the link says what the slip's QR caption says
    assert len(list(message.iter_attachments())) == 1
