"""A database too busy to take the work is a 503 with Retry-After, never a 500, and writes
nothing; the work goes through once the database is free again."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import uuid

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend import db
from backend.app import create_app
from backend.config import Settings
from tests.factories import issuer_with_staff, receipt_request
from tests.hostile.support import row_counts
from tests.postgres import POSTGRES_SERVER, admin, with_database


async def test_sqlite_locked_past_busy_timeout_is_503_and_writes_nothing(
    settings: Settings,
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    # A short timeout, so the test waits a fifth of a second rather than five.
    url = settings.database_url.replace("busy_timeout=5000", "busy_timeout=200")
    app = create_app(dataclasses.replace(settings, database_url=url))
    async with LifespanManager(app):
        cashier = await issuer_with_staff(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as c:
            before = await row_counts()
            # Another process holds the write lock.
            holder = sqlite3.connect(url.removeprefix("sqlite://").split("?")[0])
            holder.isolation_level = None
            holder.execute("BEGIN IMMEDIATE")
            try:
                busy = await c.post(
                    "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
                )
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert busy.status_code == 503, busy.text
            assert busy.json()["error"]["code"] == "database_busy"
            assert busy.headers["retry-after"] == "1"
            assert await row_counts() == before
            again = await c.post(
                "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
            )
            assert again.status_code == 201, again.text


async def test_postgres_out_of_connections_is_busy(postgres_url: str | None) -> None:
    """What asyncpg raises when the server has no connection slot for us counts as busy (the
    app answers it 503, as the SQLite test above shows for a lock)."""
    if postgres_url is None:
        pytest.skip("PostgreSQL is not reachable")
    role = f"piaojia_busy_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    await admin(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0')
    try:
        base = with_database(POSTGRES_SERVER, postgres_url.rsplit("/", 1)[1])
        with_role = base.replace("://postgres@", f"://{role}@")
        with pytest.raises(asyncpg.TooManyConnectionsError) as raised:
            await asyncpg.connect(with_role, timeout=5)
        assert db.is_busy(raised.value)
        assert not db.is_busy(asyncpg.UniqueViolationError("duplicate key"))
        assert not db.is_busy(sqlite3.OperationalError("no such table: receipt"))
    finally:
        await admin(f'DROP ROLE IF EXISTS "{role}"')
