"""Attempt limits in each store (memory, the database, Redis): an atomic check-and-count that
holds under any number of attempts at once, and refuses when its store does not answer."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import httpx
import pytest
from limits.aio.storage import MemoryStorage, Storage

from backend import db
from backend.app import create_app
from backend.config import Settings
from backend.errors import TooManyRequests
from backend.secret import Secret
from backend.throttle.models import RateLimitCounter
from backend.throttle.services import CLEAN_SECONDS, AttemptLimit
from backend.throttle.storage import DatabaseStorage, close_storage, storage_for
from tests.lifespan import lifespan
from tests.rows import column
from tests.servers import free_port

JSON = {"Accept": "application/json"}


class Refused(TooManyRequests):
    code = "refused_in_test"


def limit_on(
    store: Storage,
    *,
    refuse_after: int,
    slow_after: int = 1000,
    name: str | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    window: int | None = None,
) -> AttemptLimit:
    return AttemptLimit(
        store,
        name=name or f"test-{uuid.uuid4().hex[:8]}",
        slow_after=slow_after,
        refuse_after=refuse_after,
        window_seconds=window or WINDOW,
        refusal=lambda retry_after: Refused("refused", retry_after=retry_after),
        monotonic=monotonic,
    )


# An hour's window: the counts these tests make are the same as in a minute's, and a run is
# then almost never near a window's edge, so it seldom has to wait one out.
WINDOW = 3600


async def clear_of_a_window_edge(window: float = WINDOW, room: float = 30.0) -> None:
    """Wait, if need be, until ``room`` seconds are left before the next window starts.

    The stores count in windows aligned to the clock; a slow run (a busy machine) that crossed
    an edge would see the previous window's count weighted down and admit more than the test
    expects.
    """
    into = time.time() % window
    if into > window - room:
        await asyncio.sleep(window - into + 0.05)


@pytest.fixture(params=["memory", "database", "redis"])
async def store(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Storage]:
    """Each store, the database one on SQLite and PostgreSQL alike."""
    if request.param == "memory":
        if "postgres" in settings.database_url:
            pytest.skip("the memory store does not depend on the database")
        found: Storage = MemoryStorage(wrap_exceptions=True)
    elif request.param == "database":
        await db.open_database(settings.database_url)
        found = DatabaseStorage()
    else:
        if "postgres" in settings.database_url:
            pytest.skip("the Redis store does not depend on the database")
        url, prefix = request.getfixturevalue("redis_server")
        found = storage_for(replace(settings, redis_url=Secret(url), redis_prefix=prefix))
    try:
        yield found
    finally:
        await close_storage(found)
        if request.param == "database":
            await db.close_database()


async def test_attempts_at_once_never_pass_the_limit(store: Storage) -> None:
    await clear_of_a_window_edge()
    limit = limit_on(store, refuse_after=25)

    async def attempt() -> bool:
        try:
            await limit.count("203.0.113.7")
        except Refused:
            return False
        return True

    admitted = await asyncio.gather(*(attempt() for _ in range(200)))
    assert sum(admitted) == 25
    with pytest.raises(Refused) as refused:
        await limit.admit("203.0.113.7")
    assert 1 <= refused.value.retry_after <= WINDOW
    # Another key, and the same key under another limit, are counted apart.
    assert await limit.admit("198.51.100.1") == 0
    await limit_on(store, refuse_after=1).count("203.0.113.7")


async def test_attempts_are_slowed_before_they_are_refused(store: Storage) -> None:
    await clear_of_a_window_edge()
    limit = limit_on(store, refuse_after=6, slow_after=2)
    delays = []
    for _ in range(6):
        delays.append(await limit.admit("2001:db8::1"))
        await limit.count("2001:db8::1")
    assert delays == [0.0, 0.0, 0.1, 0.2, 0.4, 0.8]
    with pytest.raises(Refused):
        await limit.count("2001:db8::1")
    await limit.clear("2001:db8::1")
    assert await limit.admit("2001:db8::1") == 0.0


async def test_a_clean_key_is_asked_for_again_after_a_second(store: Storage) -> None:
    await clear_of_a_window_edge()
    # Two processes: ``here`` saw the key clean; ``there`` fills its window.
    name = f"test-{uuid.uuid4().hex[:8]}"
    now = [1000.0]
    here = limit_on(store, refuse_after=3, slow_after=2, name=name, monotonic=lambda: now[0])
    there = limit_on(store, refuse_after=3, slow_after=2, name=name)
    assert await here.admit("203.0.113.7") == 0.0
    for _ in range(3):
        await there.count("203.0.113.7")
    assert await here.admit("203.0.113.7") == 0.0  # taken for clean, for a second at most
    with pytest.raises(Refused):
        await here.count("203.0.113.7")  # but never counted past the limit
    with pytest.raises(Refused):
        await here.admit("203.0.113.7")  # a failure here asks the store again
    other = "198.51.100.1"
    assert await here.admit(other) == 0.0
    for _ in range(3):
        await there.count(other)
    now[0] += CLEAN_SECONDS + 0.01
    with pytest.raises(Refused):
        await here.admit(other)


async def test_the_previous_window_weighs_what_is_left_of_it(settings: Settings) -> None:
    # The database store's sliding window, with its clock moved by hand.
    now = [60.0 * 29_000_000 + 59.0]  # the last second of a window
    await db.open_database(settings.database_url)
    try:
        store = DatabaseStorage(clock=lambda: now[0])
        limit = limit_on(store, refuse_after=10, window=60)
        for _ in range(10):
            await limit.count("k")
        with pytest.raises(Refused):
            await limit.count("k")
        now[0] += 31.0  # 30 s into the next window: the previous one weighs half of 10
        admitted = 0
        for _ in range(20):
            try:
                await limit.count("k")
                admitted += 1
            except Refused:
                break
        assert admitted == 5
        now[0] += 120.0  # two windows on, nothing counts, and the expired rows are deleted
        await limit.count("k")
        assert await column(RateLimitCounter.all(), "count") == [1]
        await store.reset()
        assert await RateLimitCounter.all().count() == 0
    finally:
        await db.close_database()


async def test_the_database_store_keeps_plain_counters(settings: Settings) -> None:
    await db.open_database(settings.database_url)
    try:
        store = DatabaseStorage()
        assert await store.check()
        assert await store.get("plain") == 0
        assert await store.incr("plain", 60) == 1
        assert await store.incr("plain", 60, amount=4) == 5
        assert await store.get("plain") == 5
        assert await store.get_expiry("plain") > 0
        await store.clear("plain")
        assert await store.get("plain") == 0
    finally:
        await db.close_database()


async def test_an_unreachable_redis_refuses_the_limited_requests(settings: Settings) -> None:
    dead = replace(settings, redis_url=Secret(f"redis://127.0.0.1:{free_port()}/0"))
    app = create_app(dead)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            for path in ["/s/" + "A" * 32, "/s/" + "A" * 32 + "/proof", "/api/v1/verify"]:
                params = {"code": "44060126", "number": "0000000001", "check": "abc123"}
                answer = await http.get(path, headers=JSON, params=params)
                assert answer.status_code == 503, (path, answer.text)
                assert answer.headers["retry-after"] == "5"
                assert answer.json()["error"]["code"] == "limiter_unavailable"
            page = await http.get("/verify", params=params, headers={"Accept": "text/html"})
            assert page.status_code == 503 and "暂时无法查验" in page.text
            assert page.headers["retry-after"] == "5"
            # What no limit guards keeps working.
            assert (await http.get("/healthz")).status_code == 200
