"""Tortoise's SQLite client, with transactions that take the write lock when they begin.

Tortoise begins a transaction with a plain ``BEGIN``: SQLite then reads under a snapshot and
asks for the write lock at the first write. If another process committed since the snapshot was
taken, SQLite cannot upgrade it and answers "database is locked" at once, without waiting for
``busy_timeout`` (in WAL mode this is ``SQLITE_BUSY_SNAPSHOT``). Several processes on one
file then fail under load. ``BEGIN IMMEDIATE`` takes the write lock first, waiting up to
``busy_timeout`` for it, so a transaction that starts has a snapshot no one can overtake.
Reads outside transactions still run beside writers (WAL).

Piaojia's transactions nearly all write, and one process already runs one transaction at a time
on its single SQLite connection, so beginning as a writer costs nothing in that process.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import OperationalError


class _ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            # Still locked after busy_timeout: an OperationalError, which the app answers 503.
            raise OperationalError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    """``SqliteClient`` whose transactions begin with ``BEGIN IMMEDIATE``."""

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(_ImmediateTransaction(self), self._lock)


client_class = ImmediateSqliteClient
