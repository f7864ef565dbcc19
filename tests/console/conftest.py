"""Console test fixtures: the app with the console wired (see ``tests/console/wiring.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.console.wiring import install


@pytest.fixture
async def console_app(app: Starlette) -> Starlette:
    install(app)
    return app


@pytest.fixture
async def cclient(console_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=console_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://piaojia.test", follow_redirects=False
    ) as http:
        yield http
