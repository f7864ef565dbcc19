"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import importlib
import sqlite3
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction
from tortoise.utils import get_schema_sql

from backend import db
from tests.postgres import POSTGRES_SERVER, admin, with_database
from tests.schema import MIGRATIONS
from tests.scratch_databases import drop_later


async def test_migrations_together_match_the_models(database_url: str, tmp_path: Path) -> None:
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
        "12",
        "14",
        "15",
        "16",
    ]
    await db.open_database(database_url)
    try:
        # Since migration 12 alters columns, the migrations' text no longer adds up to the
        # models' CREATE statements: the database the migrations built (the test database) is
        # compared, table by table, with one built from the models.
        connection = db.connection()
        migrated = await schema_of(connection.execute_query_dict, db.dialect())
        described = await _schema_of_models(connection, tmp_path)
        assert "payer_name_hash" in str(described)  # the comparison sees the newest columns
        assert migrated == described
    finally:
        await db.close_database()


Fetch = Callable[[str], Awaitable[list[dict[str, Any]]]]


async def schema_of(fetch: Fetch, dialect: str) -> dict[str, Any]:
    """Tables, columns (type, NOT NULL), indexes, unique and foreign keys, as the database has
    them (column order aside: SQLite adds a changed column at the end)."""
    if dialect == "postgres":
        columns = await fetch(
            "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable "
            "FROM information_schema.columns WHERE table_schema = 'public'"
        )
        indexes = await fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        )
        keys = await fetch(
            "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace"
        )
        return {
            "columns": sorted(tuple(row.values()) for row in columns),
            "indexes": sorted(tuple(row.values()) for row in indexes),
            "keys": sorted(tuple(row.values()) for row in keys),
        }
    found: dict[str, Any] = {}
    tables = await fetch(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    for table in sorted(row["name"] for row in tables):
        info = await fetch(f'PRAGMA table_info("{table}")')
        # Defaults aside: SQLite adds a NOT NULL column only with one.
        cols = sorted((c["name"], c["type"], c["notnull"], c["pk"]) for c in info)
        idx = []
        for index in await fetch(f'PRAGMA index_list("{table}")'):
            parts = await fetch(f'PRAGMA index_info("{index["name"]}")')
            named = index["name"] if index["origin"] == "c" else index["origin"]
            idx.append((named, index["unique"], tuple(p["name"] for p in parts)))
        fks = await fetch(f'PRAGMA foreign_key_list("{table}")')
        refs = sorted((f["from"], f["table"], f["to"], f["on_delete"]) for f in fks)
        found[table] = {"columns": cols, "indexes": sorted(idx), "keys": refs}
    return found


async def _schema_of_models(conn: BaseDBAsyncClient, tmp: Path) -> dict[str, Any]:
    """The schema Tortoise makes from the models (and the hand-written migrations add), built
    in a fresh database of ``conn``'s kind."""
    scripts = [get_schema_sql(conn, safe=False)]
    for path in MIGRATIONS:
        module = importlib.import_module(f"backend.migrations.models.{path.stem}")
        if getattr(module, "HAND_WRITTEN", False):
            scripts.append(await module.upgrade(conn))
    dialect = str(conn.capabilities.dialect)
    if dialect == "sqlite":
        fresh = sqlite3.connect(tmp / "models.db")
        fresh.row_factory = sqlite3.Row
        try:
            for script in scripts:
                fresh.executescript(script)

            async def fetch_sqlite(sql: str) -> list[dict[str, Any]]:
                return [dict(row) for row in fresh.execute(sql).fetchall()]

            return await schema_of(fetch_sqlite, dialect)
        finally:
            fresh.close()
    name = f"piaojia_models_{uuid.uuid4().hex[:8]}"
    await admin(f'CREATE DATABASE "{name}"')
    try:
        pg = await asyncpg.connect(with_database(POSTGRES_SERVER, name))
        try:
            for script in scripts:
                if script.strip():
                    await pg.execute(script)

            async def fetch_pg(sql: str) -> list[dict[str, Any]]:
                return [dict(row) for row in await pg.fetch(sql)]

            return await schema_of(fetch_pg, dialect)
        finally:
            await pg.close()
    finally:
        drop_later(name)


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
