"""What the outbox tests share: receipts to mail, a real
one-page PDF, a real SMTP server whose behaviour a test can change, and a relay."""

from __future__ import annotations

import asyncio
import io
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole
from backend.outbox.attempt import MailTransport
from backend.outbox.composer import EmailComposer, Sender
from backend.outbox.relay import Relay, RelayOptions
from backend.outbox.services import MailLimits, OutboxService
from backend.outbox.smtp_client import SmtpConnection
from backend.receipts.models import Receipt, ReceiptKind, ScanToken
from backend.receipts.tokens import new_scan_token
from backend.smtp_target import SmtpTarget
from backend.templating import template_environment
from backend.transit.titles import company_buyers
from tests.factories import credit_code

BASE_URL = "https://piaojia.test"
SENDER = Sender("noreply@piaojia.test", "票夹")


class PdfSource:
    """A real one-page PDF per receipt (reportlab, Helvetica), holding its 票据号码.

    ``cache`` keeps each receipt's PDF after the first render, as the documents service keeps
    rendered PDFs."""

    def __init__(self, *, cache: bool = False, padding: int = 0) -> None:
        self.calls = 0
        self._cache: dict[uuid.UUID, tuple[str, bytes]] | None = {} if cache else None
        self._padding = padding

    async def receipt_pdf(self, receipt_id: uuid.UUID) -> tuple[str, bytes]:
        self.calls += 1
        if self._cache is not None and receipt_id in self._cache:
            return self._cache[receipt_id]
        receipt = await Receipt.get(id=receipt_id)
        found = (f"{receipt.code}-{receipt.number}.pdf", draw_pdf(receipt, self._padding))
        if self._cache is not None:
            self._cache[receipt_id] = found
        return found


def draw_pdf(receipt: Receipt, padding: int = 0) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setFont("Helvetica", 14)
    page.drawString(72, 760, f"Receipt code {receipt.code}")
    page.drawString(72, 740, f"Receipt number {receipt.number}")
    page.drawString(72, 720, f"Total {receipt.total_fen / 100:.2f}")
    if padding:
        # Incompressible bytes, so the attachment weighs what a real signed PDF weighs.
        page.setAuthor(random.Random(receipt.number).randbytes(padding).hex())
    page.showPage()
    page.save()
    return buffer.getvalue()


_serial = iter(range(7000, 10**6))


async def issuer_and_staff(name: str = "广州测试医院") -> tuple[Issuer, Staff]:
    issuer = await Issuer.create(
        kind=IssuerKind.HOSPITAL, name=name, credit_code=credit_code(next(_serial)), region="440100"
    )
    staff = await Staff.create(
        issuer=issuer, name="测试员", role=StaffRole.CASHIER, key_hash=uuid.uuid4().hex * 2
    )
    return issuer, staff


async def make_receipts(
    count: int,
    *,
    email: str | None = "patient@example.com",
    issued_at: datetime | None = None,
    payer_name: str = "张小三",
    issuer: tuple[Issuer, Staff] | None = None,
) -> list[Receipt]:
    """``count`` receipts of one issuer, each with a scan token, numbered from 0000000001."""
    owner, staff = issuer or await issuer_and_staff()
    at = issued_at or datetime.now(UTC)
    start = await Receipt.filter(issuer_id=owner.id).count()
    receipts = [
        Receipt(
            id=uuid.uuid4(),
            issuer=owner,
            staff=staff,
            kind=ReceiptKind.MEDICAL,
            code="44060126",
            number=f"{start + n + 1:010d}",
            check_code="a1b2c3",
            issued_at=at,
            payer_name=payer_name,
            payer_email=email,
            total_fen=8560,
        )
        for n in range(count)
    ]
    await Receipt.bulk_create(receipts, batch_size=500)
    await ScanToken.bulk_create(
        [ScanToken(receipt_id=r.id, token=new_scan_token()) for r in receipts], batch_size=500
    )
    for receipt in receipts:
        receipt.issuer = owner
    return receipts


def outbox_service(clock: Callable[[], datetime], **limits: int) -> OutboxService:
    return OutboxService(
        clock=clock,
        limits=MailLimits(
            per_receipt_per_day=limits.get("per_receipt", 5),
            per_address_per_day=limits.get("per_address", 20),
        ),
        message_id_domain=SENDER.domain,
    )


async def queue_emails(
    outbox: OutboxService, receipts: list[Receipt], to: str | Callable[[int], str]
) -> list[uuid.UUID]:
    from tortoise.transactions import in_transaction

    ids = []
    async with in_transaction() as conn:
        for n, receipt in enumerate(receipts):
            address = to(n) if callable(to) else to
            ids.append((await outbox.queue_receipt_email(conn, receipt=receipt, to=address)).id)
    return ids


def smtp_connector(port: int, *, timeout: float = 2.0) -> Callable[[], MailTransport]:
    target = SmtpTarget.parse(f"smtp://127.0.0.1:{port}")
    return lambda: SmtpConnection(target, timeout=timeout, local_hostname="relay.piaojia.test")


def make_relay(
    port: int,
    clock: Callable[[], datetime],
    *,
    pdfs: PdfSource | None = None,
    outbox: OutboxService | None = None,
    timeout: float = 2.0,
    connect: Callable[[], MailTransport] | None = None,
    **options: Any,
) -> Relay:
    return Relay(
        outbox=outbox or outbox_service(clock),
        composer=EmailComposer(templates=template_environment(), sender=SENDER),
        connect=connect or smtp_connector(port, timeout=timeout),
        pdfs=pdfs or PdfSource(),
        company_buyers=company_buyers,
        public_base_url=BASE_URL,
        options=RelayOptions(**({"retry_base": 1.0, "send_deadline": timeout * 4} | options)),
        clock=clock,
        rng=random.Random(7),
    )


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class RecordingHandler:
    """aiosmtpd handler that keeps what it accepts. ``rcpt_reply`` refuses recipients with
    that reply; ``hang`` makes DATA never answer (until the server stops); ``data_seconds``
    makes it answer that much later, as a slow server does. ``data_begun`` counts the DATA
    commands it has been given, answered or not."""

    received: list[Received] = field(default_factory=list)
    rcpt_reply: str | None = None
    hang: bool = False
    data_seconds: float = 0.0
    rcpt_commands: int = 0
    data_begun: int = 0
    _serial: int = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.rcpt_commands += 1
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.data_begun += 1
        if self.hang:
            await asyncio.Event().wait()
        if self.data_seconds:
            await asyncio.sleep(self.data_seconds)
        self._serial += 1
        self.received.append(
            Received(
                str(envelope.mail_from), list(envelope.rcpt_tos), envelope.original_content or b""
            )
        )
        return f"250 2.0.0 Ok: queued as Q{self._serial:05d}"

    def ids(self) -> list[str]:
        return [r.message_id for r in self.received]


# A message as the relay would hand it over, to a mail sink under test.
MESSAGE = (
    b"From: noreply@piaojia.test\r\nTo: a@example.com\r\nSubject: =?utf-8?b?56Wo5aS5?=\r\n"
    b"Message-ID: <1@piaojia.test>\r\n\r\nhello\r\n"
)


async def send_message(port: int) -> str:
    """Send MESSAGE to the SMTP server on ``port``; returns the queue id it answers with."""
    connection = SmtpConnection(
        SmtpTarget.parse(f"smtp://127.0.0.1:{port}"), timeout=5, local_hostname="t.test"
    )
    try:
        accepted = await connection.send(
            sender="noreply@piaojia.test", recipient="a@example.com", message=MESSAGE
        )
    finally:
        await connection.close()
    assert accepted.queue_id is not None
    return accepted.queue_id


async def mailed(handler: RecordingHandler, count: int = 1) -> EmailMessage:
    """The ``count``-th message ``handler`` receives, once it has (within 60 s)."""
    async with asyncio.timeout(60):
        while len(handler.received) < count:
            await asyncio.sleep(0.05)
    return handler.received[count - 1].message


def body_text(message: EmailMessage) -> str:
    """The plain-text body of ``message``."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())
