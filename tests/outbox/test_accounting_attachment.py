"""The mailed copy carries the receipt's accounting data: ``receipt.xml`` after the PDF, the
public copy, the very bytes ``/s/{token}/receipt.xml`` serves and the PDF embeds, and the mail
says so in one line. Sent by the app's own relay to a real SMTP server."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from backend.config import Settings
from backend.outbox.mail_sink import LocalSmtpServer
from backend.secret import Secret
from tests.accounting.support import assert_valid, texts
from tests.documents.support import detach_xml
from tests.factories import issuer_with_staff, receipt_request
from tests.ledger import PAYER, URL, assert_no_personal_data, integrate, scan_path
from tests.outbox.support import RecordingHandler, body_text, mailed

DATA_LINE = "电子凭证会计数据（XML），与 PDF 内嵌的相同"


@pytest.fixture
def settings(settings: Settings, smtp: LocalSmtpServer) -> Settings:
    return dataclasses.replace(
        settings,
        smtp_url=Secret(f"smtp://127.0.0.1:{smtp.port}"),
        mail_from="noreply@piaojia.test",
    )


async def test_the_mailed_copy_attaches_the_public_accounting_data(
    app: Starlette, client: httpx.AsyncClient, handler: RecordingHandler, tmp_path: Path
) -> None:
    cashier = await issuer_with_staff(app)
    issued = await client.post(URL, json=receipt_request(payer=PAYER), headers=cashier.headers)
    assert issued.status_code == 201, issued.text
    receipt = issued.json()
    await integrate(app)  # the copy mailed at issue waits for the ledger proof

    message = await mailed(handler)

    pdf, data = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert data.get_content_type() == "application/xml"
    assert data.get_filename() == "receipt.xml"
    xml = data.get_content()
    assert isinstance(xml, bytes)
    root = assert_valid(xml, "efi.xsd")
    assert root.get("copy") == "public"
    assert texts(root, "EInvoiceNumber") == [receipt["number"]]
    assert_no_personal_data(xml)
    served = await client.get(scan_path(receipt) + "/receipt.xml")
    assert served.status_code == 200 and served.content == xml
    mailed_pdf = pdf.get_content()
    assert isinstance(mailed_pdf, bytes)
    assert detach_xml(mailed_pdf, tmp_path / "detached") == xml
    text = body_text(message)
    assert DATA_LINE in text and "、receipt.xml" in text
    html = message.get_body(preferencelist=("html",))
    assert html is not None and DATA_LINE in str(html.get_content())
