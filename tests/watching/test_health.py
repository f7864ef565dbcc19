"""``/healthz`` says the process is alive; ``/readyz`` checks the database, its migrations and
the sequencer's leader, and names what failed with a 503 and Retry-After."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
from starlette.applications import Starlette

from backend import db
from backend.app import create_app
from backend.config import Settings
from backend.openapi import build_openapi
from backend.watching.views import ENDPOINTS
from tests.lifespan import lifespan


async def test_healthz_is_alive(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_readyz_is_ready_on_a_migrated_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "sequencer_leader": "ok"},
    }


async def test_readyz_names_a_migration_not_applied(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    latest = db.shipped_migrations()[-1]
    conn = db.connection()
    _, rows = await conn.execute_query(
        db.dialect_sql(conn, "SELECT id, version, app, content FROM aerich WHERE version = $1"),
        [latest],
    )
    kept = dict(rows[0])
    await conn.execute_query(
        db.dialect_sql(conn, "DELETE FROM aerich WHERE version = $1"), [latest]
    )
    try:
        response = await client.get("/readyz")
    finally:  # the PostgreSQL database is the session's: put the record back
        await conn.execute_query(
            db.dialect_sql(
                conn, "INSERT INTO aerich (id, version, app, content) VALUES ($1, $2, $3, $4)"
            ),
            [kept["id"], kept["version"], kept["app"], kept["content"]],
        )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    error = response.json()["error"]
    assert error["code"] == "not_ready"
    assert error["failed"] == ["migrations"]
    assert error["checks"]["database"] == "ok"
    assert latest in error["checks"]["migrations"] and "piaojia migrate" in error["message"]
    assert (await client.get("/readyz")).status_code == 200


async def test_readyz_is_503_on_a_database_never_migrated(
    settings: Settings, tmp_path: Path
) -> None:
    if not settings.database_url.startswith("sqlite"):
        return  # one never-migrated database is enough: a new SQLite file
    empty = dataclasses.replace(settings, database_url=f"sqlite://{tmp_path / 'empty.db'}")
    application = create_app(empty)
    async with lifespan(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as c:
            response = await c.get("/readyz")
            alive = await c.get("/healthz")
    assert alive.status_code == 200
    assert response.status_code == 503 and "retry-after" in response.headers
    error = response.json()["error"]
    assert error["failed"] == ["migrations"]
    assert f"{len(db.shipped_migrations())} not applied" in error["checks"]["migrations"]


def test_health_and_metrics_are_in_the_openapi_description() -> None:
    paths = build_openapi(ENDPOINTS, version="test")["paths"]
    assert paths["/healthz"]["get"]["operationId"] == "health"
    ready = paths["/readyz"]["get"]
    assert "200" in ready["responses"] and "503" in ready["responses"]
    assert "text/plain" in paths["/metrics"]["get"]["responses"]["200"]["content"]
