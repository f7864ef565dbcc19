"""Which process sequences the log: exactly one at a time, across processes and machines.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own; if
the process dies the connection closes and another process takes over at its next tick. On
SQLite, whose processes share one machine, the leader holds an exclusive ``flock`` on a file
next to the database.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import asyncpg

# Any constant works; this one spells "piaojia" so it is recognisable in pg_locks.
ADVISORY_KEY = 0x7069616F6A6961


class LeaderLock(Protocol):
    async def acquire(self) -> bool:
        """True if this process holds the lock now (taking it if free); never blocks."""
        ...

    async def release(self) -> None: ...


class PostgresAdvisoryLock:
    def __init__(self, database_url: str) -> None:
        parts = urlsplit(database_url)
        # Tortoise's pool options (minsize, maxsize) are not asyncpg connection options.
        self._dsn = urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))
        self._connection: asyncpg.Connection | None = None
        # Two tasks of one process asking at once must not open two sessions that compete.
        self._asking = asyncio.Lock()

    async def acquire(self) -> bool:
        async with self._asking:
            return await self._acquire()

    async def _acquire(self) -> bool:
        if self._connection is not None and not self._connection.is_closed():
            return True
        self._connection = None
        connection = await asyncpg.connect(self._dsn, timeout=5)
        if await connection.fetchval("SELECT pg_try_advisory_lock($1)", ADVISORY_KEY):
            self._connection = connection
            return True
        await connection.close()
        return False

    async def release(self) -> None:
        if self._connection is not None:
            await self._connection.close()  # closing the session releases the lock
            self._connection = None


class FileLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None
        self._asking = asyncio.Lock()

    async def acquire(self) -> bool:
        async with self._asking:
            return self._acquire()

    def _acquire(self) -> bool:
        if self._fd is not None:
            return True
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None


def leader_lock_for(database_url: str) -> LeaderLock:
    if database_url.startswith(("postgres://", "asyncpg://", "postgresql://")):
        return PostgresAdvisoryLock(database_url)
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    return FileLock(Path(path + ".sequencer.lock"))
