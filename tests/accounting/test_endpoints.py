"""The accounting XML served, and inside the signed PDF, on both databases."""

from __future__ import annotations

import asyncio
import uuid
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
from pyhanko.pdf_utils.reader import PdfFileReader
from starlette.applications import Starlette

from backend.documents.verify import verify_pdf
from tests.accounting.support import assert_valid, texts
from tests.answers import error_code
from tests.documents.support import ca_of, detach_xml
from tests.factories import issuer_with_staff
from tests.ledger import (
    EMAIL,
    ID_NUMBER,
    NAME,
    PHONE,
    URL,
    VISIT_NUMBER,
    assert_no_personal_data,
    integrate,
    issued_receipt,
    scan_path,
)
from tests.signing.helpers import nss_trusting, pdfsig

XML = "application/xml"


async def test_the_issuers_copy_carries_the_payer_whole(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    issued = await issued_receipt(app, client, email=False)
    response = await client.get(f"{URL}/{issued['id']}/receipt.xml", headers=issued["_headers"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XML)
    assert ".xml" in response.headers["content-disposition"]
    root = assert_valid(response.content, "efi.xsd")
    assert root.get("copy") == "issuer"
    assert texts(root, "PayerPartyName") == [NAME]
    assert texts(root, "PayerPartyIdNumber") == [ID_NUMBER]
    assert texts(root, "PayerPartyPhone") == [PHONE]
    assert texts(root, "MedicalRecordNumber") == [VISIT_NUMBER]
    assert texts(root, "EInvoiceNumber") == [issued["number"]]
    assert texts(root, "RandomNumber") == [issued["check_code"]]
    again = await client.get(
        f"{URL}/{issued['id']}/receipt.xml",
        headers=issued["_headers"] | {"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


async def test_the_public_copy_is_masked_and_is_the_one_inside_the_signed_pdf(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = await issued_receipt(app, client)
    await integrate(app)
    public = await client.get(scan_path(issued) + "/receipt.xml")
    assert public.status_code == 200, public.text
    assert public.headers["content-type"].startswith(XML)
    root = assert_valid(public.content, "efi.xsd")
    assert root.get("copy") == "public"
    assert_no_personal_data(public.content)
    assert EMAIL.encode() not in public.content
    assert texts(root, "PayerPartyName") == ["王*明"]
    assert texts(root, "PayerPartyIdNumber") == ["4401**********1235"]

    pdf = await client.get(scan_path(issued) + "/receipt.pdf")
    assert pdf.status_code == 200
    assert detach_xml(pdf.content, tmp_path / "detached") == public.content
    # Inside the signed revision, and associated with the document as its data (/AF, /Data).
    checked = await asyncio.to_thread(verify_pdf, pdf.content, ca_of(app).certificate_pem)
    assert checked.valid and checked.attachments["receipt.xml"] == public.content
    assert "ledger-proof.json" in checked.attachments
    catalog: Any = PdfFileReader(BytesIO(pdf.content)).root
    [spec] = [s.get_object() for s in catalog["/AF"]]
    assert spec["/AFRelationship"] == "/Data" and spec["/UF"] == "receipt.xml"
    report = pdfsig(pdf.content, nss_trusting(tmp_path / "nss", ca_of(app)), tmp_path)
    assert "Signature is Valid." in report and "Total document signed" in report


async def test_a_reversal_changes_the_status_in_both_copies(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    issued = await issued_receipt(app, client, email=False)
    reversed_ = await client.post(
        f"{URL}/{issued['id']}/reversal", json={"reason": "开票有误"}, headers=issued["_headers"]
    )
    assert reversed_.status_code == 201, reversed_.text
    public = await client.get(scan_path(issued) + "/receipt.xml")
    assert texts(assert_valid(public.content, "efi.xsd"), "EInvoiceStatus") == ["reversed"]
    red = reversed_.json()
    own = await client.get(f"{URL}/{red['id']}/receipt.xml", headers=issued["_headers"])
    root = assert_valid(own.content, "efi.xsd")
    assert texts(root, "WhetherEReceiptIsRed") == ["Y"]
    assert texts(root, "OriginalEInvoiceNumber") == [issued["number"]]
    assert texts(root, "TotalAmount")[0].startswith("-")


async def test_hostile_asks_get_json_4xx(app: Starlette, client: httpx.AsyncClient) -> None:
    issued = await issued_receipt(app, client, email=False)
    headers = issued["_headers"]
    for bad in ("not-a-uuid", str(uuid.uuid4()), "%00", "..%2F..%2Fetc", "1" * 300):
        response = await client.get(f"{URL}/{bad}/receipt.xml", headers=headers)
        assert 400 <= response.status_code < 500, (bad, response.status_code)
        error_code(response)
    other = await issuer_with_staff(app)
    stranger = await client.get(f"{URL}/{issued['id']}/receipt.xml", headers=other.headers)
    assert stranger.status_code == 404 and error_code(stranger) == "receipt_not_found"
    anonymous = await client.get(f"{URL}/{issued['id']}/receipt.xml")
    assert anonymous.status_code == 401
    error_code(anonymous)
    for token in ("x" * 32, "short", "A" * 500, "%3Cscript%3E"):
        response = await client.get(f"/s/{token}/receipt.xml")
        assert 400 <= response.status_code < 500, (token, response.status_code)
        error_code(response)
