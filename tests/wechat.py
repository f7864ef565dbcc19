"""Mini-program login in tests: a WeChat client on a transport the test picks, the login
service swapped for one that uses it, and logging in through the API."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import httpx
from starlette.applications import Starlette

from backend.auth.services import AuthService
from backend.auth.wechat_client import WeChatClient
from backend.secret import Secret

BASE_URL = "https://piaojia.test"
WECHAT_APPID = "wx0123456789abcdef"
WECHAT_SECRET = "app-secret-never-shown-0123456789"
SESSION_LIFETIME = timedelta(days=30)

# Replaces WeChat by a handler (``httpx.MockTransport``) for the rest of the test.
FakeWeChat = Callable[[Callable[[httpx.Request], httpx.Response]], None]


def wechat_client(
    transport: httpx.AsyncBaseTransport, *, appid: str = WECHAT_APPID
) -> WeChatClient:
    """A client of jscode2session under the app's own stand-in, reached through ``transport``."""
    return WeChatClient(
        base_url=f"{BASE_URL}/demo/wx",
        appid=appid,
        secret=Secret(WECHAT_SECRET),
        timeout=2.0,
        transport=transport,
    )


def use_auth(app: Starlette, auth: AuthService) -> None:
    """Make ``auth`` the login service the views use from now on; closing it is the caller's."""
    app.state.services = dataclasses.replace(app.state.services, auth=auth)


async def login(client: httpx.AsyncClient, code: str) -> dict[str, str]:
    """Log in through the API; the Authorization header of the new session."""
    response = await client.post("/api/v1/wx/login", json={"code": code})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
