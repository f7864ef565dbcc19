"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import importlib
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction
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
        "11",
        "14",
    ]
    await db.open_database(database_url)
    try:
        connection = db.connection()
        applied = ""
        for path in MIGRATIONS:
            module = importlib.import_module(f"backend.migrations.models.{Path(path).stem}")
            if getattr(module, "HAND_WRITTEN", False):
                continue  # what models cannot declare (a partial index, deferred keys): below
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


async def test_issuing_inserts_may_precede_their_receipt(database_url: str) -> None:
    # What the deferred keys allow: a scan token written before its receipt, inside one
    # transaction. (Issuing then writes the receipt; every issuing test shows that commits.)
    class Abandon(Exception):
        pass

    orphan = ["t" * 32, datetime.now(UTC), str(uuid.uuid4())]
    insert = 'INSERT INTO "scan_token" ("token", "created_at", "receipt_id") VALUES ($1, $2, $3)'
    await db.open_database(database_url)
    try:
        with pytest.raises(Abandon):
            async with in_transaction() as conn:
                await db.defer_receipt_keys(conn)
                await conn.execute_query(db.dialect_sql(conn, insert), orphan)
                raise Abandon  # the insert was accepted: its key is checked at commit
        if db.dialect() == "postgres":
            rows = await db.connection().execute_query_dict(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' AND condeferred "
                "AND confrelid = 'receipt'::regclass ORDER BY conname"
            )
            assert [row["conname"] for row in rows] == [
                "ledger_entry_receipt_id_fkey",
                "line_item_receipt_id_fkey",
                "receipt_event_receipt_id_fkey",
                "scan_token_receipt_id_fkey",
            ]
            with pytest.raises(Exception, match="foreign key"):  # a commit without it fails
                async with in_transaction() as conn:
                    await conn.execute_query(insert, orphan)
        assert await db.connection().execute_query_dict('SELECT * FROM "scan_token"') == []
    finally:
        await db.close_database()
