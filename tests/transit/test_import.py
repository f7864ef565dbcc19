"""The operator's trip import: idempotent by trip reference, bad rows rejected one by one."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from backend.issuers.models import IssuerKind, StaffRole
from backend.transit.models import Trip
from tests.answers import error_code
from tests.factories import issuer_with_staff
from tests.transit.support import TRIPS, import_rows, metro, trip_row


async def test_a_batch_twice_changes_nothing_the_second_time(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    rows = [trip_row(n, openid="o6_bmjrPTlm6_2sgVt7hMZOPfL2M") for n in range(5)]
    bad_fare = trip_row(5, card="3101234567", fare="3.001")
    no_rider = trip_row(6, card="3101234567") | {"rider": {}}
    both = trip_row(7, card="3101234567") | {"rider": {"openid": "o1", "card": "3101234567"}}
    backwards = trip_row(8, card="3101234567")
    backwards["exit"], backwards["entry"] = backwards["entry"], backwards["exit"]
    free = trip_row(9, card="3101234567", fare="0.00")
    arrow = trip_row(10, card="3101234567")
    arrow["exit"]["station"] = "A→B"
    batch: list[Any] = [*rows, bad_fare, no_rider, both, backwards, free, arrow, "not a trip"]
    batch.append(rows[0])

    first = await import_rows(wx_client, operator, batch)

    assert first["new"] == 5
    assert first["duplicates"] == 1  # rows[0] sent twice in the batch
    assert [r["index"] for r in first["rejected"]] == [5, 6, 7, 8, 9, 10, 11]
    assert {r["code"] for r in first["rejected"]} == {"invalid_trip"}
    assert "fare" in first["rejected"][0]["message"]
    second = await import_rows(wx_client, operator, batch)
    assert (second["new"], second["duplicates"], len(second["rejected"])) == (0, 6, 7)
    assert await Trip.all().count() == 5
    stored = await Trip.get(ref="GZM-00000000")
    assert stored.fare_fen == 300
    assert stored.rider_openid == "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


async def test_ten_thousand_trips_per_call_at_most(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    rows = [trip_row(n, card="3101234567") for n in range(10_001)]

    refused = await wx_client.post(TRIPS, json={"trips": rows}, headers=operator.headers)

    assert (refused.status_code, error_code(refused)) == (422, "too_many_trips")
    assert await Trip.all().count() == 0
    accepted = await import_rows(wx_client, operator, rows[:10_000])
    assert accepted["new"] == 10_000
    assert await Trip.all().count() == 10_000


async def test_only_a_metro_operator_imports(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    hospital_operator = await issuer_with_staff(wx_app, StaffRole.OPERATOR)
    metro_admin = await issuer_with_staff(wx_app, StaffRole.ADMIN, kind=IssuerKind.TRANSIT)
    body = {"trips": [trip_row(1, card="3101234567")]}

    assert (await wx_client.post(TRIPS, json=body)).status_code == 401
    assert (await wx_client.post(TRIPS, json=body, headers=cashier.headers)).status_code == 403
    assert (await wx_client.post(TRIPS, json=body, headers=metro_admin.headers)).status_code == 403
    wrong_kind = await wx_client.post(TRIPS, json=body, headers=hospital_operator.headers)
    # The access rule refuses a hospital's key before the service sees it.
    assert (wrong_kind.status_code, error_code(wrong_kind)) == (403, "kind_not_allowed")
    malformed = await wx_client.post(
        TRIPS, content=b"{", headers={**cashier.headers, "content-type": "application/json"}
    )
    assert malformed.status_code in (400, 403)
    operator = await metro(wx_app)
    broken = await wx_client.post(
        TRIPS,
        content=b'{"trips": [',
        headers={**operator.headers, "content-type": "application/json"},
    )
    assert (broken.status_code, error_code(broken)) == (400, "malformed_json")
    assert await Trip.all().count() == 0
