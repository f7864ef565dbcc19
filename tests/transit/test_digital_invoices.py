"""Transit invoices as 数电票: 20-digit 发票号码 with no 发票代码, gapless per issuer and year
under concurrency; invoices from before 数电票 (8-digit code, 10-digit number) still open,
verify and lock beside them; the CSV keeps every digit; malformed numbers get a 4xx answer."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backend import db
from backend.auth.standin import demo_openid
from backend.receipts.models import Receipt
from backend.receipts.numbering import fiscal_numbering
from backend.transit.models import TransitInvoice
from tests.answers import error_code
from tests.transit.support import (
    INVOICES,
    import_rows,
    metro,
    metro_admin,
    my_trip_ids,
    personal,
    trip_row,
)
from tests.verify.support import reimburser
from tests.wechat import login

VERIFY = "/api/v1/verify"
LOCK = "/api/v1/reimbursements/lock"
# 2026 (the tests' clock), 44 (广东: the test issuers' region 440100), channel 2.
PREFIX = "26442"


def named(receipt: dict[str, Any]) -> dict[str, str]:
    """How a holder names the invoice to verify or lock it: a 数电票 by its number alone."""
    elements = {"number": receipt["number"], "check": receipt["check_code"]}
    return {"code": receipt["code"], **elements} if receipt["code"] else elements


async def _invoice(client: httpx.AsyncClient, rider: dict[str, str], trip: int) -> dict[str, Any]:
    answer = await client.post(INVOICES, json={"trips": [trip], "title": personal()}, headers=rider)
    assert answer.status_code == 201, answer.text
    receipt: dict[str, Any] = answer.json()["receipt"]
    return receipt


async def test_fifty_concurrent_invoices_get_gapless_twenty_digit_numbers(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    if db.dialect() != "postgres":
        pytest.skip("concurrent writers are PostgreSQL's case; SQLite has one writer at a time")
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("alice")) for n in range(50)]
    )
    ids = sorted(await my_trip_ids(wx_client, alice))
    # Fifty requests for fifty different trips, and ten more for trips the fifty ask for:
    # the ten (or whichever requests lose each race) roll back and give their numbers back.
    wanted = [[trip] for trip in ids] + [[ids[5 * k]] for k in range(10)]

    answers = await asyncio.gather(
        *(
            wx_client.post(INVOICES, json={"trips": trips, "title": personal()}, headers=alice)
            for trips in wanted
        )
    )

    won = [a.json()["receipt"] for a in answers if a.status_code == 201]
    lost = [a for a in answers if a.status_code != 201]
    assert len(won) == 50 and len(lost) == 10
    assert {(a.status_code, error_code(a)) for a in lost} == {(409, "trips_already_invoiced")}
    numbers = sorted(receipt["number"] for receipt in won)
    assert numbers == [f"{PREFIX}{n:015d}" for n in range(1, 51)]
    assert all(isinstance(n, str) and len(n) == 20 for n in numbers)
    assert {receipt["code"] for receipt in won} == {""}
    stored = sorted(str(n) for n in await Receipt.all().values_list("number", flat=True))
    assert stored == numbers


async def test_old_and_new_invoices_both_open_verify_and_lock(
    wx_app: Starlette, wx_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.transit import invoices

    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("alice")) for n in range(2)]
    )
    first, second = sorted(await my_trip_ids(wx_client, alice))
    # An invoice as Piaojia issued them before 数电票: its 8-digit code and 10-digit number.
    monkeypatch.setattr(
        invoices, "invoice_numbering", lambda region, year: fiscal_numbering("44910026")
    )
    old = await _invoice(wx_client, alice, first)
    monkeypatch.undo()
    new = await _invoice(wx_client, alice, second)
    assert (old["code"], old["number"]) == ("44910026", "0000000001")
    assert (new["code"], new["number"]) == ("", f"{PREFIX}{1:015d}")
    party = await reimburser(wx_app)

    for receipt in (old, new):
        scan_path = receipt["scan_url"].removeprefix("https://piaojia.test")
        opened = await wx_client.get(scan_path, headers={"Accept": "application/json"})
        assert opened.status_code == 200, opened.text
        assert opened.json()["receipt"]["number"] == receipt["number"]
        verified = await wx_client.get(VERIFY, params=named(receipt))
        assert verified.status_code == 200, verified.text
        assert verified.json()["genuine"] is True
        assert (verified.json()["receipt"]["code"], verified.json()["receipt"]["number"]) == (
            receipt["code"],
            receipt["number"],
        )
        locked = await wx_client.post(LOCK, json=named(receipt), headers=party.headers)
        assert locked.status_code == 200, locked.text
        assert locked.json()["state"] == "locked"
        assert locked.json()["receipt"] == {"code": receipt["code"], "number": receipt["number"]}
        # The H5 page takes the QR code's link, which names a 数电票 by its number alone.
        page = await wx_client.get("/verify", params=named(receipt))
        assert page.status_code == 200 and receipt["number"] in page.text

    # The folder finds either by its number as printed.
    for receipt, typed in ((old, old["code"] + old["number"]), (new, new["number"])):
        found = await wx_client.get("/api/v1/folder/receipts", params={"q": typed}, headers=alice)
        assert found.status_code == 200, found.text
        assert [r["id"] for r in found.json()["receipts"]] == [receipt["id"]]


async def test_a_red_invoice_names_its_blue_one_and_its_confirmation(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(wx_client, operator, [trip_row(0, openid=demo_openid("alice"))])
    blue = await _invoice(wx_client, alice, (await my_trip_ids(wx_client, alice))[0])
    admin = await metro_admin(wx_app, operator)

    reversed_ = await wx_client.post(
        f"/api/v1/transit/invoices/{blue['id']}/reversal",
        json={"reason": "开票有误"},
        headers=admin.headers,
    )

    assert reversed_.status_code in (200, 201), reversed_.text
    red = reversed_.json()["receipt"]
    assert (red["code"], red["number"]) == ("", f"{PREFIX}{2:015d}")  # a new 数电票
    assert red["reverses"] == {"id": blue["id"], "code": "", "number": blue["number"]}
    detail = await TransitInvoice.get(receipt_id=red["id"])
    assert detail.red_confirmation == f"{PREFIX}{1:015d}"  # 红字确认单 numbers: a series apart


async def test_the_csv_keeps_all_twenty_digits(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(wx_client, operator, [trip_row(0, openid=demo_openid("alice"))])
    receipt = await _invoice(wx_client, alice, (await my_trip_ids(wx_client, alice))[0])
    admin = await metro_admin(wx_app, operator)

    exported = await wx_client.get("/api/v1/issuer/receipts.csv", headers=admin.headers)

    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    # Text, not a number: the apostrophe keeps a spreadsheet from reading 2.6442E+19.
    assert rows[0]["number"] == "'" + receipt["number"]
    assert rows[0]["number"].removeprefix("'") == f"{PREFIX}{1:015d}"
    assert rows[0]["code"] == ""


@pytest.mark.parametrize(
    ("elements", "problem"),
    [
        ({"number": "2644200000000000001"}, "19 digits"),
        ({"number": "264420000000000000001"}, "21 digits"),
        ({"number": "2644200000000000000\x001"}, "a NUL"),
        ({"number": "2644200000000000000A"}, "a letter"),
        ({"number": "２６４４２０００００００００００００００１"}, "full-width digits"),
        ({"number": "26442000000000000001", "code": "44910026"}, "a code on a 数电票"),
        ({"number": "0000000001"}, "a 10-digit number without its code"),
        ({"number": "0000000001", "code": "4491002"}, "a 7-digit code"),
    ],
)
async def test_malformed_numbers_get_a_4xx_answer(
    wx_app: Starlette, wx_client: httpx.AsyncClient, elements: dict[str, str], problem: str
) -> None:
    party = await reimburser(wx_app)
    body = {**elements, "check": "abc123"}

    answers = [
        await wx_client.get(VERIFY, params=body),
        await wx_client.post(LOCK, json=body, headers=party.headers),
        await wx_client.get("/verify", params=body),
    ]

    for answer in answers[:2]:
        assert 400 <= answer.status_code < 500, (problem, answer.text)
        assert answer.json()["error"]["code"] == "validation_failed", problem
    assert answers[2].status_code == 422, problem  # the H5 page asks to check the form
