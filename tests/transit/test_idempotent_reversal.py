"""50 retries of an operator's reversal with one Idempotency-Key, at once: one red invoice, the
trips freed once, and every retry gets the same 201 body."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.receipts.models import Receipt
from backend.transit.models import InvoicedTrip
from tests.transit.support import INVOICES, import_rows, metro, my_trip_ids, personal, trip_row
from tests.wechat import login


async def test_50_retries_of_a_reversal_get_the_same_answer(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("alice")) for n in range(3)]
    )
    ids = await my_trip_ids(wx_client, alice)
    invoice = await wx_client.post(
        INVOICES, json={"trips": ids, "title": personal()}, headers=alice
    )
    receipt_id = invoice.json()["receipt"]["id"]
    headers = operator.headers | {"Idempotency-Key": str(uuid.uuid4())}

    responses = await asyncio.gather(
        *(
            wx_client.post(
                f"/api/v1/transit/invoices/{receipt_id}/reversal",
                json={"reason": "乘客退款"},
                headers=headers,
            )
            for _ in range(50)
        )
    )

    assert [r.status_code for r in responses] == [201] * 50, {r.text for r in responses}
    assert len({r.content for r in responses}) == 1
    assert await Receipt.filter(reverses_id=receipt_id).count() == 1
    assert await InvoicedTrip.all().count() == 0
    assert sorted(await my_trip_ids(wx_client, alice)) == sorted(ids)
