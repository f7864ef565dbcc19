"""A stored transit invoice maps onto the PDF document, and its red reversal too."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.documents.fonts import FontSet
from backend.documents.model import TransitInvoiceDocument
from backend.documents.transit import render_transit
from backend.receipts.models import Receipt
from backend.transit.documents import load_transit_document
from tests.documents.support import text_of, write
from tests.factories import Actor
from tests.transit.support import INVOICES, import_rows, metro, my_trip_ids, trip_row
from tests.wechat import login


async def _document_of(
    app: Starlette, receipt_id: str, reverses: tuple[str, str] | None = None
) -> TransitInvoiceDocument:
    receipt = await Receipt.filter(id=receipt_id).select_related("issuer", "staff").get()
    loaded = await app.state.services.receipts.load(receipt)
    document: TransitInvoiceDocument = await load_transit_document(
        loaded, verify_url="https://piaojia.test/verify", reverses=reverses
    )
    return document


async def _invoiced(
    app: Starlette, client: httpx.AsyncClient, fares: list[str]
) -> tuple[Actor, dict[str, str], dict[str, Any]]:
    """Alice's trips at ``fares`` (one trip each) invoiced to 李四: the metro's operator,
    alice's session header and the invoice answer."""
    operator = await metro(app)
    alice = await login(client, "demo-alice")
    rows = [trip_row(n, openid=demo_openid("alice"), fare=fare) for n, fare in enumerate(fares)]
    await import_rows(client, operator, rows)
    ids = await my_trip_ids(client, alice)
    title = {"kind": "personal", "name": "李四"}
    invoice: dict[str, Any] = (
        await client.post(INVOICES, json={"trips": ids, "title": title}, headers=alice)
    ).json()
    return operator, alice, invoice


async def test_an_issued_invoice_becomes_its_document(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    operator, _, invoice = await _invoiced(wx_app, wx_client, ["4.00"] * 2)
    red = (
        await wx_client.post(
            f"/api/v1/transit/invoices/{invoice['receipt']['id']}/reversal",
            json={"reason": "开票有误"},
            headers=operator.headers,
        )
    ).json()

    document = await _document_of(wx_app, invoice["receipt"]["id"])
    red_document = await _document_of(
        wx_app, red["receipt"]["id"], (invoice["receipt"]["code"], invoice["receipt"]["number"])
    )

    assert document.buyer_kind == "个人"
    assert document.buyer_name == "李四"
    assert (document.code, document.number) == ("", "26442000000000000001")
    assert document.drawer == "电子发票服务"
    assert [(t.day, t.entry_station, t.exit_station, t.fare_fen) for t in document.trips] == [
        (date(2026, 11, 26), "体育西路", "珠江新城", 400)
    ] * 2
    assert (document.net_fen, document.tax_fen, document.total_fen) == (734, 66, 800)
    assert (red_document.net_fen, red_document.tax_fen, red_document.total_fen) == (-734, -66, -800)
    assert red_document.reversal_reason == "开票有误"
    assert red_document.number == "26442000000000000002"
    assert red_document.red_confirmation == "26442000000000000001"  # a series of its own
    fonts = FontSet.load()
    text = text_of(write(tmp_path, "invoice", render_transit(document, fonts)))
    assert "李四" in text and "体育西路" in text and "8.00" in text
    red_text = text_of(write(tmp_path, "red", render_transit(red_document, fonts)))
    assert "被红冲蓝字数电发票号码：26442000000000000001" in red_text
    assert "红字发票信息确认单编号：26442000000000000001" in red_text


async def test_the_document_lists_the_trips_themselves_in_the_order_of_the_lines(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    _, alice, invoice = await _invoiced(wx_app, wx_client, [f"{n + 2}.50" for n in range(3)])
    reissued = (
        await wx_client.post(
            f"{INVOICES}/{invoice['receipt']['id']}/reissue",
            json={"title": {"kind": "personal", "name": "王五"}},
            headers=alice,
        )
    ).json()
    receipts = wx_app.state.services.receipts
    blue = (invoice["receipt"]["code"], invoice["receipt"]["number"])
    red = await Receipt.filter(reverses_id=invoice["receipt"]["id"]).get()

    for receipt_id, reverses in (
        (invoice["receipt"]["id"], None),
        (str(red.id), blue),
        (reissued["receipt"]["id"], None),
    ):
        receipt = await Receipt.filter(id=receipt_id).select_related("issuer", "staff").get()
        loaded = await receipts.load(receipt)
        from_trips = await load_transit_document(
            loaded, verify_url="https://piaojia.test/verify", reverses=reverses
        )

        trips = from_trips.trips
        assert sorted(t.fare_fen for t in trips) == [250, 350, 450]
        assert {(t.entry_station, t.exit_station) for t in trips} == {("体育西路", "珠江新城")}
        # The lines the ledger committed to name the same trips, in the same order.
        assert [f"{t.day.isoformat()} {t.entry_station}→{t.exit_station}" for t in trips] == [
            item.name for item in loaded.items
        ]
        assert [t.fare_fen for t in trips] == [abs(item.amount_fen) for item in loaded.items]
