"""What the hostile tests share: the world a hostile request is sent into, and a count of
every table's rows to show nothing was written."""

from __future__ import annotations

import dataclasses

import httpx

from backend import db


@dataclasses.dataclass
class World:
    """One of each kind of caller, a receipt, trips, a user with a folder, console sessions."""

    client: httpx.AsyncClient
    cashier: dict[str, str]
    admin: dict[str, str]
    reimburser: dict[str, str]
    operator: dict[str, str]
    metro_admin: dict[str, str]
    user: dict[str, str]
    console_admin: httpx.AsyncClient
    receipt_id: str
    scan_token: str
    code: str
    number: str
    check: str
    trip_id: int
    csrf: str  # the admin's console session's form token


# Counting an attempt against a limit is what a refused request is meant to leave behind.
NOT_WRITES = {"aerich", "rate_limit_counter"}


async def row_counts() -> dict[str, int]:
    """Rows of every table but aerich's and the limits' counters, by table name."""
    conn = db.connection()
    if conn.capabilities.dialect == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    names = [
        row["name"] for row in await conn.execute_query_dict(sql) if row["name"] not in NOT_WRITES
    ]
    counts = {}
    for name in names:
        rows = await conn.execute_query_dict(f'SELECT COUNT(*) AS n FROM "{name}"')
        counts[name] = int(rows[0]["n"])
    return counts
