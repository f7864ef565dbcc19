"""Retries with one Idempotency-Key get the first answer, byte for byte, also while the first
request is still running: 50 at once, for issuing and for reversing, on both databases."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.backends.base.client import BaseDBAsyncClient

from backend.errors import Conflict
from backend.idempotency.errors import IdempotencyKeyInProgress
from backend.idempotency.models import IdempotencyRecord
from backend.idempotency.services import Answer, IdempotencyService
from backend.issuers.models import Staff
from backend.receipts.models import Receipt
from tests.factories import issuer_with_staff, receipt_request

URL = "/api/v1/hospital/receipts"
RETRIES = 50


async def test_50_retries_of_an_issue_at_once_get_the_same_201(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    headers = cashier.headers | {"Idempotency-Key": str(uuid.uuid4())}
    responses = await asyncio.gather(
        *(client.post(URL, json=receipt_request(), headers=headers) for _ in range(RETRIES))
    )
    assert [r.status_code for r in responses] == [201] * RETRIES, {r.text for r in responses}
    assert len({r.content for r in responses}) == 1
    assert await Receipt.all().count() == 1
    assert await IdempotencyRecord.all().count() == 1


async def test_50_retries_of_a_reversal_at_once_get_the_same_201(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    original = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    headers = cashier.headers | {"Idempotency-Key": str(uuid.uuid4())}
    responses = await asyncio.gather(
        *(
            client.post(
                f"{URL}/{original['id']}/reversal", json={"reason": "重复收费"}, headers=headers
            )
            for _ in range(RETRIES)
        )
    )
    assert [r.status_code for r in responses] == [201] * RETRIES, {r.text for r in responses}
    assert len({r.content for r in responses}) == 1
    assert await Receipt.filter(reverses_id=original["id"]).count() == 1
    # A later retry still gets that answer; another key gets the reversal's own conflict.
    later = await client.post(
        f"{URL}/{original['id']}/reversal", json={"reason": "重复收费"}, headers=headers
    )
    assert later.content == responses[0].content
    other = await client.post(
        f"{URL}/{original['id']}/reversal",
        json={"reason": "重复收费"},
        headers=cashier.headers | {"Idempotency-Key": "another"},
    )
    assert other.status_code == 409 and other.json()["error"]["code"] == "already_reversed"


async def _staff(app: Starlette) -> Staff:
    actor = await issuer_with_staff(app)
    staff = await Staff.filter(issuer_id=actor.issuer_id).select_related("issuer").first()
    assert staff is not None
    return staff


async def test_a_retry_waits_for_the_running_first_and_gets_its_answer(app: Starlette) -> None:
    staff = await _staff(app)
    service = IdempotencyService()
    started, finish = asyncio.Event(), asyncio.Event()
    runs = 0

    async def slow(conn: BaseDBAsyncClient) -> Answer:
        nonlocal runs
        runs += 1
        started.set()
        await finish.wait()
        return Answer(201, '{"n":"第一"}'.encode())

    first = asyncio.create_task(service.run(staff=staff, key="k", fingerprint="f", operation=slow))
    await started.wait()
    retry = asyncio.create_task(service.run(staff=staff, key="k", fingerprint="f", operation=slow))
    await asyncio.sleep(0.1)
    assert not retry.done()  # waiting, not running the operation a second time
    finish.set()
    assert await first == await retry == Answer(201, '{"n":"第一"}'.encode())
    assert runs == 1


async def test_a_failed_first_releases_the_key(app: Starlette) -> None:
    staff = await _staff(app)
    service = IdempotencyService()

    async def fails(conn: BaseDBAsyncClient) -> Answer:
        raise Conflict("no", code="refused")

    async def works(conn: BaseDBAsyncClient) -> Answer:
        return Answer(201, b"{}")

    with pytest.raises(Conflict):
        await service.run(staff=staff, key="k", fingerprint="f", operation=fails)
    assert await IdempotencyRecord.all().count() == 0
    assert await service.run(staff=staff, key="k", fingerprint="f", operation=works) == Answer(
        201, b"{}"
    )


async def test_a_claim_held_too_long_is_refused_then_taken_over(app: Starlette) -> None:
    staff = await _staff(app)
    service = IdempotencyService(wait_seconds=0.05, lease_seconds=60)
    # A claim left behind by a request whose process died.
    await IdempotencyRecord.create(
        staff=staff, key="k", request_hash="f", status_code=0, response_body=""
    )

    async def works(conn: BaseDBAsyncClient) -> Answer:
        return Answer(201, b'{"ok":true}')

    with pytest.raises(IdempotencyKeyInProgress):
        await service.run(staff=staff, key="k", fingerprint="f", operation=works)
    old = datetime.now(UTC) - timedelta(minutes=5)
    await IdempotencyRecord.filter(key="k").update(created_at=old)
    answer = await service.run(staff=staff, key="k", fingerprint="f", operation=works)
    assert answer == Answer(201, b'{"ok":true}')
    assert await IdempotencyRecord.filter(key="k", status_code=201).count() == 1
