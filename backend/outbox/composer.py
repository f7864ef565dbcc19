"""Emails from templates: ``templates/email/<kind>/{subject.txt,body.txt,body.html}``.

Each message is multipart/mixed: a multipart/alternative with the plain-text and the HTML part,
then the PDF, then the letter's further files (a receipt's accounting data, ``receipt.xml``).
Every header value is a validated address, a fixed string, or text folded to one line and then
RFC 2047- or 2231-encoded, so no field of a receipt can add a header or a recipient.
"""

from __future__ import annotations

import base64
import email.utils
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import formataddr
from typing import Any

from jinja2 import Environment

from backend.accounting.voucher import MEDIA_TYPE as XML_MEDIA_TYPE
from backend.chinatime import minute_text
from backend.emailaddress import header_text, normalise_address, safe_file_name
from backend.masking import shown_payer
from backend.outbox.proof_wait import NOTES
from backend.receipts.models import Receipt

KIND_TITLES = {"medical": "医疗收费电子票据", "transit": "电子发票"}


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the mail comes from: ``PIAOJIA_MAIL_FROM`` and its display name."""

    address: str
    name: str = "票夹"

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the mail carries after the PDF."""

    name: str
    content: bytes
    media_type: str  # a fixed type/subtype, never taken from a request


ReceiptFiles = tuple[str, bytes, *tuple[Attachment, ...]]
"""What the relay's PDF source gives for a receipt: the PDF's file name and bytes, then any
further files to attach."""


@dataclass(frozen=True, slots=True)
class Letter:
    """What one outbox message needs to become an email."""

    message_uuid: uuid.UUID
    kind: str  # a folder under templates/email
    recipient: str
    receipt: Receipt  # with its issuer loaded
    scan_url: str | None
    pdf_name: str
    pdf: bytes
    company_buyer: bool = False  # titled to a 单位: its name is shown whole
    proof: str | None = None  # the ``proof_wait`` verdict; None: not asked (no note)
    attachments: tuple[Attachment, ...] = ()


def message_id_for(message_uuid: uuid.UUID, domain: str) -> str:
    """The Message-ID of an outbox message: the same on every attempt to send it."""
    return f"<{message_uuid.hex}@{domain}>"


class EmailComposer:
    def __init__(self, *, templates: Environment, sender: Sender) -> None:
        self._templates = templates
        self._sender = sender

    @property
    def sender(self) -> Sender:
        return self._sender

    def context(self, letter: Letter) -> dict[str, Any]:
        receipt = letter.receipt
        return {
            "issuer_name": receipt.issuer.name,
            "title": KIND_TITLES.get(str(receipt.kind), "电子票据"),
            "code": receipt.code,
            "number": receipt.number,
            "check_code": receipt.check_code,
            "issued_at": minute_text(receipt.issued_at),
            "total_fen": receipt.total_fen,
            # The mailbox belongs to whoever typed it; a person's full name is in the PDF only.
            "payer_name": shown_payer(receipt.payer_name, company=letter.company_buyer),
            "reversed": str(receipt.status) == "reversed",
            "scan_url": letter.scan_url,
            "pdf_name": letter.pdf_name,
            "data_names": [a.name for a in letter.attachments if a.media_type == XML_MEDIA_TYPE],
            # A copy sent without a (witnessed) ledger proof says so.
            "proof_note": NOTES.get(letter.proof or ""),
        }

    def compose(self, letter: Letter, *, now: datetime) -> bytes:
        """The email for ``letter`` as sent (CRLF lines): rendered subject and bodies, the PDF
        attached, then ``letter.attachments`` in their order.

        Guarantees: exactly one recipient (the validated ``letter.recipient``), a Message-ID
        that depends only on the outbox message, header values on one logical line (the
        subject and the sender's name RFC 2047-encoded, the file name RFC 2231-encoded), and
        every body base64, so the message is 7-bit clean whatever the receipt holds.
        """
        # Written here rather than by the email package: its generator walks a 60 KB attachment
        # line by line and folds every header through a parser, which cost twice the SMTP send
        # itself. The structure is fixed, so writing it directly is short; the tests read the
        # result back with the email package's strict parser.
        context = self.context(letter)
        folder = f"email/{letter.kind}"
        subject = self._templates.get_template(f"{folder}/subject.txt").render(context)
        text = self._templates.get_template(f"{folder}/body.txt").render(context)
        html = self._templates.get_template(f"{folder}/body.html").render(context)
        recipient = normalise_address(letter.recipient)
        token = secrets.token_hex(12)
        mixed, alternative = f"=_piaojia_m_{token}", f"=_piaojia_a_{token}"
        sender = formataddr((header_text(self._sender.name), self._sender.address), charset="utf-8")
        lines = [
            f"From: {sender}",
            f"To: {recipient}",
            f"Subject: {_encoded_header(header_text(subject), 'Subject')}",
            f"Date: {email.utils.format_datetime(now)}",
            f"Message-ID: {message_id_for(letter.message_uuid, self._sender.domain)}",
            # Tells auto-responders not to answer: nobody reads replies to this sender.
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/mixed; boundary="{mixed}"',
            "",
            f"--{mixed}",
            f'Content-Type: multipart/alternative; boundary="{alternative}"',
            "",
            f"--{alternative}",
            *_text_part("plain", text),
            f"--{alternative}",
            *_text_part("html", html),
            f"--{alternative}--",
            "",
            f"--{mixed}",
            "Content-Type: application/pdf",
            "Content-Transfer-Encoding: base64",
            f"Content-Disposition: attachment; {_file_name_parameter(letter.pdf_name)}",
            "",
            _base64_lines(letter.pdf),
            *(line for a in letter.attachments for line in _file_part(mixed, a)),
            f"--{mixed}--",
            "",
        ]
        return "\r\n".join(lines).encode("ascii")


def _file_part(boundary: str, attachment: Attachment) -> list[str]:
    suffix = "." + attachment.media_type.rpartition("/")[2]
    return [
        f"--{boundary}",
        f"Content-Type: {attachment.media_type}",
        "Content-Transfer-Encoding: base64",
        # The file's type names its suffix: an application/xml part is saved as .xml.
        f"Content-Disposition: attachment; {_file_name_parameter(attachment.name, suffix)}",
        "",
        _base64_lines(attachment.content),
    ]


def _text_part(subtype: str, text: str) -> list[str]:
    # Text travels with CRLF line ends (its canonical form), whatever the template used.
    canonical = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    return [
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
        _base64_lines(canonical),
    ]


def _base64_lines(data: bytes) -> str:
    # 76-character lines (RFC 2045), CRLF between them.
    return base64.encodebytes(data).decode("ascii").rstrip("\n").replace("\n", "\r\n")


def _encoded_header(value: str, name: str) -> str:
    if value.isascii() and len(value) + len(name) + 2 <= 78:
        return value
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


def _file_name_parameter(name: str, suffix: str = ".pdf") -> str:
    safe = safe_file_name(name, default="receipt" + suffix, suffix=suffix)
    if safe.isascii():
        return f'filename="{safe}"'
    return f"filename*={email.utils.encode_rfc2231(safe, 'utf-8')}"
