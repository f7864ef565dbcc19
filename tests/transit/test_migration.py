"""Migration 9 builds exactly the transit tables the models describe, on both databases."""

from __future__ import annotations

import importlib

from tortoise.utils import get_schema_sql

from backend import db
from tests.schema import altered_later, normalised

TABLES = (
    "transit_trip",
    "transit_card",
    "transit_settings",
    "transit_invoice",
    "transit_invoice_line",
    "transit_invoice_trip",
)


def _ours(statements: list[str]) -> list[str]:
    # A table a later migration alters is compared as the migrations leave it, elsewhere.
    kept = [t for t in TABLES if not altered_later(t, 9)]
    return [s for s in statements if any(f'"{table}"' in s for table in kept)]


async def test_migration_9_matches_the_transit_models(database_url: str) -> None:
    migration = importlib.import_module("backend.migrations.models.9_20261127130000_transit")
    await db.open_database(database_url)
    try:
        connection = db.connection()
        described = _ours(normalised(get_schema_sql(connection, safe=False)))
        assert len(described) >= len(TABLES)
        assert _ours(normalised(await migration.upgrade(connection))) == described
        for table in TABLES:
            await connection.execute_query(f'SELECT COUNT(*) FROM "{table}"')
    finally:
        await db.close_database()
