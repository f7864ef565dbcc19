"""Where the limits are counted: the ``limits`` library's stores, and one of our own.

``storage_for(settings)`` picks: Redis when ``PIAOJIA_REDIS_URL`` is set; otherwise, on
PostgreSQL, the database itself (``DatabaseStorage``), which every process of the deployment
shares; otherwise (SQLite, one process) memory.

``DatabaseStorage`` implements the ``limits`` storage interface for the sliding window counter
strategy over the ``rate_limit_counter`` table: one row per limit key and window, taken by a
single conditional upsert, so concurrent hits from any number of processes never pass the
limit together.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from limits.aio.storage import MemoryStorage, RedisStorage, SlidingWindowCounterSupport, Storage
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import BaseORMException

from backend.config import Settings
from backend.db import connection, dialect_sql

# Seconds for connecting to Redis and for each command: a limited request waits no longer.
# Redis answers in microseconds; the bound is for an event loop a busy machine keeps from
# reading the answer (1 s refused a burst of 200 under a full CPU load), and a Redis that is
# down refuses the connection at once anyway.
REDIS_TIMEOUT = 5.0

_READ = (
    'SELECT "key", "count" FROM "rate_limit_counter" '
    'WHERE "key" IN ($1, $2) AND "expires_at" > CAST($3 AS BIGINT)'
)
# A row past its expiry counts as absent; the statements that write one start it again.
_LIVE = 'CASE WHEN "rate_limit_counter"."expires_at" > CAST(${} AS BIGINT) THEN {} ELSE {} END'
# The previous window's weighted count is $4: it no longer changes, so it is read beforehand;
# the current window is counted and checked in the one statement that writes it.
_ACQUIRE = (
    'INSERT INTO "rate_limit_counter" ("key", "count", "expires_at") '
    "SELECT CAST($1 AS VARCHAR(255)), CAST($2 AS INTEGER), CAST($3 AS BIGINT) "
    "WHERE CAST($4 AS INTEGER) + CAST($5 AS INTEGER) <= CAST($6 AS INTEGER) "
    'ON CONFLICT ("key") DO UPDATE SET "count" = '
    + _LIVE.format(7, '"rate_limit_counter"."count"', "0")
    + ' + excluded."count", "expires_at" = excluded."expires_at" '
    'WHERE CAST($8 AS INTEGER) + excluded."count" + '
    + _LIVE.format(9, '"rate_limit_counter"."count"', "0")
    + ' <= CAST($10 AS INTEGER) RETURNING "count"'
)
_INCR = (
    'INSERT INTO "rate_limit_counter" ("key", "count", "expires_at") '
    "VALUES ($1, CAST($2 AS INTEGER), CAST($3 AS BIGINT)) "
    'ON CONFLICT ("key") DO UPDATE SET "count" = '
    + _LIVE.format(4, '"rate_limit_counter"."count"', "0")
    + ' + excluded."count", "expires_at" = '
    + _LIVE.format(5, '"rate_limit_counter"."expires_at"', 'excluded."expires_at"')
    + ' RETURNING "count"'
)
_GET = (
    'SELECT "count", "expires_at" FROM "rate_limit_counter" '
    'WHERE "key" = $1 AND "expires_at" > CAST($2 AS BIGINT)'
)
_DELETE = 'DELETE FROM "rate_limit_counter" WHERE "key" IN ($1, $2)'
_SWEEP = 'DELETE FROM "rate_limit_counter" WHERE "expires_at" <= CAST($1 AS BIGINT)'


class DatabaseStorage(Storage, SlidingWindowCounterSupport):
    """A ``limits`` storage in the application's database (SQLite or PostgreSQL), for the
    sliding window counter strategy."""

    STORAGE_SCHEME = ["piaojia+database"]  # noqa: RUF012 - the base class declares it so

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = True,
        *,
        clock: Callable[[], float] = time.time,
        **_: Any,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._clock = clock  # Unix seconds
        self._swept_window = -1

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (BaseORMException, OSError)

    async def _rows(self, sql: str, values: list[Any]) -> list[dict[str, Any]]:
        conn: BaseDBAsyncClient = connection()
        rows: list[dict[str, Any]] = await conn.execute_query_dict(dialect_sql(conn, sql), values)
        return rows

    # -- the sliding window counter ------------------------------------------------------

    async def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        if amount > limit:
            return False
        now = self._clock()
        previous_key, current_key = _window_keys(key, expiry, now)
        previous, previous_ttl, current, _ = await self._window(previous_key, current_key, expiry)
        weighted_previous = math.floor(previous * previous_ttl / expiry)
        if weighted_previous + current + amount > limit:
            return False  # refused without a write
        if int(now // expiry) != self._swept_window:
            # The first hit of each window in this process deletes what has expired.
            self._swept_window = int(now // expiry)
            await self._rows(_SWEEP, [int(now)])
        # The current window's row lives two windows: it is the previous one in the next.
        expires = _window_end(now, expiry) + expiry
        horizon = int(now)
        on_conflict = (horizon, weighted_previous, horizon, limit)
        rows = await self._rows(
            _ACQUIRE,
            [current_key, amount, expires, weighted_previous, amount, limit, *on_conflict],
        )
        return bool(rows)

    async def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        previous_key, current_key = _window_keys(key, expiry, self._clock())
        return await self._window(previous_key, current_key, expiry)

    async def _window(
        self, previous_key: str, current_key: str, expiry: int
    ) -> tuple[int, float, int, float]:
        now = self._clock()
        counts = {
            str(row["key"]): int(row["count"])
            for row in await self._rows(_READ, [previous_key, current_key, int(now)])
        }
        previous, current = counts.get(previous_key, 0), counts.get(current_key, 0)
        # As the memory storage of ``limits`` reckons them: the previous window weighs what is
        # left of it, the current one lasts until the end of the next window.
        previous_ttl = (1 - (((now - expiry) / expiry) % 1)) * expiry if previous else 0.0
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous, previous_ttl, current, current_ttl

    async def clear_sliding_window(self, key: str, expiry: int) -> None:
        previous_key, current_key = _window_keys(key, expiry, self._clock())
        await self._rows(_DELETE, [previous_key, current_key])

    # -- the plain counter every storage has ---------------------------------------------

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = int(self._clock())
        rows = await self._rows(_INCR, [key, amount, now + expiry, now, now])
        return int(rows[0]["count"])

    async def get(self, key: str) -> int:
        rows = await self._rows(_GET, [key, int(self._clock())])
        return int(rows[0]["count"]) if rows else 0

    async def get_expiry(self, key: str) -> float:
        rows = await self._rows(_GET, [key, int(self._clock())])
        return float(rows[0]["expires_at"]) if rows else self._clock()

    async def check(self) -> bool:
        try:
            await self._rows("SELECT 1 AS ok", [])
        except (BaseORMException, OSError):
            return False
        return True

    async def reset(self) -> int | None:
        rows = await self._rows('SELECT COUNT(*) AS n FROM "rate_limit_counter"', [])
        await self._rows('DELETE FROM "rate_limit_counter"', [])
        return int(rows[0]["n"])

    async def clear(self, key: str) -> None:
        await self._rows(_DELETE, [key, key])


def _window_keys(key: str, expiry: int, at: float) -> tuple[str, str]:
    # The keys of the previous and the current window, as ``limits`` names them.
    return f"{key}/{int((at - expiry) / expiry)}", f"{key}/{int(at / expiry)}"


def _window_end(now: float, expiry: int) -> int:
    return (int(now // expiry) + 1) * expiry


def storage_for(settings: Settings) -> Storage:
    """The store the limits of a deployment with ``settings`` count in (see the module)."""
    if settings.redis_url is not None:
        url = settings.redis_url.reveal()
        scheme, _, rest = url.partition("://")
        uri = f"async+redis+unix://{rest}" if scheme == "unix" else f"async+{url}"
        return RedisStorage(
            uri,
            implementation="redispy",
            key_prefix=settings.redis_prefix,
            wrap_exceptions=True,
            socket_connect_timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
        )
    if settings.database_url.startswith(("postgres://", "asyncpg://")):
        return DatabaseStorage()
    return MemoryStorage(wrap_exceptions=True)


async def close_storage(storage: Storage) -> None:
    """Release what ``storage`` holds: Redis connections, the memory store's expiry task."""
    if isinstance(storage, RedisStorage):
        client = getattr(storage.bridge, "storage", None)  # the redis.asyncio client
        if client is not None:
            await client.aclose()
    elif isinstance(storage, MemoryStorage) and storage.timer is not None:
        storage.timer.cancel()
