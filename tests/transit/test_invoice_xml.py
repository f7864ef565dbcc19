"""A transit invoice's accounting data (数电票 elements): masked for a personal buyer, and the
same bytes inside its signed PDF."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from tests.accounting.support import assert_valid, texts
from tests.documents.support import detach_xml
from tests.transit.support import import_rows, metro, my_trip_ids, trip_row
from tests.wechat import login

INVOICES = "/api/v1/folder/transit-invoices"


async def test_a_personal_buyers_invoice_xml_is_masked_and_embedded(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    operator = await metro(wx_app)
    rider = await login(wx_client, "demo-bo")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("bo")) for n in range(3)]
    )
    title = {"kind": "personal", "name": "欧阳小明"}
    issued = await wx_client.post(
        INVOICES, json={"trips": await my_trip_ids(wx_client, rider), "title": title}, headers=rider
    )
    assert issued.status_code == 201, issued.text
    receipt = issued.json()["receipt"]
    scan = urlsplit(receipt["scan_url"]).path

    public = await wx_client.get(scan + "/receipt.xml")
    assert public.status_code == 200, public.text
    root = assert_valid(public.content, "einv.xsd")
    assert texts(root, "BuyerType") == ["个人"] and texts(root, "BuyerName") == ["欧**明"]
    for private in ("欧阳小明", demo_openid("bo")):
        assert private.encode() not in public.content
    assert texts(root, "Drawer") == []
    assert len(texts(root, "IssuItemInformation")) == 3
    assert texts(root, "SellerIdNum") and texts(root, "TotalTax-includedAmount")
    assert receipt["number"] in texts(root, "InvoiceNumber")[0]

    pdf = await wx_client.get(scan + "/receipt.pdf")
    assert pdf.status_code == 200
    assert detach_xml(pdf.content, tmp_path / "detached") == public.content
