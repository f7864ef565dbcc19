"""Verification and reimbursement tests: the app on a clock moved by hand, with chosen limits."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backend.app import create_app
from backend.config import Settings
from tests.clock import FakeClock
from tests.lifespan import lifespan


@pytest.fixture
def clock() -> FakeClock:
    """Starts at the real now."""
    return FakeClock()


@pytest.fixture
async def verify_app(
    request: pytest.FixtureRequest, settings: Settings, clock: FakeClock
) -> AsyncIterator[Starlette]:
    """The app on ``clock``: a receipt is verified at most ``verify_daily_limit`` (5) times a
    day, and an address is slowed only after 1000 verifications a minute, refused after 2000.

    Parametrized indirectly, the parameter is a dict of further ``Settings`` fields."""
    limits: dict[str, Any] = getattr(request, "param", {})
    chosen = dataclasses.replace(
        settings, **({"verify_slow_after": 1000, "verify_refuse_after": 2000} | limits)
    )
    application = create_app(chosen, clock=clock)
    async with lifespan(application):
        yield application


@pytest.fixture
async def vclient(verify_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=verify_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
        yield http
