"""Riders invoice their trips: once, with a checked title, within the issuer's limits; an
operator's reversal frees the trips; a re-issue corrects the title in one step."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.folder.models import FolderEntry
from backend.issuers.credit_code import check_character
from backend.receipts.models import LineItem, Receipt, ReceiptStatus
from backend.transit.models import InvoicedTrip, TransitInvoice, TransitInvoiceLine
from tests.answers import error_code
from tests.transit.support import (
    CARDS,
    INVOICES,
    MY_TRIPS,
    bind_body,
    import_rows,
    metro,
    metro_admin,
    my_trip_ids,
    personal,
    trip_row,
)
from tests.wechat import login

FOLDER = "/api/v1/folder/receipts"


def company_code(serial: int = 7) -> str:
    first17 = f"91440101MA{serial:07d}"
    return first17 + check_character(first17)


async def nothing_written() -> None:
    assert await Receipt.all().count() == 0
    assert await InvoicedTrip.all().count() == 0
    assert await TransitInvoice.all().count() == 0
    assert await FolderEntry.all().count() == 0


async def test_a_rider_invoices_ten_trips_once(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    rows = [trip_row(n, openid=demo_openid("alice")) for n in range(12)]
    assert (await import_rows(wx_client, operator, rows))["new"] == 12
    ids = await my_trip_ids(wx_client, alice)
    assert len(ids) == 12
    chosen = ids[:10]

    issued = await wx_client.post(
        INVOICES, json={"trips": chosen, "title": personal()}, headers=alice
    )

    assert issued.status_code == 201, issued.text
    invoice = issued.json()
    assert invoice["receipt"]["kind"] == "transit"
    assert invoice["receipt"]["code"] == ""  # a 数电票 has no 发票代码
    assert invoice["receipt"]["number"] == "26442000000000000001"  # 26 年, 44 广东, channel 2
    assert invoice["receipt"]["scan_url"].startswith("https://piaojia.test/s/")
    assert invoice["receipt"]["total"] == "30.00"
    assert invoice["receipt"]["payer"]["name"] == "张三"
    # 30.00 at 9%: tax = round(3000 × 9 / 109) = 248 fen, net 27.52.
    assert (invoice["tax_rate"], invoice["net"], invoice["tax"]) == ("9%", "27.52", "2.48")
    assert sorted(line["trip_id"] for line in invoice["lines"]) == sorted(chosen)
    assert sum(int(line["tax"].replace(".", "")) for line in invoice["lines"]) == 248
    items = invoice["receipt"]["items"]
    assert items[0]["category"] == "*运输服务*客运服务费"
    assert items[0]["name"].endswith("体育西路→珠江新城")
    scan_path = invoice["receipt"]["scan_url"].removeprefix("https://piaojia.test")
    scanned = (await wx_client.get(scan_path, headers={"Accept": "application/json"})).json()
    assert (scanned["receipt"]["kind"], scanned["receipt"]["total"]) == ("transit", "30.00")
    assert scanned["receipt"]["payer"]["name"] == "张*"
    assert [i["name"] for i in scanned["receipt"]["items"]] == [i["name"] for i in items]
    page = (await wx_client.get(scan_path, headers={"Accept": "text/html"})).text
    assert "电子发票（普通发票）" in page and "购买方 张*" in page
    assert "医疗收费" not in page and "医保统筹基金支付" not in page
    folder = await wx_client.get(FOLDER, headers=alice)
    assert [r["id"] for r in folder.json()["receipts"]] == [invoice["receipt"]["id"]]
    assert sorted(await my_trip_ids(wx_client, alice)) == sorted(ids[10:])

    for trip in chosen:
        again = await wx_client.post(
            INVOICES, json={"trips": [trip, ids[10]], "title": personal()}, headers=alice
        )
        assert again.status_code == 409
        assert error_code(again) == "trips_already_invoiced"
        assert again.json()["error"]["trips"] == [trip]
    assert await Receipt.all().count() == 1
    assert await InvoicedTrip.all().count() == 10


async def test_company_title_needs_a_valid_credit_code(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(wx_client, operator, [trip_row(1, openid=demo_openid("alice"))])
    ids = await my_trip_ids(wx_client, alice)
    good = company_code()
    bad = good[:17] + ("0" if good[17] != "0" else "1")

    for title in (
        {"kind": "company", "name": "广州某某科技有限公司", "tax_id": bad},
        {"kind": "company", "name": "广州某某科技有限公司"},
        {"kind": "personal", "name": "张三", "tax_id": good},
    ):
        refused = await wx_client.post(INVOICES, json={"trips": ids, "title": title}, headers=alice)
        assert refused.status_code == 422, refused.text
        assert error_code(refused) == "invalid_title"
    await nothing_written()

    title = {"kind": "company", "name": "广州某某科技有限公司", "tax_id": good.lower()}
    issued = await wx_client.post(INVOICES, json={"trips": ids, "title": title}, headers=alice)
    assert issued.status_code == 201
    assert issued.json()["buyer"] == {"kind": "company", "name": title["name"], "tax_id": good}


async def test_bad_requests_write_nothing(wx_app: Starlette, wx_client: httpx.AsyncClient) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    bob = await login(wx_client, "demo-bob")
    rows = [trip_row(n, openid=demo_openid("alice")) for n in range(51)]
    rows.append(trip_row(100, openid=demo_openid("alice"), days_ago=181))
    rows.append(trip_row(101, openid=demo_openid("bob")))
    await import_rows(wx_client, operator, rows)
    alice_ids = await my_trip_ids(wx_client, alice)
    (bob_trip,) = await my_trip_ids(wx_client, bob)
    old = [t for t in alice_ids if t not in alice_ids[:51]]
    recent = [t for t in alice_ids if t not in old]
    assert len(old) == 1 and len(recent) == 51

    cases = [
        ({"trips": [], "title": personal()}, 422, "trip_count_out_of_range"),
        ({"trips": recent, "title": personal()}, 422, "trip_count_out_of_range"),
        (
            {"trips": list(range(10**6, 10**6 + 501)), "title": personal()},
            422,
            "trip_count_out_of_range",
        ),
        ({"trips": [recent[0], recent[0]], "title": personal()}, 422, "duplicate_trips"),
        ({"trips": [recent[0], bob_trip], "title": personal()}, 404, "trips_not_found"),
        ({"trips": [recent[0], 987654321], "title": personal()}, 404, "trips_not_found"),
        ({"trips": [recent[0], old[0]], "title": personal()}, 422, "trips_outside_window"),
        ({"trips": [recent[0]], "title": {"kind": "personal"}}, 422, "validation_failed"),
        ({"trips": "all", "title": personal()}, 422, "validation_failed"),
    ]
    for body, status, code in cases:
        refused = await wx_client.post(INVOICES, json=body, headers=alice)
        assert (refused.status_code, error_code(refused)) == (status, code), (body, refused.text)
    not_found = await wx_client.post(
        INVOICES, json={"trips": [bob_trip], "title": personal()}, headers=alice
    )
    assert not_found.json()["error"]["trips"] == [bob_trip]
    anonymous = await wx_client.post(INVOICES, json={"trips": [recent[0]], "title": personal()})
    assert anonymous.status_code == 401
    await nothing_written()


async def test_trips_under_a_bound_card_are_the_riders(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    bob = await login(wx_client, "demo-bob")
    rows = [trip_row(n, card="3101234567") for n in range(3)]
    await import_rows(wx_client, operator, rows)
    assert await my_trip_ids(wx_client, alice) == []

    bound = await wx_client.post(CARDS, json=bind_body("3101234567", rows[0]), headers=alice)
    assert bound.status_code == 201
    again = await wx_client.post(CARDS, json=bind_body("3101234567", rows[1]), headers=alice)
    assert again.status_code == 200
    taken = await wx_client.post(CARDS, json=bind_body("3101234567", rows[2]), headers=bob)
    assert (taken.status_code, error_code(taken)) == (409, "card_bound_elsewhere")
    bad = await wx_client.post(CARDS, json=bind_body("31-01", rows[0]), headers=alice)
    assert bad.status_code == 422
    cards = await wx_client.get(CARDS, headers=alice)
    assert [c["card"] for c in cards.json()["cards"]] == ["3101234567"]

    ids = await my_trip_ids(wx_client, alice)
    assert len(ids) == 3
    assert await my_trip_ids(wx_client, bob) == []
    issued = await wx_client.post(INVOICES, json={"trips": ids, "title": personal()}, headers=alice)
    assert issued.status_code == 201


async def test_listing_pages_and_dates(wx_app: Starlette, wx_client: httpx.AsyncClient) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    rows = [trip_row(n, openid=demo_openid("alice"), days_ago=n // 5 + 1) for n in range(15)]
    await import_rows(wx_client, operator, rows)

    first = await wx_client.get(MY_TRIPS, params={"limit": 4}, headers=alice)
    assert len(first.json()["trips"]) == 4
    assert sorted(await my_trip_ids(wx_client, alice)) == sorted(
        set(await my_trip_ids(wx_client, alice))
    )
    assert len(await my_trip_ids(wx_client, alice)) == 15
    one_day = await wx_client.get(
        MY_TRIPS, params={"from": "2026-11-25", "to": "2026-11-25"}, headers=alice
    )
    assert len(one_day.json()["trips"]) == 5
    assert all(t["exit"]["at"].startswith("2026-11-25") for t in one_day.json()["trips"])
    broken = await wx_client.get(MY_TRIPS, params={"cursor": "nonsense"}, headers=alice)
    assert (broken.status_code, error_code(broken)) == (400, "invalid_cursor")


async def test_reversal_frees_the_trips_and_reissue_corrects_the_title(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("alice")) for n in range(3)]
    )
    ids = await my_trip_ids(wx_client, alice)
    first = (
        await wx_client.post(INVOICES, json={"trips": ids, "title": personal("张3")}, headers=alice)
    ).json()

    reissued = await wx_client.post(
        f"{INVOICES}/{first['receipt']['id']}/reissue", json={"title": personal()}, headers=alice
    )

    assert reissued.status_code == 201, reissued.text
    second = reissued.json()
    assert second["buyer"]["name"] == "张三"
    assert sorted(line["trip_id"] for line in second["lines"]) == sorted(ids)
    original = await Receipt.get(id=first["receipt"]["id"])
    assert original.status == ReceiptStatus.REVERSED
    assert set(await InvoicedTrip.all().values_list("receipt_id", flat=True)) == {
        original.id.__class__(second["receipt"]["id"])
    }
    # Original, its red reversal and the new invoice are all in the folder.
    assert await FolderEntry.all().count() == 3
    stale = await wx_client.post(
        f"{INVOICES}/{first['receipt']['id']}/reissue", json={"title": personal()}, headers=alice
    )
    assert (stale.status_code, error_code(stale)) == (409, "invoice_not_valid")

    # Bob cannot touch Alice's invoice; a hospital cashier cannot reverse it.
    bob = await login(wx_client, "demo-bob")
    foreign = await wx_client.post(
        f"{INVOICES}/{second['receipt']['id']}/reissue", json={"title": personal()}, headers=bob
    )
    assert (foreign.status_code, error_code(foreign)) == (404, "invoice_not_found")

    reversed_ = await wx_client.post(
        f"/api/v1/transit/invoices/{second['receipt']['id']}/reversal",
        json={"reason": "乘客退款"},
        headers=operator.headers,
    )
    assert reversed_.status_code == 201, reversed_.text
    red = reversed_.json()
    assert red["receipt"]["total"] == "-9.00"
    assert red["receipt"]["reverses"]["id"] == second["receipt"]["id"]
    assert red["tax"] == "-" + second["tax"]
    assert await InvoicedTrip.all().count() == 0
    assert sorted(await my_trip_ids(wx_client, alice)) == sorted(ids)
    twice = await wx_client.post(
        f"/api/v1/transit/invoices/{second['receipt']['id']}/reversal",
        json={"reason": "乘客退款"},
        headers=operator.headers,
    )
    assert (twice.status_code, error_code(twice)) == (409, "already_reversed")

    third = await wx_client.post(INVOICES, json={"trips": ids, "title": personal()}, headers=alice)
    assert third.status_code == 201
    valid_lines = await TransitInvoiceLine.filter(
        receipt__status=ReceiptStatus.VALID, receipt__reverses_id=None
    ).values_list("trip_id", flat=True)
    assert sorted(int(str(t)) for t in valid_lines) == sorted(ids)


async def test_the_issuers_tax_setting_and_figures(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    admin = await metro_admin(wx_app, operator)
    alice = await login(wx_client, "demo-alice")
    await import_rows(
        wx_client,
        operator,
        [trip_row(n, openid=demo_openid("alice"), fare="0.01") for n in range(4)],
    )
    not_admin = await wx_client.put(
        "/api/v1/transit/settings", json={"tax_rate": "3%"}, headers=operator.headers
    )
    assert not_admin.status_code == 403
    changed = await wx_client.put(
        "/api/v1/transit/settings",
        json={"tax_rate": "3%", "max_trips": 3, "window_days": 30},
        headers=admin.headers,
    )
    assert changed.json() == {"tax_rate": "3%", "max_trips": 3, "window_days": 30}
    ids = await my_trip_ids(wx_client, alice)

    too_many = await wx_client.post(
        INVOICES, json={"trips": ids, "title": personal()}, headers=alice
    )
    assert error_code(too_many) == "trip_count_out_of_range"
    assert too_many.json()["error"]["maximum"] == 3  # what a client needs to say so
    issued = (
        await wx_client.post(INVOICES, json={"trips": ids[:3], "title": personal()}, headers=alice)
    ).json()
    # 3 fen at 3%: tax round(0.087) = 0.
    assert (issued["tax_rate"], issued["net"], issued["tax"]) == ("3%", "0.03", "0.00")
    title = {"kind": "company", "name": "某公司", "tax_id": company_code()}
    await wx_client.post(INVOICES, json={"trips": ids[3:], "title": title}, headers=alice)

    stats = await wx_client.get(
        "/api/v1/transit/stats",
        params={"from": "2026-11-27", "to": "2026-11-27"},
        headers=operator.headers,
    )
    assert stats.status_code == 200, stats.text
    assert stats.json() == {
        "days": [{"day": "2026-11-27", "imported": 4, "invoiced": 4}],
        "imported": 4,
        "invoiced": 4,
        "invoiced_share": 1.0,
        "invoices_by_title": {"personal": 1, "company": 1},
    }
    lines = await LineItem.filter(receipt_id=issued["receipt"]["id"]).count()
    assert lines == 3
