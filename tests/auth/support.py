"""Test wiring for mini-program login and the folder, and helpers shared by their tests.

``app.py``, ``services.py`` and ``db.py`` do not know these domains yet (the wiring edits are
with the lead). Until they do, the shims below add what is missing, and each is a no-op once
the real wiring is in: models to ``db.MODEL_MODULES`` (at import, before any database is
migrated), the routes to the app, and the services to the app state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from backend import db
from backend.app import create_app
from backend.auth.services import AuthService
from backend.auth.standin import WeChatStandIn
from backend.auth.views import DEMO_ENDPOINTS
from backend.auth.views import ENDPOINTS as AUTH_ENDPOINTS
from backend.auth.wechat_client import WeChatClient
from backend.config import Secret, Settings
from backend.folder.services import FolderService
from backend.folder.views import ENDPOINTS as FOLDER_ENDPOINTS
from backend.transit.in_folder import folder_invoice
from backend.web import Endpoint
from tests.lifespan import lifespan

BASE_URL = "https://piaojia.test"
WECHAT_APPID = "wx0123456789abcdef"
WECHAT_SECRET = "app-secret-never-shown-0123456789"
SESSION_LIFETIME = timedelta(days=30)

for _module in ("backend.auth.models", "backend.folder.models"):
    if _module not in db.MODEL_MODULES:
        db.MODEL_MODULES.insert(db.MODEL_MODULES.index("aerich.models"), _module)


class FakeClock:
    """A clock the test moves by hand; starts at 2026-11-27 10:00 China time."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def _route(app: Starlette, endpoints: list[Endpoint]) -> None:
    known = {getattr(route, "name", None) for route in app.router.routes}
    for e in endpoints:
        if e.name not in known:
            app.router.routes.append(Route(e.path, e.handler, methods=[e.method], name=e.name))


def install(app: Starlette, *, auth: AuthService, folder: FolderService | None = None) -> None:
    """Make ``auth`` (and ``folder``) the services the views use."""
    app.state.auth = auth
    if folder is not None:
        app.state.folder = folder
    current = app.state.services
    if hasattr(current, "auth"):  # build_services wires them: replace there too
        changes = {"auth": auth} | ({"folder": folder} if folder is not None else {})
        app.state.services = dataclasses.replace(current, **changes)


def wechat_client(
    transport: httpx.AsyncBaseTransport, *, appid: str = WECHAT_APPID
) -> WeChatClient:
    return WeChatClient(
        base_url=f"{BASE_URL}/demo/wx",
        appid=appid,
        secret=Secret(WECHAT_SECRET),
        timeout=2.0,
        transport=transport,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def wx_app(settings: Settings, clock: FakeClock) -> AsyncIterator[Starlette]:
    """The app in demo mode, with login and folder routed and WeChat played by the stand-in
    the app itself serves (reached in-process)."""
    application = create_app(dataclasses.replace(settings, demo=True), clock=clock)
    _route(application, [*AUTH_ENDPOINTS, *FOLDER_ENDPOINTS, *DEMO_ENDPOINTS])
    application.state.wechat_standin = WeChatStandIn()
    auth = AuthService(
        wechat=wechat_client(httpx.ASGITransport(app=application)),
        clock=clock,
        session_lifetime=SESSION_LIFETIME,
    )
    async with lifespan(application):
        wired = application.state.services
        folder = FolderService(
            clock=clock, receipts=wired.receipts, outbox=wired.outbox, invoices=folder_invoice
        )
        install(application, auth=auth, folder=folder)
        yield application
    await auth.close()


@pytest.fixture
async def wx_client(wx_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=wx_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


FakeWeChat = Callable[[Callable[[httpx.Request], httpx.Response]], None]


@pytest.fixture
async def fake_wechat(wx_app: Starlette, clock: FakeClock) -> AsyncIterator[FakeWeChat]:
    """Replace WeChat by a handler (``httpx.MockTransport``) for the rest of the test."""
    made: list[AuthService] = []

    def use(handler: Callable[[httpx.Request], httpx.Response]) -> None:
        auth = AuthService(
            wechat=wechat_client(httpx.MockTransport(handler)),
            clock=clock,
            session_lifetime=SESSION_LIFETIME,
        )
        made.append(auth)
        install(wx_app, auth=auth)

    yield use
    for auth in made:
        await auth.close()


async def login(client: httpx.AsyncClient, code: str) -> dict[str, str]:
    """Log in through the API; the Authorization header of the new session."""
    response = await client.post("/api/v1/wx/login", json={"code": code})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
