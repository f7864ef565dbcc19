"""Migration 7 builds exactly the verification tables the models describe, on both databases."""

from __future__ import annotations

import importlib

from tortoise.utils import get_schema_sql

from backend import db
from tests.schema import altered_later, normalised

TABLES = ("reimbursement_claim", "verification_count", "verification_rule")


def _ours(statements: list[str]) -> list[str]:
    # A table a later migration alters is compared as the migrations leave it, elsewhere.
    kept = [t for t in TABLES if not altered_later(t, 7)]
    return [s for s in statements if any(f'"{table}"' in s for table in kept)]


async def test_migration_7_matches_the_verify_models(database_url: str) -> None:
    migration = importlib.import_module("backend.migrations.models.7_20261127120000_verify")
    await db.open_database(database_url)
    try:
        connection = db.connection()
        described = _ours(normalised(get_schema_sql(connection, safe=False)))
        assert len(described) >= len(TABLES)
        assert _ours(normalised(await migration.upgrade(connection))) == described
        # And the tables are there in the migrated test database.
        for table in TABLES:
            await connection.execute_query(f'SELECT COUNT(*) FROM "{table}"')
    finally:
        await db.close_database()
