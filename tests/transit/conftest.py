"""Transit test fixtures: the app's transit service on the test's clock."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from backend.transit.services import TransitService
from tests.auth.support import BASE_URL, FakeClock, clock, fake_wechat, wx_app, wx_client

__all__ = ["clock", "fake_wechat", "wx_app", "wx_client"]


def install(app: Starlette, clock: FakeClock) -> None:
    """Give the views a transit service that reads the test's clock."""
    wired = app.state.services
    service = TransitService(
        receipts=wired.receipts, outbox=wired.outbox, folder=wired.folder, clock=clock
    )
    app.state.services = dataclasses.replace(app.state.services, transit=service)


@pytest.fixture
async def transit_app(wx_app: Starlette, clock: FakeClock) -> Starlette:
    """The demo-mode app (login through the WeChat stand-in) with transit routed."""
    install(wx_app, clock)
    return wx_app


@pytest.fixture
async def tclient(transit_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=transit_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http
