"""Listing the folder with filters and cursor pages, and its totals per month and kind."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from tests.clock import FakeClock
from tests.factories import issuer_with_staff
from tests.folder.support import issue, issue_transit, reverse, scan_token
from tests.wechat import login

FOLDER = "/api/v1/folder/receipts"
TOTALS = "/api/v1/folder/totals"
EARLIEST_CURSOR = base64.urlsafe_b64encode(
    f"0001-01-01T00:00:00+01:00|{uuid.UUID(int=0)}".encode()
).decode()


async def listed(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    response = await client.get(FOLDER, params=params, headers=headers)
    assert response.status_code == 200, response.text
    receipts: list[dict[str, Any]] = response.json()["receipts"]
    return receipts


async def keep(client: httpx.AsyncClient, headers: dict[str, str], token: str) -> None:
    response = await client.post(FOLDER, json={"scan_token": token}, headers=headers)
    assert response.status_code == 201, response.text


async def test_pages_cover_the_folder_once_newest_first(
    wx_app: Starlette, wx_client: httpx.AsyncClient, clock: FakeClock
) -> None:
    cashier = await issuer_with_staff(wx_app)
    alice = await login(wx_client, "demo-alice")
    issued = []
    for n in range(7):
        # Two receipts share each second, so the cursor must break ties by id.
        if n % 2 == 0:
            clock.advance(timedelta(seconds=1))
        receipt = await issue(wx_client, cashier)
        issued.append(receipt)
        await keep(wx_client, alice, scan_token(receipt))
    someone_else = await login(wx_client, "demo-bob")
    await keep(wx_client, someone_else, scan_token(await issue(wx_client, cashier)))

    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await wx_client.get(FOLDER, params=params, headers=alice)).json()
        assert len(page["receipts"]) <= 3
        seen += page["receipts"]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sorted(r["id"] for r in seen) == sorted(r["id"] for r in issued)
    order = [(r["issued_at"], r["id"]) for r in seen]
    assert order == sorted(order, reverse=True)


async def test_filters_by_kind_issuer_dates_and_status(
    wx_app: Starlette, wx_client: httpx.AsyncClient, clock: FakeClock
) -> None:
    first = await issuer_with_staff(wx_app, name="第一医院")
    second = await issuer_with_staff(wx_app, name="第二医院")
    alice = await login(wx_client, "demo-alice")
    november = await issue(wx_client, first)  # 2026-11-27, China time
    clock.advance(timedelta(days=5))
    december = await issue(wx_client, second)  # 2026-12-02
    transit_token = await issue_transit(wx_app, 300)
    for token in (scan_token(november), scan_token(december), transit_token):
        await keep(wx_client, alice, token)
    await reverse(wx_client, first, november["id"])

    def ids(receipts: list[dict[str, Any]]) -> set[str]:
        return {r["id"] for r in receipts}

    assert len(await listed(wx_client, alice)) == 3
    assert ids(await listed(wx_client, alice, kind="medical")) == {november["id"], december["id"]}
    assert [r["kind"] for r in await listed(wx_client, alice, kind="transit")] == ["transit"]
    by_issuer = await listed(wx_client, alice, issuer=str(first.issuer_id))
    assert ids(by_issuer) == {november["id"]}
    assert ids(await listed(wx_client, alice, to="2026-11-30")) == {november["id"]}
    in_december = await listed(wx_client, alice, **{"from": "2026-12-01", "to": "2026-12-02"})
    assert november["id"] not in ids(in_december) and december["id"] in ids(in_december)
    assert ids(await listed(wx_client, alice, status="reversed")) == {november["id"]}
    assert november["id"] not in ids(await listed(wx_client, alice, status="valid"))


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"cursor": "not-a-cursor"}, 400, "invalid_cursor"),
        ({"cursor": "MjAyNi0xMS0yN3x4"}, 400, "invalid_cursor"),  # "2026-11-27|x"
        # "0001-01-01T00:00:00+01:00|<uuid>": before the first UTC moment there is
        ({"cursor": EARLIEST_CURSOR}, 400, "invalid_cursor"),
        ({"cursor": "中文"}, 400, "invalid_cursor"),
        ({"limit": "0"}, 422, "validation_failed"),
        ({"limit": "201"}, 422, "validation_failed"),
        ({"kind": "parking"}, 422, "validation_failed"),
        ({"status": "lost"}, 422, "validation_failed"),
        ({"issuer": "not-a-uuid"}, 422, "validation_failed"),
        ({"from": "2026-13-01"}, 422, "validation_failed"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, 422, "validation_failed"),
        # No reimbursement state exists yet; the filter is refused rather than ignored.
        ({"reimbursed": "true"}, 422, "validation_failed"),
    ],
)
async def test_bad_list_queries_are_4xx(
    wx_client: httpx.AsyncClient, params: dict[str, str], status: int, code: str
) -> None:
    alice = await login(wx_client, "demo-alice")

    response = await wx_client.get(FOLDER, params=params, headers=alice)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


async def test_totals_per_month_and_kind_count_standing_receipts_only(
    wx_app: Starlette, wx_client: httpx.AsyncClient, clock: FakeClock
) -> None:
    cashier = await issuer_with_staff(wx_app)
    clock.advance(timedelta(days=3, hours=14))  # 2026-12-01 00:00 China time, 11-30 in UTC
    first_of_december = await issue(wx_client, cashier)
    second = await issue(
        wx_client,
        cashier,
        total="60.00",
        items=[
            {
                "category": "检查费",
                "name": "血常规",
                "quantity": "1",
                "unit": "次",
                "amount": "60.00",
            }
        ],
        payment={"fund": "0.00", "other": "0.00", "account": "0.00", "cash": "60.00"},
    )
    clock.advance(timedelta(days=31))  # 2027-01-01 00:00 China time, still 2026 in UTC
    january = await issue(wx_client, cashier)
    reversed_one = await issue(wx_client, cashier)
    transit_token = await issue_transit(wx_app, 300)
    alice = await login(wx_client, "demo-alice")  # sessions last 30 days
    for receipt in (first_of_december, second, january, reversed_one):
        await keep(wx_client, alice, scan_token(receipt))
    await keep(wx_client, alice, transit_token)
    red = await reverse(wx_client, cashier, reversed_one["id"])
    await keep(wx_client, alice, scan_token(red))

    totals = (await wx_client.get(TOTALS, headers=alice)).json()

    assert totals["count"] == 4  # the reversed receipt and its red receipt are left out
    assert totals["total"] == "234.20"
    assert totals["by_month"] == [
        {"month": "2026-12", "count": 2, "total": "145.60"},
        {"month": "2027-01", "count": 2, "total": "88.60"},
    ]
    assert totals["by_kind"] == [
        {"kind": "medical", "count": 3, "total": "231.20"},
        {"kind": "transit", "count": 1, "total": "3.00"},
    ]
    medical_2027 = await wx_client.get(
        TOTALS, params={"kind": "medical", "from": "2027-01-01"}, headers=alice
    )
    assert medical_2027.json()["by_month"] == [{"month": "2027-01", "count": 1, "total": "85.60"}]


async def test_an_empty_folder_has_zero_totals(wx_client: httpx.AsyncClient) -> None:
    alice = await login(wx_client, "demo-alice")

    totals = (await wx_client.get(TOTALS, headers=alice)).json()

    assert totals == {"count": 0, "total": "0.00", "by_month": [], "by_kind": []}
