"""Fifty concurrent invoice requests over overlapping trips: never one trip on two valid
invoices; each request either gets its invoice or a 409 naming trips another one took."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette

from backend import db
from backend.auth.standin import demo_openid
from backend.receipts.models import Receipt, ReceiptStatus
from backend.transit.models import InvoicedTrip, TransitInvoiceLine
from tests.answers import error_code
from tests.transit.support import (
    INVOICES,
    import_rows,
    metro,
    my_trip_ids,
    personal,
    trip_row,
)
from tests.wechat import login


async def test_overlapping_requests_never_share_a_trip(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    if db.dialect() != "postgres":
        pytest.skip("concurrent writers are PostgreSQL's case; SQLite has one writer at a time")
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("alice")) for n in range(40)]
    )
    ids = sorted(await my_trip_ids(wx_client, alice))
    # Request i asks for five consecutive trips starting at a step of 3: neighbours overlap.
    wanted = [[ids[(3 * i + k) % len(ids)] for k in range(5)] for i in range(50)]

    answers = await asyncio.gather(
        *(
            wx_client.post(INVOICES, json={"trips": trips, "title": personal()}, headers=alice)
            for trips in wanted
        )
    )

    won = [(trips, a) for trips, a in zip(wanted, answers, strict=True) if a.status_code == 201]
    lost = [(trips, a) for trips, a in zip(wanted, answers, strict=True) if a.status_code != 201]
    assert won
    for trips, answer in lost:
        assert (answer.status_code, error_code(answer)) == (409, "trips_already_invoiced")
        named = answer.json()["error"]["trips"]
        assert named and set(named) <= set(trips)
    on_valid = await TransitInvoiceLine.filter(
        receipt__status=ReceiptStatus.VALID, receipt__reverses_id=None
    ).values_list("trip_id", flat=True)
    assert len(on_valid) == len(set(on_valid)) == 5 * len(won)
    assert await InvoicedTrip.all().count() == len(on_valid)
    assert await Receipt.all().count() == len(won)
    numbers = sorted(str(n) for n in await Receipt.all().values_list("number", flat=True))
    # 数电票 numbers, gapless despite the losers.
    assert numbers == [f"26442{n:015d}" for n in range(1, len(won) + 1)]
    claimed = [set(trips) for trips, _ in won]
    assert sum(len(c) for c in claimed) == len(set().union(*claimed))


async def test_the_database_refuses_what_the_check_let_through(
    wx_app: Starlette, wx_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.transit import invoices

    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    await import_rows(
        wx_client, operator, [trip_row(n, openid=demo_openid("alice")) for n in range(3)]
    )
    a, b, c = sorted(await my_trip_ids(wx_client, alice))
    assert (
        await wx_client.post(INVOICES, json={"trips": [a, b], "title": personal()}, headers=alice)
    ).status_code == 201
    real = invoices._refuse_invoiced
    calls = 0

    async def blind_first_check(conn: object, ids: list[int]) -> None:
        # As if a concurrent request committed right after this one's check.
        nonlocal calls
        calls += 1
        if calls > 1:
            await real(None, ids)

    monkeypatch.setattr(invoices, "_refuse_invoiced", blind_first_check)

    raced = await wx_client.post(
        INVOICES, json={"trips": [b, c], "title": personal()}, headers=alice
    )

    assert (raced.status_code, error_code(raced)) == (409, "trips_already_invoiced")
    assert raced.json()["error"]["trips"] == [b]
    assert await Receipt.all().count() == 1
    assert await InvoicedTrip.all().count() == 2
    monkeypatch.setattr(invoices, "_refuse_invoiced", real)
    later = await wx_client.post(INVOICES, json={"trips": [c], "title": personal()}, headers=alice)
    # The rolled-back number came back.
    assert later.json()["receipt"]["number"] == "26442000000000000002"
