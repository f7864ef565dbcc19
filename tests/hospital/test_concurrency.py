"""Gapless numbering and idempotency under concurrent requests, on both databases."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette

from backend.idempotency.models import IdempotencyRecord
from backend.receipts.models import Receipt
from tests.factories import issuer_with_staff, receipt_request
from tests.rows import column

URL = "/api/v1/hospital/receipts"


async def test_200_receipts_from_20_clients_are_numbered_without_gaps(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)

    async def one_client() -> list[str]:
        numbers = []
        for _ in range(10):
            response = await client.post(URL, json=receipt_request(), headers=cashier.headers)
            assert response.status_code == 201, response.text
            numbers.append(response.json()["number"])
        return numbers

    results = await asyncio.gather(*(one_client() for _ in range(20)))
    numbers = sorted(int(n) for batch in results for n in batch)
    assert numbers == list(range(1, 201))
    stored = await Receipt.filter(issuer_id=cashier.issuer_id).values_list("number", "issued_at")
    assert sorted(int(n) for n, _ in stored) == list(range(1, 201))
    by_number = [issued_at for _, issued_at in sorted(stored)]
    assert by_number == sorted(by_number)  # a later number is never issued earlier


async def test_same_idempotency_key_ten_times_at_once_gives_one_receipt(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    headers = cashier.headers | {"Idempotency-Key": "9b1f6a1e-6e0f-4a53-8f2e-000000000001"}
    responses = await asyncio.gather(
        *(client.post(URL, json=receipt_request(), headers=headers) for _ in range(10))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1  # the very same body, byte for byte
    assert await Receipt.all().count() == 1
    assert await IdempotencyRecord.all().count() == 1

    later = await client.post(URL, json=receipt_request(), headers=headers)
    assert later.status_code == 201 and later.content == responses[0].content

    next_one = await client.post(URL, json=receipt_request(), headers=cashier.headers)
    assert next_one.json()["number"] == "0000000002"  # the nine losers gave their numbers back


async def test_same_key_with_another_body_is_a_conflict(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    headers = cashier.headers | {"Idempotency-Key": "order-42"}
    first = await client.post(URL, json=receipt_request(), headers=headers)
    assert first.status_code == 201
    payer = {"name": "李四"}
    other = await client.post(URL, json=receipt_request(payer=payer), headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert await Receipt.all().count() == 1


async def test_keys_belong_to_their_staff_and_failures_are_not_stored(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    one = await issuer_with_staff(app)
    two = await issuer_with_staff(app)
    key = {"Idempotency-Key": "shared-key"}
    failed = await client.post(URL, json=receipt_request(total="1.00"), headers=one.headers | key)
    assert failed.status_code == 422
    fixed = await client.post(URL, json=receipt_request(), headers=one.headers | key)
    assert fixed.status_code == 201
    other = await client.post(URL, json=receipt_request(), headers=two.headers | key)
    assert other.status_code == 201
    assert other.json()["id"] != fixed.json()["id"]

    bad_key = await client.post(
        URL, json=receipt_request(), headers=one.headers | {"Idempotency-Key": "x" * 256}
    )
    assert bad_key.status_code == 400
    assert bad_key.json()["error"]["code"] == "invalid_idempotency_key"


async def test_concurrent_reversals_reverse_once(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    original = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    responses = await asyncio.gather(
        *(
            client.post(
                f"{URL}/{original['id']}/reversal",
                json={"reason": "重复收费"},
                headers=cashier.headers,
            )
            for _ in range(8)
        )
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7
    assert await Receipt.filter(reverses_id=original["id"]).count() == 1
    numbers = sorted(await column(Receipt.all(), "number"))
    assert numbers == ["0000000001", "0000000002"]
