"""A real `piaojia serve` logs scan URLs (bearer capabilities) cut short, never whole."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx

from backend.logredact import ShortenTokens, install, shorten_tokens
from tests.commands import ledger_environment, ledger_piaojia
from tests.factories import credit_code, receipt_request
from tests.servers import free_port, serve_command, serving


def test_tokens_are_cut_in_any_path_and_any_argument() -> None:
    token = "AbC_-0123456789abcdefghijklmnopq"
    assert shorten_tokens(f"GET /s/{token}/proof HTTP/1.1") == "GET /s/AbC_-0…/proof HTTP/1.1"
    assert shorten_tokens(f"/s/{token}?emailed=a***@x.cn") == "/s/AbC_-0…?emailed=a***@x.cn"
    assert shorten_tokens("/api/v1/hospital/receipts") == "/api/v1/hospital/receipts"
    record = logging.LogRecord("uvicorn.access", 20, "", 0, "%s %s", ("GET", f"/s/{token}"), None)
    assert ShortenTokens().filter(record) and token not in record.getMessage()
    install()
    install()  # once per logger, however often an app is made
    assert (
        sum(isinstance(f, ShortenTokens) for f in logging.getLogger("uvicorn.access").filters) == 1
    )


def test_the_access_log_of_a_real_server_shows_no_whole_token(
    database_url: str, tmp_path: Path
) -> None:
    issuer = ledger_piaojia(
        database_url, "issuer", "create", "--kind", "hospital", "--name", "医院",
        "--credit-code", credit_code(77), "--region", "440100",
    ).stdout.strip()  # fmt: skip
    key = ledger_piaojia(
        database_url, "staff", "create", "--issuer", issuer, "--role", "cashier", "--name", "甲"
    ).stdout.strip()
    port = free_port()
    log = tmp_path / "serve.log"
    env = ledger_environment(database_url)
    with serving(serve_command(port), port=port, env=env, log_path=log) as up:
        base = up.url
        issued = httpx.post(
            base + "/api/v1/hospital/receipts",
            json=receipt_request(),
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert issued.status_code == 201, issued.text
        token = issued.json()["scan_url"].rsplit("/", 1)[1]
        for path in (f"/s/{token}", f"/s/{token}/proof", f"/s/{token}/receipt.pdf"):
            assert httpx.get(base + path, timeout=30).status_code < 500
    text = log.read_text(encoding="utf-8")
    assert f'"GET /s/{token[:6]}…/proof HTTP/1.1"' in text  # the request is still logged
    assert token not in text and token[6:] not in text
