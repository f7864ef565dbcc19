"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import importlib
import re

from tortoise.utils import get_schema_sql

from backend import db

INIT = importlib.import_module("backend.migrations.models.0_20261127000000_init")


def normalised(sql: str) -> list[str]:
    return sorted(line.strip() for line in re.split(r";\s*\n", sql.strip()) if line.strip())


async def test_initial_migration_matches_the_models(database_url: str) -> None:
    await db.open_database(database_url)
    try:
        connection = db.connection()
        migration_sql = await INIT.upgrade(connection)
        assert normalised(migration_sql) == normalised(get_schema_sql(connection, safe=False))
    finally:
        await db.close_database()
