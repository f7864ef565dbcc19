"""Whereabouts test fixtures: the app with the endpoints wired (see ``tests/console/wiring.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.console.wiring import install


@pytest.fixture
async def wclient(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    install(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
        yield http
