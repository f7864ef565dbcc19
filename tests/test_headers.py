"""Security headers on every answer: pages, JSON and files; HSTS only behind an https base URL;
no Referer out of a scan page."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from pathlib import Path

import httpx
from starlette.applications import Starlette

from backend.app import create_app
from backend.config import Settings
from backend.headers import DATA_POLICY, FILE_POLICY, HSTS, page_policy, style_sources
from backend.secret import Secret
from tests.factories import LOG_SIGNER, TEST_SECRET, issuer_with_staff, receipt_request

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PAGE_POLICY = page_policy(style_sources())


async def scan_path(app: Starlette, client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    cashier = await issuer_with_staff(app)
    issued = await client.post(
        "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
    )
    assert issued.status_code == 201, issued.text
    return issued.json()["scan_url"].removeprefix("https://piaojia.test"), cashier.headers


def assert_common(response: httpx.Response, referrer: str) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == referrer
    assert response.headers["strict-transport-security"] == HSTS  # the base URL is https


async def test_every_kind_of_answer_carries_its_headers(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    path, staff = await scan_path(app, client)

    page = await client.get(path, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert_common(page, "no-referrer")  # the URL is the token: it must not travel on
    assert page.headers["content-security-policy"] == PAGE_POLICY
    assert "frame-ancestors 'none'" in PAGE_POLICY and "script-src" not in PAGE_POLICY
    assert "unsafe-inline" not in PAGE_POLICY and "'sha256-" in PAGE_POLICY
    assert page.headers["x-frame-options"] == "DENY"

    unknown = await client.get("/s/" + "B" * 32, headers=HTML)  # the not-found page
    assert unknown.status_code == 404
    assert unknown.headers["content-security-policy"] == PAGE_POLICY
    assert_common(unknown, "no-referrer")

    as_json = await client.get(path, params={"format": "json"})
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_json.headers["content-security-policy"] == DATA_POLICY
    assert_common(as_json, "no-referrer")

    pdf = await client.get(path + "/receipt.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-security-policy"] == FILE_POLICY
    assert_common(pdf, "no-referrer")

    verify = await client.get("/verify", headers=HTML)
    assert verify.headers["content-security-policy"] == PAGE_POLICY
    assert_common(verify, "no-referrer")  # its query carries a receipt's check code

    api = await client.get("/api/v1/hospital/receipts", headers=staff)
    assert api.status_code == 200
    assert api.headers["content-security-policy"] == DATA_POLICY
    assert_common(api, "strict-origin")
    assert "x-frame-options" not in api.headers

    for answer in (await client.get("/nowhere"), await client.put("/healthz")):
        assert answer.status_code in (404, 405)
        assert answer.headers["content-security-policy"] == DATA_POLICY
        assert_common(answer, "strict-origin")

    text = await client.get("/ledger/key")
    assert text.headers["content-security-policy"] == DATA_POLICY
    assert_common(text, "strict-origin")


async def test_a_views_own_policy_is_kept(client: httpx.AsyncClient) -> None:
    folder = await client.get("/h5/folder", headers=HTML)
    policy = folder.headers["content-security-policy"]
    assert "script-src 'nonce-" in policy  # the folder's script runs by its nonce
    assert folder.headers.get_list("content-security-policy") == [policy]
    assert_common(folder, "no-referrer")

    login = await client.get("/console/login", headers=HTML)
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    assert login.headers.get_list("x-frame-options") == ["DENY"]
    assert_common(login, "no-referrer")


def settings_at(base_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite://{tmp_path / 'unused.db'}",  # /healthz reads no database
        secret_key=Secret(TEST_SECRET),
        public_base_url=base_url,
        ledger_key=Secret(LOG_SIGNER.key_string()),
        ca_dir=str(tmp_path / "ca"),
        render_warm_up=False,
    )


async def test_hsts_only_when_the_public_base_url_is_https(tmp_path: Path) -> None:
    plain = settings_at("http://127.0.0.1:8000", tmp_path)
    found = {}
    for settings in (plain, dataclasses.replace(plain, public_base_url="HTTPS://piaojia.test")):
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
            answer = await http.get("/healthz")
        assert answer.headers["x-content-type-options"] == "nosniff"
        found[settings.public_base_url] = answer.headers.get("strict-transport-security")
    assert found == {"http://127.0.0.1:8000": None, "HTTPS://piaojia.test": HSTS}


def test_the_style_hashes_are_those_of_the_templates_stylesheets(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<style>\n  b { color: red; }\n</style>", "utf-8")
    (tmp_path / "live.html").write_text("<style>b { color: {{ colour }}; }</style>", "utf-8")
    # sha256 of "\n  b { color: red; }\n", the text the browser hashes; the block with template
    # syntax is left out.
    digest = base64.b64encode(hashlib.sha256(b"\n  b { color: red; }\n").digest()).decode()
    assert style_sources(tmp_path) == f"'sha256-{digest}'"
    assert "style-src 'none'" in page_policy(style_sources(tmp_path / "empty"))
