"""The login as ``make run`` wires it: settings from the environment, services from
``build_services``, and in demo mode WeChat played by the app's own stand-in over real HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from backend.app import create_app
from backend.auth.standin import demo_openid
from backend.config import Settings, SettingsError, load_settings
from tests.factories import LOG_SIGNER, TEST_SECRET
from tests.lifespan import lifespan
from tests.servers import free_port


@pytest.fixture
async def served_demo(database_url: str) -> AsyncIterator[Settings]:
    """The demo app served by uvicorn on a free port, as ``make run`` serves it."""
    port = free_port()
    settings = load_settings(
        {
            "PIAOJIA_DEMO": "1",
            "PIAOJIA_DATABASE_URL": database_url,
            "PIAOJIA_PORT": str(port),
            "PIAOJIA_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "PIAOJIA_LEDGER_KEY": LOG_SIGNER.key_string(),
        }
    )
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or serving.done():
            break
        await asyncio.sleep(0.01)
    assert server.started
    yield settings
    server.should_exit = True
    await serving


async def test_demo_mode_logs_in_against_its_own_stand_in(served_demo: Settings) -> None:
    assert served_demo.wechat_base_url == f"{served_demo.public_base_url}/demo/wx"
    async with httpx.AsyncClient(base_url=served_demo.public_base_url, timeout=10) as http:
        login = await http.post("/api/v1/wx/login", json={"code": "demo-alice"})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        me = await http.get("/api/v1/me", headers=headers)

    assert me.json() == {"openid": demo_openid("alice"), "folder_count": 0}


async def test_outside_demo_mode_there_is_no_stand_in_and_no_unconfigured_login(
    database_url: str,
) -> None:
    settings = load_settings(
        {
            "PIAOJIA_SECRET_KEY": TEST_SECRET,
            "PIAOJIA_DATABASE_URL": database_url,
            "PIAOJIA_LEDGER_KEY": LOG_SIGNER.key_string(),
        }
    )
    assert settings.wechat_base_url == "https://api.weixin.qq.com"
    app = create_app(settings)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            standin = await http.get(
                "/demo/wx/sns/jscode2session",
                params={"js_code": "demo-alice", "grant_type": "authorization_code"},
            )
            login = await http.post("/api/v1/wx/login", json={"code": "demo-alice"})

    assert standin.status_code == 404
    assert login.status_code == 503
    assert login.json()["error"]["code"] == "wechat_login_not_configured"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WECHAT_APPID", "not-an-appid"),
        ("WECHAT_SECRET", "short"),
        ("WECHAT_BASE_URL", "ftp://api.weixin.qq.com"),
        ("WECHAT_TIMEOUT", "0"),
        ("SESSION_DAYS", "0"),
    ],
)
def test_a_malformed_wechat_setting_names_its_variable(variable: str, value: str) -> None:
    environ = {"PIAOJIA_SECRET_KEY": TEST_SECRET, f"PIAOJIA_{variable}": value}

    with pytest.raises(SettingsError, match=f"PIAOJIA_{variable}="):
        load_settings(environ)
