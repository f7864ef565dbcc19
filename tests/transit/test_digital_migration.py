"""Migration 16 on a database from before it: invoices and receipts keep their codes and
numbers, every row that points at them still does, and 20-digit numbers then fit."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aerich import Command

from backend import db
from tests.commands import piaojia
from tests.postgres import POSTGRES_SERVER, admin, with_database
from tests.scratch_databases import drop_later

OLD_NUMBER, NEW_NUMBER = "0000000007", "26442000000000000001"
COPIED = (
    "kind", "check_code", "issued_at", "status", "payer_name", "total_fen", "fund_fen",
    "other_fen", "account_fen", "cash_fen", "created_at", "issuer_id", "staff_id",
)  # fmt: skip


async def _old_database(url: str, tmp: Path) -> str:
    """Migrations 0 to 15 only, with a transit invoice numbered as before 数电票."""
    old = tmp / "migrations" / "models"
    old.mkdir(parents=True)
    for path in (db.MIGRATIONS_DIR / "models").glob("*.py"):
        if not path.name.startswith("16_"):
            shutil.copy(path, old / path.name)
    command = Command(
        tortoise_config=db.tortoise_config(url), app="models", location=str(old.parent)
    )
    async with command:
        await command.upgrade(run_in_transaction=True)
    await db.open_database(url)
    receipt = str(uuid.uuid4())
    try:
        conn = db.connection()
        now = datetime.now(UTC)
        issuer, staff, user = (str(uuid.uuid4()) for _ in range(3))
        rows = [
            ("issuer", ["id", "kind", "name", "credit_code", "region", "created_at"],
             [issuer, "transit", "旧地铁", "91440101MA59TEST01", "440100", now]),
            ("staff", ["id", "name", "role", "key_hash", "created_at", "issuer_id"],
             [staff, "电子发票服务", "operator", "k" * 64, now, issuer]),
            ("receipt",
             ["id", "kind", "code", "number", "check_code", "issued_at", "status", "payer_name",
              "total_fen", "fund_fen", "other_fen", "account_fen", "cash_fen", "created_at",
              "issuer_id", "staff_id"],
             [receipt, "transit", "44910026", OLD_NUMBER, "abc123", now, "valid", b"sealed",
              300, 0, 0, 0, 0, now, issuer, staff]),
            ("scan_token", ["token", "created_at", "receipt_id"], ["t" * 32, now, receipt]),
            ("wx_user", ["id", "openid", "created_at"], [user, "o-old", now]),
            ("transit_invoice",
             ["buyer_kind", "buyer_name", "tax_rate", "net_fen", "tax_fen", "created_at",
              "user_id", "receipt_id"],
             ["personal", b"sealed", "9%", 275, 25, now, user, receipt]),
        ]  # fmt: skip
        for table, columns, values in rows:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            await conn.execute_query(db.dialect_sql(conn, sql), values)
    finally:
        await db.close_database()
    return receipt


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_old_invoices_keep_their_numbers_and_new_ones_fit(
    kind: str, tmp_path: Path, postgres_url: str | None
) -> None:
    if kind == "sqlite":
        url = f"sqlite://{tmp_path / 'old.db'}"
    else:
        if postgres_url is None:
            pytest.skip("PostgreSQL is not reachable; only SQLite was tested")
        name = f"piaojia_old_{uuid.uuid4().hex[:8]}"
        await admin(f'CREATE DATABASE "{name}"')
        url = with_database(POSTGRES_SERVER, name)
    try:
        receipt = await _old_database(url, tmp_path)

        migrated = piaojia(url, "migrate")

        assert migrated.returncode == 0, migrated.stderr
        assert "applied 1 migration(s): 16_" in migrated.stderr
        await db.open_database(url)
        try:
            conn = db.connection()
            kept = await conn.execute_query_dict(
                'SELECT r."code", r."number", t."token", i."red_confirmation" FROM "receipt" r '
                'JOIN "scan_token" t ON t."receipt_id" = r."id" '
                'JOIN "transit_invoice" i ON i."receipt_id" = r."id"'
            )
            assert kept == [
                {"code": "44910026", "number": OLD_NUMBER, "token": "t" * 32,
                 "red_confirmation": None}
            ]  # fmt: skip
            if kind == "sqlite":
                assert await conn.execute_query_dict("PRAGMA foreign_key_check") == []
                assert await conn.execute_query_dict("PRAGMA foreign_keys") == [{"foreign_keys": 1}]
            # A second receipt like the first, with a 数电票's empty code and 20-digit number.
            same = ", ".join(f'"{c}"' for c in COPIED)
            copy = (
                f'INSERT INTO "receipt" ("id", "code", "number", {same}) '
                f'SELECT $1, \'\', $2, {same} FROM "receipt" WHERE "id" = $3'
            )
            await conn.execute_query(
                db.dialect_sql(conn, copy), [str(uuid.uuid4()), NEW_NUMBER, receipt]
            )
            numbers = await conn.execute_query_dict(
                'SELECT "number" FROM "receipt" ORDER BY "number"'
            )
            assert [row["number"] for row in numbers] == [OLD_NUMBER, NEW_NUMBER]
        finally:
            await db.close_database()
    finally:
        if kind == "postgres":
            drop_later(name)
