"""`piaojia migrate` on a database from before migration 12 leaves no personal data in clear."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend import db, sealing
from backend.auth.models import UserSession
from backend.config import Settings
from backend.idempotency.models import IdempotencyRecord
from backend.keys.services import SEALED_TABLES, keyring_for
from backend.outbox.models import OutboxMessage
from backend.receipts.models import Receipt, payer_search_hashes
from backend.secret import Secret
from backend.transit.models import TransitInvoice
from tests.commands import piaojia
from tests.factories import TEST_SECRET
from tests.postgres import POSTGRES_SERVER, admin, with_database
from tests.schema import migrate_leaving_out
from tests.scratch_databases import drop_later

NAME, ID_NUMBER, EMAIL, PHONE = (
    "赵老旧",
    "110101199003070011",
    "old.clear@example.com",
    "13800000042",
)
SESSION_KEY, ANSWER, BUYER = "b2xkLXNlc3Npb24ta2V5", '{"id":"old","payer":"赵老旧"}', "钱个人"
CLEAR = (NAME, ID_NUMBER, EMAIL, PHONE, SESSION_KEY, ANSWER, BUYER)


async def _old_database(url: str, tmp: Path) -> None:
    """Every migration but 12, and one row of each kind written in clear, as before 12."""
    await migrate_leaving_out(url, tmp, 12)
    await db.open_database(url)
    try:
        conn = db.connection()
        now = datetime.now(UTC)
        issuer, staff, receipt, user = (str(uuid.uuid4()) for _ in range(4))
        rows = [
            ("issuer", ["id", "kind", "name", "credit_code", "region", "created_at"],
             [issuer, "hospital", "旧医院", "91440101MA59TEST01", "440100", now]),
            ("staff", ["id", "name", "role", "key_hash", "created_at", "issuer_id"],
             [staff, "收费员", "cashier", "k" * 64, now, issuer]),
            ("receipt",
             ["id", "kind", "code", "number", "check_code", "issued_at", "status", "payer_name",
              "payer_id_number", "payer_email", "payer_phone", "total_fen", "fund_fen",
              "other_fen", "account_fen", "cash_fen", "created_at", "issuer_id", "staff_id"],
             [receipt, "medical", "44060126", "0000000001", "abc123", now, "valid", NAME,
              ID_NUMBER, EMAIL, PHONE, 100, 0, 0, 0, 100, now, issuer, staff]),
            ("idempotency_record",
             ["key", "request_hash", "status_code", "response_body", "created_at", "staff_id"],
             ["order-1", "h" * 64, 201, ANSWER, now, staff]),
            ("wx_user", ["id", "openid", "created_at"], [user, "o-old", now]),
            ("wx_session",
             ["token_hash", "session_key", "created_at", "expires_at", "user_id"],
             ["t" * 64, SESSION_KEY, now, now, user]),
            ("transit_invoice",
             ["buyer_kind", "buyer_name", "tax_rate", "net_fen", "tax_fen", "created_at",
              "user_id", "receipt_id"],
             ["personal", BUYER, "9%", 92, 8, now, user, receipt]),
            ("outbox_message",
             ["id", "kind", "recipient", "state", "due_at", "attempts", "message_id",
              "created_at", "receipt_id"],
             [str(uuid.uuid4()), "receipt", EMAIL, "sent", now, 1, "<m@x>", now, receipt]),
        ]  # fmt: skip
        for table, columns, values in rows:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            await conn.execute_query(db.dialect_sql(conn, sql), values)
    finally:
        await db.close_database()


@pytest.fixture(params=["sqlite", "postgres"])
def old_database(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str | None
) -> tuple[str, Path | None]:
    if request.param == "sqlite":
        path = tmp_path / "old.db"
        url = f"sqlite://{path}"
        asyncio.run(_old_database(url, tmp_path))
        return url, path
    if postgres_url is None:
        pytest.skip("PostgreSQL is not reachable; only SQLite was tested")
    name = f"piaojia_old_{uuid.uuid4().hex[:8]}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    drop_later(name)
    url = with_database(POSTGRES_SERVER, name)
    asyncio.run(_old_database(url, tmp_path))
    return url, None


async def _check(url: str) -> None:
    await db.open_database(url)
    try:
        conn = db.connection()
        for spec in SEALED_TABLES:
            for column in spec.columns:
                rows = await conn.execute_query_dict(f'SELECT "{column}" AS v FROM "{spec.table}"')
                for row in rows:
                    value = row["v"]
                    if value is None:
                        continue
                    assert isinstance(value, bytes | memoryview), (spec.table, column)
                    assert bytes(value).startswith(sealing.MAGIC), (spec.table, column)
                    assert not any(c.encode() in bytes(value) for c in CLEAR)
        receipt = await Receipt.get(number="0000000001")
        assert (receipt.payer_name, receipt.payer_id_number) == (NAME, ID_NUMBER)
        assert (receipt.payer_email, receipt.payer_phone) == (EMAIL, PHONE)
        for column, hashes in payer_search_hashes(ID_NUMBER).items():
            if column == "payer_id_number_hash":
                assert await Receipt.filter(**{f"{column}__in": hashes}).count() == 1
        assert (await UserSession.get(token_hash="t" * 64)).session_key == SESSION_KEY
        assert (await IdempotencyRecord.get(key="order-1")).response_body == ANSWER
        assert (await TransitInvoice.get(receipt_id=receipt.id)).buyer_name == BUYER
        assert (await OutboxMessage.get(receipt_id=receipt.id)).recipient == EMAIL
    finally:
        await db.close_database()


def test_migrate_seals_what_an_old_database_kept_in_clear(
    old_database: tuple[str, Path | None],
) -> None:
    url, path = old_database
    migrated = piaojia(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "applied 1 migration(s): 12_" in migrated.stderr
    assert "sealed personal data in 5 row(s)" in migrated.stderr  # receipt … outbox: one each

    sealing.install(keyring_for(Settings(secret_key=Secret(TEST_SECRET))))
    asyncio.run(_check(url))
    if path is not None:  # nor is any clear value left on a page of the SQLite file
        data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert [c for c in CLEAR if c.encode() in data] == []

    again = piaojia(url, "migrate")
    assert again.returncode == 0 and "applied 0 migration(s)" in again.stderr
    assert "sealed" not in again.stderr


def test_keys_rotate_from_the_command_line(old_database: tuple[str, Path | None]) -> None:
    url, _ = old_database
    assert piaojia(url, "migrate").returncode == 0
    new_key = piaojia(url, "keys", "new").stdout.strip()
    assert len(new_key) >= 32
    rotated_env = {"PIAOJIA_DATA_KEYS": new_key}
    ring = keyring_for(Settings(secret_key=Secret(TEST_SECRET), data_keys=(Secret(new_key),)))

    helped = piaojia(url, "keys", "rotate", "--help")
    assert helped.returncode == 0 and "PIAOJIA_DATA_KEYS" in helped.stdout
    assert "--batch" in helped.stdout

    rotated = piaojia(url, "keys", "rotate", "--batch", "1", env=rotated_env)
    assert rotated.returncode == 0, rotated.stderr
    assert "receipt: 1/1 rows checked, 1 re-sealed" in rotated.stderr
    assert f"done: 5 row(s) re-sealed; every sealed value is under {ring.current.name}" in (
        rotated.stderr
    )
    status = piaojia(url, "keys", "status", env=rotated_env)
    assert status.returncode == 0, status.stderr
    assert f"current key: {ring.current.name}" in status.stdout
    assert f"receipt.payer_id_number: {ring.current.name}=1" in status.stdout
    assert f"outbox_message.recipient: {ring.current.name}=1" in status.stdout

    again = piaojia(url, "keys", "rotate", env=rotated_env)
    assert "done: 0 row(s) re-sealed" in again.stderr  # idempotent: nothing left to do

    sealing.install(sealing.Keyring(ring.current))  # the new key alone opens everything
    asyncio.run(_check(url))

    bad = piaojia(url, "keys", "rotate", "--batch", "0", env=rotated_env)
    assert bad.returncode == 2 and "1 to 100000" in bad.stderr
