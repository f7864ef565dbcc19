"""Console test fixtures: a client of the app that does not follow redirects, and the clock of
``clocked_app``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """Starts at the real now."""
    return FakeClock()


@pytest.fixture
async def cclient(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://piaojia.test", follow_redirects=False
    ) as http:
        yield http
