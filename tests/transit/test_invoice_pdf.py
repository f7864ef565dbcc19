"""A rider's invoice comes out as a signed transit invoice PDF."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.services import Services
from chain.receipt.bundle import verify_bundle
from tests.documents.support import detach, text_of, write
from tests.tlog_spec import spec_verify
from tests.transit.support import import_rows, metro, my_trip_ids, trip_row
from tests.wechat import login

INVOICES = "/api/v1/folder/transit-invoices"


async def test_the_invoice_pdf_by_its_scan_code(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    operator = await metro(wx_app)
    rider = await login(wx_client, "demo-bo")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("bo")) for n in range(3)]
    )
    title = {"kind": "company", "name": "广州示范科技有限公司", "tax_id": "91350100M000100Y43"}
    issued = await wx_client.post(
        INVOICES, json={"trips": await my_trip_ids(wx_client, rider), "title": title}, headers=rider
    )
    assert issued.status_code == 201, issued.text
    receipt = issued.json()["receipt"]
    pdf = await wx_client.get(urlsplit(receipt["scan_url"]).path + "/receipt.pdf")
    assert pdf.status_code == 200
    assert (
        "电子发票" in pdf.headers["content-disposition"]
        or "%E7%94%B5" in pdf.headers["content-disposition"]
    )
    text = text_of(write(tmp_path, "invoice", pdf.content))
    for shown in ("客运服务费", "广州示范科技有限公司", "91350100M000100Y43", receipt["number"]):
        assert shown in text, shown


async def test_a_personal_buyers_invoice_proof_names_nobody(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    operator = await metro(wx_app)
    rider = await login(wx_client, "demo-bo")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("bo")) for n in range(2)]
    )
    title = {"kind": "personal", "name": "欧阳小明"}
    issued = await wx_client.post(
        INVOICES, json={"trips": await my_trip_ids(wx_client, rider), "title": title}, headers=rider
    )
    assert issued.status_code == 201, issued.text
    receipt = issued.json()["receipt"]
    services: Services = wx_app.state.services
    await services.sequencer.integrate_once()
    log_key = (await wx_client.get("/ledger/key")).text.strip()

    public = await wx_client.get(urlsplit(receipt["scan_url"]).path + "/proof")
    assert public.status_code == 200, public.text
    for private in ("欧阳小明", demo_openid("bo")):
        assert private.encode() not in public.content
    assert verify_bundle(public.content, log_key=log_key).document_version == 2
    # The rider's folder holds the invoice: its owner may open the buyer's name.
    own = await wx_client.get(f"/api/v1/folder/receipts/{receipt['id']}/proof", headers=rider)
    opened = verify_bundle(own.content, log_key=log_key).opened
    assert opened is not None and opened["payer.name"] == "欧阳小明"


async def test_the_invoice_pdf_carries_a_tlog_proof_that_the_spec_verifier_accepts(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    operator = await metro(wx_app)
    rider = await login(wx_client, "demo-bo")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("bo")) for n in range(2)]
    )
    title = {"kind": "personal", "name": "欧阳小明"}
    issued = await wx_client.post(
        INVOICES, json={"trips": await my_trip_ids(wx_client, rider), "title": title}, headers=rider
    )
    assert issued.status_code == 201, issued.text
    receipt = issued.json()["receipt"]
    services: Services = wx_app.state.services
    await services.sequencer.integrate_once()
    log_key = (await wx_client.get("/ledger/key")).text.strip()
    pdf = await wx_client.get(urlsplit(receipt["scan_url"]).path + "/receipt.pdf")
    files = detach(pdf.content, tmp_path / "detached")
    for data in files.values():
        assert "欧阳小明".encode() not in data and demo_openid("bo").encode() not in data
    checked = spec_verify(
        files["ledger-0-issued.tlog-proof"], files["ledger-0-issued.json"], log_key
    )
    assert checked["index"] == 0
