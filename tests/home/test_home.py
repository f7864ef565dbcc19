"""``/`` and ``/docs`` in-process: outside demo mode the home page names the service and links
only what is public; in demo mode, seeded as ``make run`` seeds, it links every part of the
demo and each link answers; ``/docs`` serves Swagger UI from the package's own files."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
from starlette.applications import Starlette

from backend.config import Settings
from backend.demo.accounts import DEMO_LOGINS, DEMO_RIDERS, demo_password

HREF = re.compile(r'href="([^"]+)"')


async def test_outside_demo_the_home_page_links_only_what_is_public(
    client: httpx.AsyncClient,
) -> None:
    home = await client.get("/")
    assert home.status_code == 200
    assert home.headers["content-type"].startswith("text/html")
    assert "票夹 Piaojia" in home.text
    assert set(HREF.findall(home.text)) == {"/verify", "/docs", "/ledger/checkpoint"}
    assert "script-src" not in home.headers["content-security-policy"]  # no script at all
    for link in ("/verify", "/docs"):
        assert (await client.get(link)).status_code == 200, link
    # A log that has signed nothing yet says so; once it has, the link is its checkpoint.
    unsigned = await client.get("/ledger/checkpoint")
    assert unsigned.json()["error"]["code"] == "no_checkpoint_yet"


async def test_in_demo_mode_the_home_page_links_every_part_and_each_link_works(
    demo: tuple[Starlette, Settings],
) -> None:
    application, settings = demo
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url=settings.public_base_url) as http:
        home = await http.get("/")
        assert home.status_code == 200
        links = [html.unescape(link) for link in HREF.findall(home.text)]
        paths = {link.split("?")[0] for link in links}
        assert {"/h5/folder", "/verify", "/console/login", "/docs", "/ledger/checkpoint"} <= paths
        scan = next(link for link in links if link.startswith("/s/"))
        verify = next(link for link in links if link.startswith("/verify?"))
        for link in links:
            assert (await http.get(link)).status_code == 200, link
        opened = await http.get(scan, headers={"Accept": "application/json"})
        assert opened.status_code == 200 and "广州示范人民医院" in opened.text
        checked = await http.get("/api/v1" + verify)
        assert checked.status_code == 200 and checked.json()["genuine"] is True, checked.text
    for login in DEMO_LOGINS:
        assert login.login in home.text and demo_password(settings, login.login) in home.text
    for rider in DEMO_RIDERS:
        assert rider in home.text


async def test_docs_is_swagger_ui_from_the_package_under_a_strict_policy(
    client: httpx.AsyncClient,
) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    policy = docs.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "connect-src 'self';" in policy
    assert "unsafe" not in policy and "http" not in policy  # nothing inline, no other host
    assert "<script>" not in docs.text  # the start-up script is a file
    assets = set(re.findall(r'(?:src|href)="(/docs/[^"]+)"', docs.text))
    assert assets == {"/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/docs.js"}
    media = {".css": "text/css", ".js": "text/javascript"}
    for asset in assets:
        answer = await client.get(asset)
        assert answer.status_code == 200, asset
        assert answer.headers["content-type"].startswith(media[Path(asset).suffix])
    assert "/openapi.json" in (await client.get("/docs/docs.js")).text
    assert "SwaggerUIBundle" in (await client.get("/docs/swagger-ui-bundle.js")).text
    for unknown in ("/docs/index.html", "/docs/swagger-ui.js.map", "/docs/..%2Fpyproject.toml"):
        missing = await client.get(unknown)
        assert missing.status_code == 404, unknown
        assert missing.json()["error"]["code"] == "no_such_endpoint"
