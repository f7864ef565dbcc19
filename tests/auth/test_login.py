"""Mini-program login: the happy path through the demo stand-in, and every way WeChat can
refuse or fail, none of which stores anything."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backend.auth.models import User, UserSession
from backend.auth.services import AuthService
from backend.auth.standin import demo_openid
from tests.clock import FakeClock
from tests.wechat import (
    SESSION_LIFETIME,
    WECHAT_APPID,
    WECHAT_SECRET,
    FakeWeChat,
    login,
    use_auth,
    wechat_client,
)

LOGIN = "/api/v1/wx/login"


async def nothing_stored() -> bool:
    return await User.all().count() == 0 and await UserSession.all().count() == 0


async def test_a_demo_code_logs_in_and_the_session_key_stays_on_the_server(
    wx_client: httpx.AsyncClient,
) -> None:
    response = await wx_client.post(LOGIN, json={"code": "demo-alice"})

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"token", "expires_at"}
    assert answer["expires_at"] == "2026-12-27T10:00:00+08:00"  # 30 days, China time
    user = await User.get(openid=demo_openid("alice"))
    session = await UserSession.get(user=user)
    assert session.token_hash == hashlib.sha256(answer["token"].encode()).hexdigest()
    assert session.session_key and session.session_key not in response.text
    assert await UserSession.filter(token_hash=answer["token"]).count() == 0

    me = await wx_client.get("/api/v1/me", headers={"Authorization": f"Bearer {answer['token']}"})
    assert me.status_code == 200
    assert me.json() == {"openid": demo_openid("alice"), "folder_count": 0}


async def test_logging_in_again_is_the_same_user_with_a_new_session(
    wx_client: httpx.AsyncClient,
) -> None:
    first = await login(wx_client, "demo-bob")
    second = await login(wx_client, "demo-bob.2")

    assert first != second
    assert await User.all().count() == 1
    assert await UserSession.all().count() == 2
    for headers in (first, second):
        me = await wx_client.get("/api/v1/me", headers=headers)
        assert me.json()["openid"] == demo_openid("bob")


async def test_a_login_code_works_once(wx_client: httpx.AsyncClient) -> None:
    await login(wx_client, "demo-carol")

    again = await wx_client.post(LOGIN, json={"code": "demo-carol"})

    assert again.status_code == 401
    assert again.json()["error"]["code"] == "invalid_login_code"
    assert await UserSession.all().count() == 1


async def test_a_code_the_stand_in_does_not_know_is_refused(wx_client: httpx.AsyncClient) -> None:
    response = await wx_client.post(LOGIN, json={"code": "081aBcDeFgHiJkLmNoPqRsTuVwXyZ012"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_login_code"
    assert await nothing_stored()


def wechat_answer(body: Any, status: int = 200) -> httpx.Response:
    # WeChat labels its JSON text/plain.
    return httpx.Response(status, content=json.dumps(body), headers={"Content-Type": "text/plain"})


async def test_the_request_to_wechat_is_jscode2session_with_our_credentials(
    wx_client: httpx.AsyncClient, fake_wechat: FakeWeChat
) -> None:
    seen: list[httpx.Request] = []

    def wechat(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return wechat_answer(
            {"openid": "oRealOpenid", "session_key": "c2Vzc2lvbg==", "unionid": "u1"}
        )

    fake_wechat(wechat)
    headers = await login(wx_client, "0a1b2c3d")

    assert len(seen) == 1
    assert seen[0].method == "GET"
    assert seen[0].url.path == "/demo/wx/sns/jscode2session"
    assert dict(seen[0].url.params) == {
        "appid": WECHAT_APPID,
        "secret": WECHAT_SECRET,
        "js_code": "0a1b2c3d",
        "grant_type": "authorization_code",
    }
    user = await User.get(openid="oRealOpenid")
    assert user.unionid == "u1"
    me = await wx_client.get("/api/v1/me", headers=headers)
    assert "c2Vzc2lvbg==" not in me.text and WECHAT_SECRET not in me.text


REFUSALS = [
    (40029, 401, "invalid_login_code"),
    (40163, 401, "invalid_login_code"),
    (45011, 429, "wechat_rate_limited"),
    (40226, 403, "login_blocked"),
    (-1, 503, "wechat_busy"),
    (40013, 503, "wechat_login_not_configured"),
    (40125, 503, "wechat_login_not_configured"),
    (61234, 503, "wechat_failed"),
]


@pytest.mark.parametrize(("errcode", "status", "code"), REFUSALS)
async def test_wechat_refusals_become_clear_answers_and_store_nothing(
    wx_client: httpx.AsyncClient, fake_wechat: FakeWeChat, errcode: int, status: int, code: str
) -> None:
    fake_wechat(lambda request: wechat_answer({"errcode": errcode, "errmsg": "refused"}))

    response = await wx_client.post(LOGIN, json={"code": "0a1b2c3d"})

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert WECHAT_SECRET not in response.text
    assert await nothing_stored()


async def test_the_rate_limit_answer_says_when_to_retry(
    wx_client: httpx.AsyncClient, fake_wechat: FakeWeChat
) -> None:
    fake_wechat(lambda request: wechat_answer({"errcode": 45011, "errmsg": "freq limit"}))

    response = await wx_client.post(LOGIN, json={"code": "0a1b2c3d"})

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectTimeout("timed out", request=request)


def refused_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


@pytest.mark.parametrize("handler", [timeout, read_timeout, refused_connection])
async def test_an_unreachable_wechat_is_503_and_stores_nothing(
    wx_client: httpx.AsyncClient, fake_wechat: FakeWeChat, handler: Any
) -> None:
    fake_wechat(handler)

    response = await wx_client.post(LOGIN, json={"code": "0a1b2c3d"})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "wechat_unreachable"
    assert await nothing_stored()


UNUSABLE = [
    ("server error", wechat_answer({"errcode": 0}, status=502)),
    ("not json", httpx.Response(200, content=b"<html>busy</html>")),
    ("json list", wechat_answer([1, 2])),
    ("errcode a string", wechat_answer({"errcode": "40029"})),
    ("no session_key", wechat_answer({"openid": "oX"})),
    ("empty openid", wechat_answer({"openid": "", "session_key": "k"})),
    ("openid too long", wechat_answer({"openid": "o" * 65, "session_key": "k"})),
]


@pytest.mark.parametrize(("case", "answer"), UNUSABLE, ids=[case for case, _ in UNUSABLE])
async def test_an_unusable_wechat_answer_is_503_and_stores_nothing(
    wx_client: httpx.AsyncClient, fake_wechat: FakeWeChat, case: str, answer: httpx.Response
) -> None:
    fake_wechat(lambda request: answer)

    response = await wx_client.post(LOGIN, json={"code": "0a1b2c3d"})

    assert response.status_code == 503, case
    assert response.json()["error"]["code"] == "wechat_failed"
    assert await nothing_stored()


BAD_BODIES: list[tuple[str, bytes, str, int, str]] = [
    ("no code", b"{}", "application/json", 422, "validation_failed"),
    ("empty code", b'{"code": ""}', "application/json", 422, "validation_failed"),
    ("code with a space", b'{"code": "a b"}', "application/json", 422, "validation_failed"),
    (
        "code too long",
        b'{"code": "' + b"a" * 129 + b'"}',
        "application/json",
        422,
        "validation_failed",
    ),
    ("code a number", b'{"code": 12}', "application/json", 422, "validation_failed"),
    ("extra field", b'{"code": "a", "openid": "x"}', "application/json", 422, "validation_failed"),
    ("not json", b"code=abc", "application/json", 400, "malformed_json"),
    ("form body", b"code=abc", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
]


@pytest.mark.parametrize(
    ("case", "body", "content_type", "status", "code"),
    BAD_BODIES,
    ids=[case for case, *_ in BAD_BODIES],
)
async def test_bad_login_bodies_are_4xx_and_never_reach_wechat(
    wx_client: httpx.AsyncClient,
    fake_wechat: FakeWeChat,
    case: str,
    body: bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return wechat_answer({"errcode": 40029})

    fake_wechat(answer)

    response = await wx_client.post(LOGIN, content=body, headers={"Content-Type": content_type})

    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert calls == []
    assert await nothing_stored()


async def test_without_an_appid_login_is_503_and_wechat_is_not_asked(
    wx_app: Starlette, wx_client: httpx.AsyncClient, clock: FakeClock
) -> None:
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return wechat_answer({})

    unconfigured = AuthService(
        wechat=wechat_client(
            httpx.MockTransport(answer),
            appid="",
        ),
        clock=clock,
        session_lifetime=SESSION_LIFETIME,
    )
    use_auth(wx_app, unconfigured)
    try:
        response = await wx_client.post(LOGIN, json={"code": "demo-dave"})
    finally:
        await unconfigured.close()

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "wechat_login_not_configured"
    assert calls == []
