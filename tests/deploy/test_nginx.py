"""Piaojia as deployed: Debian's nginx ending TLS in front of two ``piaojia serve`` instances on
one PostgreSQL database, with one ``piaojia ledger sequence`` and one ``piaojia relay`` beside
them, all configured by the README's nginx configuration (``backend/deploy/nginx.conf``).

Issuing, scanning, email and verification go through nginx over HTTPS; the client's own
X-Forwarded-For changes nothing; then one instance is killed (SIGKILL) under load, and every
acknowledged receipt is there, the numbers gapless, every queued mail sent."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.config import Settings
from tests.deploy.support import (
    OTHER_CLIENT_ADDRESS,
    PROXY_ADDRESS,
    SITE_TEMPLATE,
    Edge,
    cashier_key,
    deployment_env,
    free_app_port,
    mail_server,
    nginx_in_front,
    render_site,
    rows,
)
from tests.factories import receipt_request
from tests.servers import ROOT, free_port, python, serve_command, serving, start, stop

pytestmark = pytest.mark.slow

LOAD = 80  # receipts issued while one instance is killed
KILL_AFTER = 25  # acknowledged receipts before the kill
RETRIED = {502, 503, 504}
# A key held by a killed request is taken over once its 60 s lease lapses.
RETRY_SECONDS = 180


def test_the_body_limit_at_nginx_is_the_apps() -> None:
    site = render_site(
        app_1="a:1", app_2="b:2", cache_dir="/c", listen="443", server_name="x",
        certificate="/c.pem", certificate_key="/k.pem",
    )  # fmt: skip
    assert "client_max_body_size 1m;" in site
    assert Settings().max_body_bytes == 1024 * 1024
    assert f"limit of {Settings().max_body_bytes} bytes" in site
    # Replaced, not appended to (nginx's $proxy_add_x_forwarded_for would keep the client's).
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "proxy_add_x_forwarded_for" not in site


def test_the_readme_shows_the_configuration_the_test_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Running it behind nginx") :]
    shown = section.split("```nginx\n", 1)[1].split("```", 1)[0]
    assert shown == SITE_TEMPLATE.read_text(encoding="utf-8")


def _issue(client: httpx.Client, key: str, serial: int) -> httpx.Response:
    """One receipt, sent again with the same Idempotency-Key, as a careful client does, while
    no instance could answer (nginx's 502 for the killed one's requests in flight) or the key
    is still held by a request that died with it (409 until its lease lapses, then taken over)."""
    payer = receipt_request()["payer"] | {"email": f"payer{serial}@example.com"}
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())}
    deadline = time.monotonic() + RETRY_SECONDS
    while True:
        try:
            answer = client.post(
                "/api/v1/hospital/receipts", json=receipt_request(payer=payer), headers=headers
            )
        except httpx.TransportError:
            answer = None
        held = (
            answer is not None
            and answer.status_code == 409
            and (answer.json()["error"]["code"] == "idempotency_key_in_progress")
        )
        if answer is not None and not held and answer.status_code not in RETRIED:
            return answer
        assert time.monotonic() < deadline, answer.text if answer else "no answer"
        time.sleep(0.5)


def _wait(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _through_nginx(edge: Edge, key: str, received: list[Any]) -> None:
    """Issuing, scanning, email, verification, the headers, the body limit and the tiles."""
    with edge.client() as client:
        health = client.get("/healthz")
        assert health.headers["strict-transport-security"] == "max-age=31536000"
        login = client.get("/console/login")
        assert login.status_code == 200 and "secure" in login.headers["set-cookie"].lower()

        too_large = client.post(
            "/api/v1/hospital/receipts",
            content=b"x" * (1024 * 1024 + 1),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        assert too_large.status_code == 413, too_large.text
        assert too_large.json()["error"]["code"] == "payload_too_large"
        assert too_large.headers["server"].startswith("nginx")  # refused before the app

        issued = _issue(client, key, 0)
        assert issued.status_code == 201, issued.text
        receipt = issued.json()
        assert receipt["scan_url"].startswith(edge.url + "/s/")
        scan_path = receipt["scan_url"].removeprefix(edge.url)
        scanned = client.get(scan_path, headers={"Accept": "application/json"})
        assert scanned.status_code == 200, scanned.text
        emailed = client.post(scan_path + "/email", json={"to": "li.si@example.com"})
        assert emailed.status_code == 202, emailed.text
        params = {"code": receipt["code"], "number": receipt["number"]}
        params["check"] = receipt["check_code"]

        def genuine() -> bool:
            return bool(client.get("/api/v1/verify", params=params).json().get("genuine"))

        _wait(genuine, 60, "the receipt to verify as genuine")
        _wait(lambda: len(received) >= 2, 120, "the issued copy and the asked-for copy")
        recipients = sorted(r for m in received for r in m.recipients)
        assert recipients == ["li.si@example.com", "payer0@example.com"]

        size = int(client.get("/ledger/checkpoint").text.splitlines()[1])
        tile = f"/ledger/tile/0/000.p/{size}"
        first, second = client.get(tile), client.get(tile)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        assert second.headers["x-cache-status"] == "HIT", second.headers


def _forged_addresses_change_nothing(edge: Edge, token: str) -> None:
    """Unknown scan codes sent under a new forged X-Forwarded-For each are counted against the
    one address nginx saw: refused after the limit, while another client is not."""
    answers: Counter[int] = Counter()
    with edge.client() as client:
        for n in range(8):
            forged = {"X-Forwarded-For": f"203.0.113.{n}", "Accept": "application/json"}
            answers[client.get("/s/" + "C" * 32, headers=forged).status_code] += 1
    assert answers == Counter({404: 4, 429: 4}), answers
    with edge.client(OTHER_CLIENT_ADDRESS) as other:
        assert other.get(f"/s/{token}", headers={"Accept": "application/json"}).status_code == 200
    log = edge.access_log()
    assert '127.0.0.2 "203.0.113.7" 429' in log  # nginx saw the real address and the forgery


def test_two_instances_behind_nginx_lose_nothing_when_one_is_killed(
    postgres_database_url: str, tmp_path: Path
) -> None:
    database = postgres_database_url
    edge_port = free_port()
    (one_port, one), (two_port, two) = free_app_port(), free_app_port()
    with mail_server() as (smtp_port, handler):
        env = deployment_env(
            database,
            tmp_path,
            PUBLIC_BASE_URL=f"https://127.0.0.1:{edge_port}",
            TRUSTED_PROXIES=PROXY_ADDRESS,
            SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
            SMTP_TIMEOUT="2",  # a killed relay's claims lapse in 3 × 4 × 2 s
            MAIL_RETRY_BASE="1",
            SCAN_SLOW_AFTER="4",
            SCAN_REFUSE_AFTER="4",
        )
        key = cashier_key(env, 1)  # makes the deployment CA before the instances share it
        started = time.monotonic()
        sequencer = start(
            python("-m", "backend", "ledger", "sequence"),
            port=0, env=env, log_path=tmp_path / "sequence.log",
        )  # fmt: skip
        relay = start(
            python("-m", "backend", "relay"), port=0, env=env, log_path=tmp_path / "relay.log"
        )
        try:
            with (
                serving(serve_command(one_port), port=one_port, env=env,
                        log_path=tmp_path / "one.log") as first,
                serving(serve_command(two_port), port=two_port, env=env,
                        log_path=tmp_path / "two.log"),
                nginx_in_front([one, two], edge_port, tmp_path) as edge,
            ):  # fmt: skip
                print(f"deployment up in {time.monotonic() - started:.1f} s")
                _through_nginx(edge, key, handler.received)
                first_token = rows(database, "SELECT token FROM scan_token LIMIT 1")
                _forged_addresses_change_nothing(edge, first_token[0]["token"])
                _kill_one_under_load(edge, key, first.process, database, handler.received)
        finally:
            for process in (sequencer, relay):
                assert stop(process.process) == 0, process.log()[-2000:]


def _kill_one_under_load(
    edge: Edge, key: str, victim: Any, database: str, received: list[Any]
) -> None:
    acknowledged: list[dict[str, Any]] = []
    lock = threading.Lock()
    killed = threading.Event()

    def one(serial: int) -> int:
        with edge.client() as client:
            answer = _issue(client, key, serial)
        with lock:
            if answer.status_code == 201:
                acknowledged.append(answer.json())
            if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                victim.send_signal(signal.SIGKILL)
                killed.set()
        return answer.status_code

    began = time.monotonic()
    with ThreadPoolExecutor(6) as pool:
        statuses = Counter(pool.map(one, range(1, LOAD + 1)))
    loaded = time.monotonic() - began
    assert killed.is_set() and victim.wait(timeout=10) == -signal.SIGKILL
    assert statuses == Counter({201: LOAD}), statuses

    ids = {row["id"] for row in rows(database, "SELECT id::text AS id FROM receipt")}
    assert {a["id"] for a in acknowledged} <= ids  # every acknowledged receipt is there
    assert len(ids) == LOAD + 1  # and no retry issued one twice (one was issued before)
    by_issuer: dict[Any, list[int]] = {}
    for row in rows(database, "SELECT issuer_id, number FROM receipt"):
        by_issuer.setdefault(row["issuer_id"], []).append(int(row["number"]))
    for numbers in by_issuer.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))  # gapless

    def all_sent() -> bool:
        states = rows(database, "SELECT state FROM outbox_message")
        return all(s["state"] == "sent" for s in states)

    began_mail = time.monotonic()
    _wait(all_sent, 180, "every queued mail to be sent")
    queued = {
        row["message_id"].strip("<>")
        for row in rows(database, "SELECT message_id FROM outbox_message")
    }
    arrived = {str(m.message["Message-ID"]).strip("<>") for m in received}
    assert queued <= arrived
    print(
        f"{LOAD} receipts in {loaded:.1f} s through nginx, one instance killed after "
        f"{KILL_AFTER}: {len(acknowledged)} acknowledged, {len(ids)} in the database, numbers "
        f"gapless; {len(queued)} mails all sent {time.monotonic() - began_mail:.1f} s later "
        f"({len(received)} deliveries, repeats allowed)"
    )
