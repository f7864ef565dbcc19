"""Rate-limit test fixtures: the machine's Redis under a key prefix of the test's own."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

REDIS_SERVER = os.environ.get("PIAOJIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_server() -> Iterator[tuple[str, str]]:
    """The Redis URL and a key prefix no other test uses; the prefix's keys are deleted after.
    Skips where no Redis answers."""
    parts = urlsplit(REDIS_SERVER)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=1).close()
    except OSError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_SERVER} ({exc})")
    prefix = f"piaojia-test-{uuid.uuid4().hex[:12]}"
    yield REDIS_SERVER, prefix
    asyncio.run(_forget(prefix))


async def _forget(prefix: str) -> None:
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(REDIS_SERVER)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
