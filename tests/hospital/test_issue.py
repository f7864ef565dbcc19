"""Issuing, reading, listing and reversing medical receipts over HTTP, on both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from starlette.applications import Starlette

from backend.app import create_app
from backend.config import Settings
from backend.issuers.models import StaffRole
from backend.outbox.models import OutboxMessage
from backend.receipts.models import LineItem, Receipt, ReceiptEvent
from tests.factories import issuer_with_staff, receipt_request, staff_of
from tests.lifespan import lifespan
from tests.rows import column

URL = "/api/v1/hospital/receipts"


async def test_issue_stores_and_answers_the_receipt(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    response = await client.post(URL, json=receipt_request(), headers=cashier.headers)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "medical"
    assert re.fullmatch(r"440601[0-9]{2}", body["code"])  # Guangdong, medical, outpatient, year
    assert body["number"] == "0000000001"
    assert re.fullmatch(r"[0-9a-z]{6}", body["check_code"])
    assert body["issued_at"].endswith("+08:00")
    assert body["total"] == "85.60"
    assert body["total_in_capitals"] == "捌拾伍元陆角整"
    assert body["payment"] == {
        "fund": "50.00",
        "other": "0.00",
        "account": "20.00",
        "cash": "15.60",
    }
    assert [item["amount"] for item in body["items"]] == ["25.60", "60.00"]
    assert body["status"] == "valid"
    assert body["payer"]["name"] == "张三"

    stored = await Receipt.get(id=body["id"])
    assert stored.total_fen == 8560 and stored.cash_fen == 1560
    assert await LineItem.filter(receipt_id=stored.id).count() == 2
    events = await column(ReceiptEvent.filter(receipt_id=stored.id).order_by("id"), "type")
    assert events == ["issued", "email_queued"]  # the payer gave an address: a copy is queued
    # Sent by the cashier at issue: the email says so rather than "you asked in 票夹".
    assert await column(OutboxMessage.filter(receipt_id=stored.id), "kind") == ["issued"]

    read = await client.get(f"{URL}/{body['id']}", headers=cashier.headers)
    assert read.status_code == 200
    assert read.json() == body


async def test_numbers_follow_on_per_issuer(app: Starlette, client: httpx.AsyncClient) -> None:
    first = await issuer_with_staff(app)
    second = await issuer_with_staff(app)
    numbers = []
    for actor in (first, first, second, first):
        response = await client.post(URL, json=receipt_request(), headers=actor.headers)
        numbers.append(response.json()["number"])
    assert numbers == ["0000000001", "0000000002", "0000000001", "0000000003"]


async def test_inpatient_receipts_have_their_own_code(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    visit = {
        "type": "inpatient",
        "number": "ZY001",
        "department": "外科",
        "start_date": "2026-11-20",
        "end_date": "2026-11-27",
    }
    response = await client.post(URL, json=receipt_request(visit=visit), headers=cashier.headers)
    assert response.status_code == 201, response.text
    assert response.json()["code"][4:6] == "02"
    assert response.json()["number"] == "0000000001"
    assert response.json()["visit"]["end_date"] == "2026-11-27"


async def test_totals_must_add_up(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    wrong_items = await client.post(
        URL, json=receipt_request(total="85.61"), headers=cashier.headers
    )
    assert wrong_items.status_code == 422
    assert wrong_items.json()["error"]["code"] == "amounts_do_not_add_up"
    assert "85.60" in wrong_items.json()["error"]["message"]

    split = {"fund": "50.00", "other": "0.00", "account": "20.00", "cash": "15.59"}
    wrong_split = await client.post(
        URL, json=receipt_request(payment=split), headers=cashier.headers
    )
    assert wrong_split.status_code == 422
    assert "payment split" in wrong_split.json()["error"]["message"]
    assert await Receipt.all().count() == 0


async def test_keys_and_roles(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    reimburser = await staff_of(app, cashier.issuer_id, StaffRole.REIMBURSER)

    missing = await client.post(URL, json=receipt_request())
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "missing_api_key"
    assert missing.headers["www-authenticate"].startswith("Bearer")

    unknown = await client.post(
        URL, json=receipt_request(), headers={"Authorization": "Bearer pj_nope"}
    )
    assert unknown.status_code == 401
    assert unknown.json()["error"]["code"] == "invalid_api_key"

    wrong_role = await client.post(URL, json=receipt_request(), headers=reimburser.headers)
    assert wrong_role.status_code == 403
    assert wrong_role.json()["error"]["code"] == "role_not_allowed"
    assert await Receipt.all().count() == 0


async def test_another_issuers_receipt_is_not_found(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    mine = await issuer_with_staff(app)
    theirs = await issuer_with_staff(app)
    issued = (await client.post(URL, json=receipt_request(), headers=theirs.headers)).json()

    for request in (
        client.get(f"{URL}/{issued['id']}", headers=mine.headers),
        client.post(f"{URL}/{issued['id']}/reversal", json={"reason": "x"}, headers=mine.headers),
    ):
        response = await request
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "receipt_not_found"
    listing = await client.get(URL, headers=mine.headers)
    assert listing.json()["receipts"] == []
    assert (await client.get(f"{URL}/not-a-uuid", headers=mine.headers)).status_code == 404


async def test_reversal_once_and_never_of_a_reversal(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    original = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()

    red = await client.post(
        f"{URL}/{original['id']}/reversal",
        json={"reason": "收费项目录入错误"},
        headers=cashier.headers,
    )
    assert red.status_code == 201, red.text
    red_body = red.json()
    assert red_body["total"] == "-85.60"
    assert red_body["total_in_capitals"] == "负捌拾伍元陆角整"
    assert [item["amount"] for item in red_body["items"]] == ["-25.60", "-60.00"]
    assert red_body["payment"]["fund"] == "-50.00"
    assert red_body["reverses"] == {
        "id": original["id"],
        "code": original["code"],
        "number": original["number"],
    }
    assert red_body["number"] == "0000000002"
    assert red_body["reversal_reason"] == "收费项目录入错误"

    now = (await client.get(f"{URL}/{original['id']}", headers=cashier.headers)).json()
    assert now["status"] == "reversed"
    assert now["reversed_by"]["id"] == red_body["id"]
    events = await column(ReceiptEvent.filter(receipt_id=original["id"]).order_by("id"), "type")
    assert events == ["issued", "email_queued", "reversed"]

    again = await client.post(
        f"{URL}/{original['id']}/reversal", json={"reason": "again"}, headers=cashier.headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_reversed"

    of_red = await client.post(
        f"{URL}/{red_body['id']}/reversal", json={"reason": "x"}, headers=cashier.headers
    )
    assert of_red.status_code == 409
    assert of_red.json()["error"]["code"] == "reversal_not_reversible"
    assert await Receipt.all().count() == 2


async def test_list_filters_and_pages(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    ids = []
    for name in ("张三", "李四", "张三丰", "王五", "张三"):
        payer = {"name": name} | (
            {"id_number": "440106199001011235", "phone": "+86 138-0013-8000"}
            if name == "李四"
            else {}
        )
        response = await client.post(
            URL, json=receipt_request(payer=payer), headers=cashier.headers
        )
        ids.append(response.json()["id"])
    await client.post(f"{URL}/{ids[1]}/reversal", json={"reason": "x"}, headers=cashier.headers)

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(URL, params=params, headers=cashier.headers)).json()
        seen += [r["id"] for r in page["receipts"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 6 and len(set(seen)) == 6
    assert seen[1:] == ids[::-1]  # newest first; the red receipt came last

    # Payer fields are sealed: a search is an exact match by keyed hash, of a whole name (as
    # people write it: full-width spaces and padding aside), an ID number or a phone number.
    by_name = (await client.get(URL, params={"payer": "张三"}, headers=cashier.headers)).json()
    assert [r["id"] for r in by_name["receipts"]] == [ids[4], ids[0]]
    padded = await client.get(URL, params={"payer": "\u3000张三 "}, headers=cashier.headers)
    assert [r["id"] for r in padded.json()["receipts"]] == [ids[4], ids[0]]
    for found_by in ("440106199001011235", "8613800138000", "+86 138 0013 8000"):
        page = (await client.get(URL, params={"payer": found_by}, headers=cashier.headers)).json()
        assert {r["payer_name"] for r in page["receipts"]} == {"李四"}, found_by
    nobody = await client.get(URL, params={"payer": "张"}, headers=cashier.headers)
    assert nobody.json()["receipts"] == []
    reversed_only = await client.get(URL, params={"status": "reversed"}, headers=cashier.headers)
    assert [r["id"] for r in reversed_only.json()["receipts"]] == [ids[1]]
    today = (
        await client.get(
            URL, params={"from": "2026-01-01", "to": "2099-12-31"}, headers=cashier.headers
        )
    ).json()
    assert len(today["receipts"]) == 6
    none = (await client.get(URL, params={"to": "2000-01-01"}, headers=cashier.headers)).json()
    assert none["receipts"] == []

    for bad in (
        {"limit": "0"},
        {"limit": "x"},
        {"status": "lost"},
        {"from": "yesterday"},
        {"cursor": "garbage!"},
        {"unknown": "1"},
    ):
        response = await client.get(URL, params=bad, headers=cashier.headers)
        assert response.status_code in (400, 422), (bad, response.text)
        assert response.json()["error"]["code"]


async def test_every_receipt_gets_an_unguessable_scan_url(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    first = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    second = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    prefix = "https://piaojia.test/s/"
    tokens = [r["scan_url"].removeprefix(prefix) for r in (first, second)]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", token) for token in tokens)
    assert tokens[0] != tokens[1]
    read = (await client.get(f"{URL}/{first['id']}", headers=cashier.headers)).json()
    assert read["scan_url"] == first["scan_url"]
    red = await client.post(
        f"{URL}/{first['id']}/reversal", json={"reason": "x"}, headers=cashier.headers
    )
    assert red.json()["scan_url"].startswith(prefix)
    assert red.json()["scan_url"] not in (first["scan_url"], second["scan_url"])


async def test_a_day_filter_means_the_day_in_china(settings: Settings) -> None:
    # 02:30 on 27 November in China is still 26 November in UTC.
    early = create_app(settings, clock=lambda: datetime(2026, 11, 26, 18, 30, tzinfo=UTC))
    async with lifespan(early):
        transport = httpx.ASGITransport(app=early)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            cashier = await issuer_with_staff(early)
            issued = (await http.post(URL, json=receipt_request(), headers=cashier.headers)).json()
            assert issued["issued_at"] == "2026-11-27T02:30:00+08:00"
            for day, expected in (("2026-11-27", [issued["id"]]), ("2026-11-26", [])):
                listed = await http.get(
                    URL, params={"from": day, "to": day}, headers=cashier.headers
                )
                assert [r["id"] for r in listed.json()["receipts"]] == expected, day
