"""Scan records: one statement for the scans of one turn of the event loop, same answers."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.backends.base.client import BaseDBAsyncClient

from backend import db
from backend.scan.records import MAX_BATCH, ScanRecords
from tests.factories import issuer_with_staff, receipt_request

URL = "/api/v1/hospital/receipts"


class CountingConnection:
    """``db.connection`` that counts the statements asked for."""

    def __init__(self) -> None:
        self.statements = 0

    def __call__(self) -> BaseDBAsyncClient:
        self.statements += 1
        return db.connection()


async def issue_tokens(app: Starlette, client: httpx.AsyncClient, count: int) -> list[str]:
    cashier = await issuer_with_staff(app)
    tokens = []
    for _ in range(count):
        issued = await client.post(URL, json=receipt_request(), headers=cashier.headers)
        tokens.append(issued.json()["scan_url"].rsplit("/", 1)[1])
    return tokens


async def test_scans_of_one_turn_share_a_statement(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    tokens = await issue_tokens(app, client, 3)
    connection = CountingConnection()
    records = ScanRecords(connection)
    unknown = "x" * 32
    found = await asyncio.gather(*(records.get(t) for t in [*tokens, tokens[0], unknown]))
    assert connection.statements == 1
    assert [r.number if r else None for r in found] == [
        "0000000001",
        "0000000002",
        "0000000003",
        "0000000001",
        None,
    ]
    assert [(i.position, i.name) for i in found[0].items] == [  # type: ignore[union-attr]
        (1, "阿莫西林胶囊"),
        (2, "血常规"),
    ]

    alone = await records.get(tokens[1])  # a lone scan does not wait for company
    assert alone is not None and alone.number == "0000000002"
    assert connection.statements == 2


async def test_a_crowd_is_split_into_statements_of_at_most_max_batch(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    tokens = await issue_tokens(app, client, 2)
    connection = CountingConnection()
    records = ScanRecords(connection)
    asked = [tokens[0], *(f"{n:032d}" for n in range(MAX_BATCH * 2 - 1)), tokens[1]]
    found = await asyncio.gather(*(records.get(token) for token in asked))
    assert connection.statements == 3
    assert [n for n, record in enumerate(found) if record] == [0, MAX_BATCH * 2]


async def test_a_revoked_token_finds_nothing(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    issued = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    token = issued["scan_url"].rsplit("/", 1)[1]
    records = ScanRecords(db.connection)
    assert await records.get(token) is not None
    revoked = await client.post(f"{URL}/{issued['id']}/scan-token", headers=cashier.headers)
    assert revoked.status_code in (200, 201), revoked.text
    assert await records.get(token) is None


async def test_a_failing_statement_fails_every_scan_waiting_on_it(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    class Broken(RuntimeError):
        pass

    def broken() -> BaseDBAsyncClient:
        raise Broken("database gone")

    records = ScanRecords(broken)
    results = await asyncio.gather(
        records.get("a" * 32), records.get("b" * 32), return_exceptions=True
    )
    assert [type(result) for result in results] == [Broken, Broken]
    with pytest.raises(Broken):  # and the next turn tries again
        await records.get("a" * 32)
