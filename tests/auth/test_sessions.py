"""Session tokens: missing, unknown, expired and revoked tokens are each a clear 401."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from backend.auth.models import UserSession
from backend.auth.standin import WeChatStandIn, demo_openid
from backend.auth.views import DEMO_ENDPOINTS
from tests.answers import error_code
from tests.clock import FakeClock
from tests.factories import issuer_with_staff
from tests.wechat import SESSION_LIFETIME, login

ME = "/api/v1/me"


async def test_no_token_is_401_with_a_bearer_challenge(wx_client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Basic dXNlcjpwdw=="}):
        response = await wx_client.get(ME, headers=headers)
        assert response.status_code == 401
        assert error_code(response) == "missing_session_token"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "token",
    [
        "wxs_Jq7vN2cX9pLm4TzR8wYb1KsH6dFgA3eU5oQiZ0nVtC_",  # our shape, never issued
        "garbage",
        "wxs_" + "x" * 500,
        "中文令牌",
    ],
)
async def test_an_unknown_token_is_401(wx_client: httpx.AsyncClient, token: str) -> None:
    await login(wx_client, "demo-erin")

    # Raw UTF-8 bytes: a header is not always ASCII on the wire.
    response = await wx_client.get(ME, headers=[(b"authorization", f"Bearer {token}".encode())])

    assert response.status_code == 401
    assert error_code(response) == "unknown_session"


async def test_a_staff_key_is_not_a_session(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)

    response = await wx_client.get(ME, headers=cashier.headers)

    assert (response.status_code, error_code(response)) == (401, "unknown_session")


async def test_a_session_expires_after_its_lifetime(
    wx_client: httpx.AsyncClient, clock: FakeClock
) -> None:
    headers = await login(wx_client, "demo-frank")

    clock.advance(SESSION_LIFETIME - timedelta(seconds=1))
    assert (await wx_client.get(ME, headers=headers)).status_code == 200

    clock.advance(timedelta(seconds=1))
    response = await wx_client.get(ME, headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "session_expired"
    logout = await wx_client.post("/api/v1/wx/logout", headers=headers)
    assert (logout.status_code, error_code(logout)) == (401, "session_expired")


async def test_logout_revokes_that_session_only(wx_client: httpx.AsyncClient) -> None:
    phone = await login(wx_client, "demo-grace")
    tablet = await login(wx_client, "demo-grace.tablet")

    logout = await wx_client.post("/api/v1/wx/logout", headers=phone)

    assert logout.status_code == 204
    assert logout.content == b""
    refused = await wx_client.get(ME, headers=phone)
    assert (refused.status_code, error_code(refused)) == (401, "session_revoked")
    again = await wx_client.post("/api/v1/wx/logout", headers=phone)
    assert (again.status_code, error_code(again)) == (401, "session_revoked")
    still = await wx_client.get(ME, headers=tablet)
    assert still.status_code == 200
    assert still.json()["openid"] == demo_openid("grace")
    assert await UserSession.filter(revoked_at__isnull=False).count() == 1


async def test_logout_without_a_token_is_401(wx_client: httpx.AsyncClient) -> None:
    response = await wx_client.post("/api/v1/wx/logout")

    assert (response.status_code, error_code(response)) == (401, "missing_session_token")


STANDIN = "/demo/wx/sns/jscode2session"


async def test_the_stand_in_is_not_served_outside_demo_mode(client: httpx.AsyncClient) -> None:
    response = await client.get(STANDIN, params={"js_code": "demo-alice"})

    assert response.status_code == 404


async def test_the_stand_in_refuses_even_if_routed_outside_demo_mode(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    # A routing mistake must not open it: the view checks demo mode itself.
    assert not app.state.settings.demo
    e = DEMO_ENDPOINTS[0]
    app.router.routes.append(Route(e.path, e.handler, methods=[e.method], name=e.name))
    app.state.wechat_standin = WeChatStandIn()

    response = await client.get(
        STANDIN, params={"js_code": "demo-alice", "grant_type": "authorization_code"}
    )

    assert response.status_code == 404
    assert "openid" not in response.text


async def test_the_stand_in_speaks_jscode2session(wx_client: httpx.AsyncClient) -> None:
    params = {"appid": "a", "secret": "s", "grant_type": "authorization_code"}

    ok = await wx_client.get(STANDIN, params=params | {"js_code": "demo-heidi"})
    reused = await wx_client.get(STANDIN, params=params | {"js_code": "demo-heidi"})
    unknown = await wx_client.get(STANDIN, params=params | {"js_code": "heidi"})
    grant = await wx_client.get(
        STANDIN, params=params | {"js_code": "demo-ivan", "grant_type": "client_credential"}
    )

    assert ok.json()["openid"] == demo_openid("heidi")
    assert len(ok.json()["session_key"]) == 24
    assert reused.json()["errcode"] == 40163
    assert unknown.json()["errcode"] == 40029
    assert grant.json()["errcode"] == 40002


def test_demo_openids_are_stable_distinct_and_shaped_like_wechats() -> None:
    assert demo_openid("alice") == demo_openid("alice")
    assert demo_openid("alice") != demo_openid("bob")
    assert len(demo_openid("alice")) == 28
    assert demo_openid("alice").startswith("o")
