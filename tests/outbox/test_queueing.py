"""Queueing: addresses validated on the way in, daily limits per receipt and per address, and no
way for any field to add a header or a recipient."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from tortoise.transactions import in_transaction

from backend.emailaddress import (
    InvalidEmailAddress,
    header_text,
    normalise_address,
    safe_file_name,
)
from backend.errors import InvalidInput, TooManyRequests
from backend.outbox.errors import EmailLimitReached
from backend.outbox.mail_sink import LocalSmtpServer
from backend.outbox.models import OutboxMessage
from backend.receipts.models import ReceiptEvent
from tests.clock import FakeClock
from tests.outbox.support import (
    PdfSource,
    RecordingHandler,
    issuer_and_staff,
    make_receipts,
    make_relay,
    outbox_service,
    queue_emails,
)

BAD_ADDRESSES = [
    "",
    "   ",
    "plainaddress",
    "@example.com",
    "a@",
    "a@localhost",
    "a b@example.com",
    "a@example.com\r\nBcc: evil@attacker.example",
    "a@example.com\nBcc: evil@attacker.example",
    "Evil <a@example.com>",
    "a@example.com, b@example.com",
    "a@example.com;b@example.com",
    '"quoted"@example.com',
    "a..b@example.com",
    ".a@example.com",
    "a@-example.com",
    "a@example..com",
    "a\x00@example.com",
    "x" * 65 + "@example.com",
    "a@" + "b" * 250 + ".com",
    "张三@example.com",
]


@pytest.mark.parametrize("raw", BAD_ADDRESSES)
def test_bad_addresses_are_refused_with_a_clear_code(raw: str) -> None:
    with pytest.raises(InvalidEmailAddress) as refused:
        normalise_address(raw)
    assert isinstance(refused.value, InvalidInput)  # answered 400 by the app's error table
    assert refused.value.code == "invalid_email" and refused.value.message


def test_good_addresses_are_normalised() -> None:
    assert normalise_address(" Zhang.San+piao@Example.COM ") == "Zhang.San+piao@example.com"
    assert normalise_address("a@例子.中国") == "a@xn--fsqu00a.xn--fiqs8s"
    for not_text in (123, None, ["a@example.com"]):
        with pytest.raises(InvalidEmailAddress):
            normalise_address(not_text)


def test_header_text_and_file_names_are_one_safe_line() -> None:
    assert header_text("票据\r\nBcc: x@y.z\t 号码") == "票据 Bcc: x@y.z 号码"
    assert safe_file_name('../../etc/pass"wd\r\n.pdf') == "_.._etc_pass_wd .pdf"
    assert safe_file_name("\r\n") == "receipt.pdf"
    assert safe_file_name("票据") == "票据.pdf"


async def test_an_invalid_address_queues_nothing(outbox_db: str, clock: FakeClock) -> None:
    (receipt,) = await make_receipts(1)
    with pytest.raises(InvalidEmailAddress):
        await queue_emails(outbox_service(clock), [receipt], "not-an-address")
    assert await OutboxMessage.all().count() == 0
    assert not await ReceiptEvent.filter(type="email_queued").exists()


async def test_daily_limits_per_receipt_and_per_address(outbox_db: str, clock: FakeClock) -> None:
    clock.now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 11:00 in China
    outbox = outbox_service(clock, per_receipt=2, per_address=3)
    first, second, third = await make_receipts(3)

    await queue_emails(outbox, [first, first], lambda n: f"p{n}@example.com")
    with pytest.raises(EmailLimitReached) as limited:
        await queue_emails(outbox, [first], "p9@example.com")
    assert isinstance(limited.value, TooManyRequests)
    assert limited.value.retry_after == 13 * 3600  # until midnight, China time
    assert await OutboxMessage.filter(receipt_id=first.id).count() == 2

    # Three to one address in a day, whichever receipts; case does not make a new address.
    await queue_emails(outbox, [second, third], "same@example.com")
    await queue_emails(outbox, [second], "SAME@Example.com")
    with pytest.raises(EmailLimitReached):
        await queue_emails(outbox, [third], "same@example.com")
    # (Addresses are sealed at rest: compared once opened, not by the database.)
    sent_to = [m.recipient.lower() for m in await OutboxMessage.all()]
    assert sent_to.count("same@example.com") == 3

    # A refused request counted nothing: a new China day starts from zero.
    clock.now = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 00:00 on the 28th in China
    await queue_emails(outbox, [first, first], "same@example.com")
    assert await OutboxMessage.filter(receipt_id=first.id).count() == 4


async def test_no_field_can_add_a_header_or_a_recipient(
    outbox_db: str, smtp: LocalSmtpServer, handler: RecordingHandler, clock: FakeClock
) -> None:
    injected = "张三\r\nBcc: evil@attacker.example\r\nX-Evil: 1"
    issuer = await issuer_and_staff(name="医院\r\nCc: evil@attacker.example")
    (receipt,) = await make_receipts(1, payer_name=injected, issuer=issuer)
    outbox = outbox_service(clock)
    async with in_transaction() as conn:
        for address in ("a@example.com\r\nBcc: evil@attacker.example", "a@example.com\rX-Evil: 1"):
            with pytest.raises(InvalidEmailAddress):
                await outbox.queue_receipt_email(conn, receipt=receipt, to=address)
    await queue_emails(outbox, [receipt], "a@example.com")

    pdfs = NamedPdfSource("票据\r\nX-Evil: 1.pdf")
    assert (await make_relay(smtp.port, clock, outbox=outbox, pdfs=pdfs).deliver_due()).sent == 1

    (received,) = handler.received
    assert received.recipients == ["a@example.com"]
    head = received.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    names = [line.split(":", 1)[0].lower() for line in head.split("\r\n") if line[:1].strip()]
    assert "bcc" not in names and "cc" not in names and "x-evil" not in names
    expected = ["from", "to", "subject", "date", "message-id", "auto-submitted"]
    assert sorted(names) == sorted([*expected, "mime-version", "content-type"])
    subject = str(received.message["Subject"])
    assert "\n" not in subject and "\r" not in subject
    (attachment,) = list(received.message.iter_attachments())
    assert attachment.get_filename() == "票据 X-Evil_ 1.pdf"


class NamedPdfSource(PdfSource):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    async def receipt_pdf(self, receipt_id: uuid.UUID) -> tuple[str, bytes]:
        _, pdf = await super().receipt_pdf(receipt_id)
        return self.name, pdf
