"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from tortoise.utils import get_schema_sql

from backend import db

MIGRATIONS = sorted(
    (path for path in (db.MIGRATIONS_DIR / "models").glob("[0-9]*_*.py")),
    key=lambda path: int(path.name.split("_")[0]),
)


def normalised(sql: str) -> list[str]:
    return sorted(line.strip() for line in re.split(r";\s*\n", sql.strip() + "\n") if line.strip())


async def test_migrations_together_match_the_models(database_url: str) -> None:
    assert [path.name.split("_")[0] for path in MIGRATIONS] == [
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
    ]
    await db.open_database(database_url)
    try:
        connection = db.connection()
        applied = ""
        for path in MIGRATIONS:
            module = importlib.import_module(f"backend.migrations.models.{Path(path).stem}")
            if getattr(module, "HAND_WRITTEN", False):
                continue  # what models cannot declare (a partial index) is checked below
            applied += (await module.upgrade(connection)).strip().rstrip(";") + ";\n"
        assert normalised(applied) == normalised(get_schema_sql(connection, safe=False))
    finally:
        await db.close_database()


async def test_pending_entries_have_their_partial_index(database_url: str) -> None:
    await db.open_database(database_url)
    try:
        if db.dialect() == "postgres":
            sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_ledger_entry_pending'"
        else:
            sql = "SELECT sql FROM sqlite_master WHERE name = 'idx_ledger_entry_pending'"
        rows = await db.connection().execute_query_dict(sql)
        assert len(rows) == 1
        assert "leaf_index" in str(next(iter(rows[0].values()))).lower()
    finally:
        await db.close_database()
