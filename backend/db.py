"""Database wiring: the Tortoise configuration, start-up and shutdown, and migrations.

Migrations are aerich's. aerich writes a migration as SQL for one dialect, while Piaojia runs on
SQLite and PostgreSQL alike, so each migration in ``backend/migrations/models`` carries the SQL
of both dialects and picks by the connection it is given.
"""

from __future__ import annotations

import asyncio
import functools
import re
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base import executor
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import BaseORMException

MODEL_MODULES = [
    "backend.issuers.models",
    "backend.receipts.models",
    "backend.idempotency.models",
    "backend.anchoring.models",
    "backend.documents.models",
    "backend.auth.models",
    "backend.folder.models",
    "backend.verify.models",
    "backend.console.models",
    "backend.transit.models",
    "backend.outbox.models",
    "backend.throttle.models",
    "aerich.models",
]
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise configuration for one database, in the shape aerich also reads."""
    connection: str | dict[str, Any] = database_url
    if database_url.startswith(("postgres://", "asyncpg://")):
        connection = expand_db_url(database_url)
        connection["credentials"]["reset"] = _keep_session
    elif database_url.startswith("sqlite://"):
        connection = expand_db_url(database_url)
        connection["engine"] = "backend.sqlite_client"  # transactions BEGIN IMMEDIATE
    return {
        "connections": {"default": connection},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def _keep_session(connection: asyncpg.Connection) -> None:
    """What asyncpg's pool runs on a connection given back, beyond rolling back an open
    transaction (which it always does): nothing.

    asyncpg's default sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``,
    a round trip per query that Tortoise runs outside a transaction, costing a tenth of a
    busy read path. Piaojia keeps no session state on pooled connections: no session
    advisory locks (the sequencer's leader lock has a connection of its own), cursors,
    notification listeners or session settings; a test holds this.
    """


def _ensure_sqlite_folder(database_url: str) -> None:
    # A relative SQLite path is relative to the working directory; create its folder so a
    # fresh checkout can start without a manual mkdir.
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def open_database(database_url: str) -> None:
    """Connect Tortoise for this process; requests in any task see the same connections."""
    _ensure_sqlite_folder(database_url)
    _forget_compiled_statements()
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


def _forget_compiled_statements() -> None:
    # Tortoise caches compiled INSERT statements per connection name and table, not per dialect:
    # a process that opens SQLite and then PostgreSQL (the test suite, the CLI) would otherwise
    # send SQLite placeholders to PostgreSQL.
    executor.EXECUTOR_CACHE.clear()


async def close_database() -> None:
    """Close the connections and release the process-wide context ``open_database`` set."""
    await Tortoise.close_connections()


def connection() -> BaseDBAsyncClient:
    client: BaseDBAsyncClient = connections.get("default")
    return client


async def defer_receipt_keys(conn: BaseDBAsyncClient) -> None:
    """Check the keys from a receipt's items, events, scan tokens and ledger entries to the
    receipt at the commit of ``conn``'s transaction rather than at each insert, so those rows
    may be written before their receipt. A commit without the receipt still fails.

    PostgreSQL declares those keys deferred (migration 11); SQLite defers every key of the
    transaction on request.
    """
    if conn.capabilities.dialect == "sqlite":
        await conn.execute_query("PRAGMA defer_foreign_keys = ON")


# What a database answers when it is there but cannot take the work now: SQLite's write lock
# held past busy_timeout, PostgreSQL out of connection slots or still starting up.
_BUSY_POSTGRES = (asyncpg.TooManyConnectionsError, asyncpg.CannotConnectNowError)
_BUSY_SQLITE = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: BaseException) -> bool:
    """True if ``exc`` (or what it wraps) says the database is busy rather than broken: the
    request may succeed if sent again shortly."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _BUSY_POSTGRES):
            return True
        if isinstance(current, sqlite3.OperationalError) and any(
            text in str(current) for text in _BUSY_SQLITE
        ):
            return True
        # Tortoise wraps the driver's error as its first argument, without a cause at times.
        wrapped = next((a for a in current.args if isinstance(a, BaseException)), None)
        current = current.__cause__ or wrapped or current.__context__
    return False


def dialect() -> str:
    """``sqlite`` or ``postgres``: the few statements that differ pick by this."""
    return str(connection().capabilities.dialect)


async def migrate(database_url: str) -> list[str]:
    """Apply every migration not yet applied; returns the names applied, oldest first.

    Safe to run again: applied migrations are recorded in aerich's table and skipped.
    """
    from aerich import Command

    _ensure_sqlite_folder(database_url)
    _forget_compiled_statements()
    command = Command(
        tortoise_config=tortoise_config(database_url),
        app="models",
        location=str(MIGRATIONS_DIR),
    )
    async with command:
        applied: list[str] = await command.upgrade(run_in_transaction=True)
    return applied


@functools.cache
def shipped_migrations() -> tuple[str, ...]:
    """The migrations this code ships, oldest first, by the names aerich records them under.
    Read from the package once: they do not change while the code runs (``/readyz`` asks)."""
    folder = MIGRATIONS_DIR / "models"
    names = [p.name for p in folder.glob("*.py") if p.name[:1].isdigit()]
    return tuple(sorted(names, key=lambda name: int(name.split("_", 1)[0])))


async def unapplied_migrations() -> list[str]:
    """The shipped migrations the open database has not recorded as applied, oldest first
    (all of them on a database never migrated). One query."""
    conn = connection()
    try:
        _, rows = await conn.execute_query(
            dialect_sql(conn, "SELECT version FROM aerich WHERE app = $1"), ["models"]
        )
    except (BaseORMException, sqlite3.Error, asyncpg.PostgresError) as exc:
        if "aerich" not in str(exc):
            raise
        rows = []  # no aerich table: never migrated
    applied = {str(row["version"]) for row in rows}
    return [name for name in shipped_migrations() if name not in applied]


# Read by the aerich CLI (`aerich migrate` when a model changes); see README "Migrations".
AERICH_CONFIG = tortoise_config("sqlite://var/piaojia.db")


_PLACEHOLDER = re.compile(r"\$[0-9]+")


def dialect_sql(conn: BaseDBAsyncClient, sql: str) -> str:
    """Raw SQL written with PostgreSQL's ``$1`` placeholders, as ``conn``'s driver wants it.

    Parameters must appear in order (``$1`` before ``$2``), since SQLite's ``?`` is positional.
    """
    if conn.capabilities.dialect == "sqlite":
        return _PLACEHOLDER.sub("?", sql)
    return sql


def with_database(url: str, work: Callable[[], Awaitable[int]]) -> int:
    """Run ``work`` (a command's body) with the database at ``url`` open, in a new event loop,
    and close the database whatever ``work`` does; ``work``'s exit status."""

    async def run() -> int:
        await open_database(url)
        try:
            return await work()
        finally:
            await close_database()

    return asyncio.run(run())
