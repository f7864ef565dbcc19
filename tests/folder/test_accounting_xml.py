"""The accounting data (电子凭证会计数据) of a folder receipt: the owner's download is the public
copy, the same bytes the scan page serves and the signed PDF embeds; every other ask is a 4xx
JSON answer."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from tests.accounting.support import assert_valid, texts
from tests.answers import error_code
from tests.documents.support import detach_xml
from tests.folder.support import HOSTILE_IDS, invoiced, kept, scan_token
from tests.wechat import login

FOLDER = "/api/v1/folder/receipts"


async def test_the_owner_gets_the_masked_copy_the_pdf_embeds(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    receipt, alice = await kept(wx_app, wx_client, "alice")
    path = f"{FOLDER}/{receipt['id']}/receipt.xml"

    response = await wx_client.get(path, headers=alice)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    disposition = response.headers["content-disposition"]
    assert "filename*=UTF-8''" in disposition and disposition.endswith(".xml")
    root = assert_valid(response.content, "efi.xsd")
    assert root.get("copy") == "public"
    assert texts(root, "EInvoiceNumber") == [receipt["number"]]
    assert texts(root, "PayerPartyName") == ["张*"]
    assert texts(root, "PayerPartyIdNumber") == ["4401**********1235"]
    for personal in ("440106199001011235", "zhangsan@example.com", "MZ20261127001"):
        assert personal.encode() not in response.content
    public = await wx_client.get(f"/s/{scan_token(receipt)}/receipt.xml")
    assert public.status_code == 200 and public.content == response.content
    pdf = await wx_client.get(f"{FOLDER}/{receipt['id']}/receipt.pdf", headers=alice)
    assert detach_xml(pdf.content, tmp_path / "detached") == response.content

    again = await wx_client.get(path, headers=alice | {"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == response.headers["etag"]


@pytest.mark.parametrize("receipt_id", HOSTILE_IDS)
async def test_no_accounting_data_of_a_receipt_that_is_not_yours(
    wx_app: Starlette, wx_client: httpx.AsyncClient, receipt_id: str
) -> None:
    receipt, _alice = await kept(wx_app, wx_client, "alice")
    bob = await login(wx_client, "demo-bob")

    for target in (receipt["id"], receipt_id):
        response = await wx_client.get(f"{FOLDER}/{target}/receipt.xml", headers=bob)
        assert response.status_code == 404, (target, response.text)
        # An id with a slash in it names no route at all: 404 all the same.
        assert error_code(response) in {"not_in_folder", "no_such_endpoint"}
        assert b"<?xml" not in response.content
    mine = await wx_client.get(f"{FOLDER}/{receipt['id']}/receipt.xml", headers=bob)
    assert error_code(mine) == "not_in_folder"
    anonymous = await wx_client.get(f"{FOLDER}/{receipt['id']}/receipt.xml")
    assert (anonymous.status_code, error_code(anonymous)) == (401, "missing_session_token")


async def test_a_transit_invoice_in_the_folder_has_its_invoice_data(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    invoice, alice = await invoiced(wx_app, wx_client, "alice")
    receipt = invoice["receipt"]

    response = await wx_client.get(f"{FOLDER}/{receipt['id']}/receipt.xml", headers=alice)

    assert response.status_code == 200, response.text
    root = assert_valid(response.content, "einv.xsd")
    assert root.get("copy") == "public"
    assert texts(root, "InvoiceNumber") == [receipt["number"]]
    bob = await login(wx_client, "demo-bob")
    other = await wx_client.get(f"{FOLDER}/{receipt['id']}/receipt.xml", headers=bob)
    assert (other.status_code, error_code(other)) == (404, "not_in_folder")


async def test_the_openapi_document_lists_it_with_its_304(wx_client: httpx.AsyncClient) -> None:
    document = (await wx_client.get("/openapi.json")).json()

    operation = document["paths"]["/api/v1/folder/receipts/{receipt_id}/receipt.xml"]["get"]

    assert operation["operationId"] == "folder.xml"
    assert operation["tags"] == ["folder"]
    assert "application/xml" in operation["responses"]["200"]["content"]
    assert {"304", "401", "404"} <= set(operation["responses"])
