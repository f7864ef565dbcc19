"""A real ``piaojia serve`` with two workers: JSON log lines, and ``/metrics`` adding up both
workers' counts (prometheus-client's multi-process mode) whichever worker is scraped."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from tests.commands import ledger_environment
from tests.servers import free_port, serve_command, serving
from tests.watching.support import METRICS_TOKEN, SCRAPER, samples, value

pytestmark = pytest.mark.slow
READY = {"method": "GET", "route": "/readyz", "status": "200"}


def test_two_workers_count_together_and_log_json_lines(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = ledger_environment(database_url) | {
        "PIAOJIA_LOG_FORMAT": "json",
        "PIAOJIA_METRICS_TOKEN": METRICS_TOKEN,
        # Several workers on SQLite share their rate limits through Redis.
        "PIAOJIA_REDIS_URL": "redis://127.0.0.1:6379/0",
        "PIAOJIA_REDIS_PREFIX": f"watch-{uuid.uuid4().hex[:8]}",
    }
    with serving(serve_command(port, "--workers", "2"), port=port, env=env, log_path=log) as up:

        def ready_count() -> float:
            scraped = httpx.get(up.url + "/metrics", headers=SCRAPER, timeout=30)
            assert scraped.status_code == 200, scraped.text
            return value(samples(scraped.text), "piaojia_http_requests_total", **READY)

        before = ready_count()
        for number in range(20):  # a new connection each: the kernel spreads them over both
            answer = httpx.get(
                up.url + "/readyz", headers={"X-Request-ID": f"probe-{number}"}, timeout=30
            )
            assert answer.status_code == 200, answer.text
            assert answer.headers["x-request-id"] == f"probe-{number}"
        counts = {ready_count() - before for _ in range(6)}
    assert counts == {20}, counts
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    probes = [r for r in records if str(r.get("request_id", "")).startswith("probe-")]
    assert sorted(r["request_id"] for r in probes) == sorted(f"probe-{n}" for n in range(20))
    assert all(r["route"] == "/readyz" and r["status"] == 200 for r in probes)
    assert any(r["logger"].startswith("uvicorn") for r in records)  # uvicorn's own, as JSON
