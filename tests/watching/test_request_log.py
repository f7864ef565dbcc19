"""One access line per request with its request id (the client's when sane, echoed back), JSON
lines that parse, and no scan token whole in any of them."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from backend.logredact import shorten_tokens
from backend.watching.logs import ACCESS_LOGGER, REQUEST_ID, JsonFormatter, log_config
from backend.watching.web import request_id_of
from tests.factories import issuer_with_staff, receipt_request


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the access logger and the app's logger write, as JSON lines."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(ACCESS_LOGGER), logging.getLogger("piaojia.test")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield out
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_path_cut_already_is_cut_no_further() -> None:
    token = "AbC_-0123456789abcdefghijklmnopq"
    once = shorten_tokens(f"GET /s/{token}/proof and /s/{token}")
    assert once == "GET /s/AbC_-0…/proof and /s/AbC_-0…"
    assert shorten_tokens(once) == once
    assert shorten_tokens("/s/abc…") == "/s/abc…"


def test_a_sane_request_id_is_kept_and_anything_else_replaced() -> None:
    assert request_id_of(b"abc-123_X.y") == "abc-123_X.y"
    assert request_id_of(b"a" * 64) == "a" * 64
    for forged in (b"a" * 65, b"", b"a b", b"<script>", b"id;rm", "标识".encode(), b"a/b"):
        made = request_id_of(forged)
        assert re.fullmatch(r"[0-9a-f]{32}", made), forged
    assert request_id_of(None) != request_id_of(None)


async def test_the_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.01"})
    assert given.headers["x-request-id"] == "lb-7f3a.01"
    made = await client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    forged = await client.get("/healthz", headers={"X-Request-ID": "x" * 65})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])
    odd = await client.get("/healthz", headers={"X-Request-ID": 'a<b>"c'})
    assert odd.headers.get_list("x-request-id") == [odd.headers["x-request-id"]]
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"])
    # On an error answer too.
    missing = await client.get("/no-such-path", headers={"X-Request-ID": "r1"})
    assert missing.status_code == 404 and missing.headers["x-request-id"] == "r1"


async def test_json_access_lines_carry_the_request_id_and_no_whole_token(
    app: Starlette, client: httpx.AsyncClient, json_lines: io.StringIO
) -> None:
    cashier = await issuer_with_staff(app)
    issued = await client.post(
        "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
    )
    token = issued.json()["scan_url"].rsplit("/", 1)[1]
    json_lines.truncate(0)
    json_lines.seek(0)
    scanned = await client.get(f"/s/{token}", headers={"X-Request-ID": "scan-1"})
    proof = await client.get(f"/s/{token}/proof")
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == [
        "scan-1",
        proof.headers["x-request-id"],
    ]
    first = lines[0]
    assert first["logger"] == ACCESS_LOGGER and first["level"] == "info"
    assert first["method"] == "GET" and first["status"] == scanned.status_code == 200
    assert first["route"] == "/s/{token}"
    assert first["path"] == f"/s/{token[:6]}…"
    assert isinstance(first["duration_ms"], float)
    assert f'"GET /s/{token[:6]}… HTTP/1.1" 200' in first["message"]
    assert token not in json_lines.getvalue() and token[6:] not in json_lines.getvalue()


def test_records_logged_in_a_request_carry_its_id(json_lines: io.StringIO) -> None:
    token = "AbC_-0123456789abcdefghijklmnopq"
    reset = REQUEST_ID.set("inner-1")
    try:
        logging.getLogger("piaojia.test").warning("failed on /s/%s", token)
        try:
            raise RuntimeError(f"/s/{token}")
        except RuntimeError:
            logging.getLogger("piaojia.test").exception("boom")
    finally:
        REQUEST_ID.reset(reset)
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == ["inner-1", "inner-1"]
    assert lines[0]["message"] == "failed on /s/AbC_-0…" and lines[0]["level"] == "warning"
    assert "RuntimeError" in lines[1]["exception"] and token not in json_lines.getvalue()


def test_the_serve_log_configuration_applies() -> None:
    for json_lines_on in (True, False):
        config = log_config(json_lines=json_lines_on, level="info", access=False)
        logging.config.dictConfig(config)
        assert logging.getLogger(ACCESS_LOGGER).level == logging.WARNING
        assert not logging.getLogger("uvicorn.access").hasHandlers()
    # Back to the test run's own: nothing configured here leaks into other tests.
    for name in ("uvicorn", "uvicorn.access", "piaojia", ACCESS_LOGGER):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
