"""A transit invoice a reimbursing party holds is neither reversed by the operator nor
re-issued by the rider: locked, not until it is unlocked; closed, never. Nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.receipts.models import Receipt, ReceiptStatus
from backend.transit.models import InvoicedTrip
from tests.transit.support import INVOICES, import_rows, metro, my_trip_ids, personal, trip_row
from tests.verify.support import ref, reimburser
from tests.wechat import login

LOCK = "/api/v1/reimbursements/lock"
UNLOCK = "/api/v1/reimbursements/unlock"
CLOSE = "/api/v1/reimbursements/close"


def reversal(invoice: dict[str, Any]) -> str:
    return f"/api/v1/transit/invoices/{invoice['receipt']['id']}/reversal"


def reissue(invoice: dict[str, Any]) -> str:
    return f"{INVOICES}/{invoice['receipt']['id']}/reissue"


async def test_a_claimed_invoice_is_neither_reversed_nor_reissued(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    rows = [trip_row(n, openid=demo_openid("alice")) for n in range(4)]
    await import_rows(wx_client, operator, rows)
    ids = await my_trip_ids(wx_client, alice)
    first = await wx_client.post(
        INVOICES, json={"trips": ids[:2], "title": personal()}, headers=alice
    )
    second = await wx_client.post(
        INVOICES, json={"trips": ids[2:], "title": personal()}, headers=alice
    )
    one, two = first.json(), second.json()
    party = await reimburser(wx_app)

    for invoice in (one, two):
        locked = await wx_client.post(LOCK, json=ref(invoice["receipt"]), headers=party.headers)
        assert locked.status_code == 200, locked.text
    await wx_client.post(CLOSE, json=ref(two["receipt"]), headers=party.headers)

    for invoice, code in ((one, "receipt_claimed_locked"), (two, "receipt_claimed_closed")):
        by_operator = await wx_client.post(
            reversal(invoice), json={"reason": "乘客退款"}, headers=operator.headers
        )
        assert by_operator.status_code == 409, by_operator.text
        assert by_operator.json()["error"]["code"] == code
        by_rider = await wx_client.post(reissue(invoice), json={"title": personal()}, headers=alice)
        assert by_rider.status_code == 409, by_rider.text
        assert by_rider.json()["error"]["code"] == code
        assert "不能冲红" in by_rider.json()["error"]["message"]
    # Both invoices still valid, their trips still on them, no red receipt, no new invoice.
    assert await Receipt.filter(status=ReceiptStatus.VALID).count() == 2
    assert await Receipt.all().count() == 2
    assert await InvoicedTrip.all().count() == 4

    unlocked = await wx_client.post(UNLOCK, json=ref(one["receipt"]), headers=party.headers)
    assert unlocked.status_code == 200
    again = await wx_client.post(reissue(one), json={"title": personal("李四")}, headers=alice)
    assert again.status_code == 201, again.text
