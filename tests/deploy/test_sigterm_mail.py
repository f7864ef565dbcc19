"""SIGTERM while mail is being handed to a slow SMTP server: the relay finishes the sends it has
begun, gives back what it claimed but had not begun, and the process exits 0; the ledger's
sequencer stops between rounds and leaves no lock behind.

Three stages on one PostgreSQL database and one mail server that takes DATA_SECONDS to accept
each message: ``piaojia serve`` (its own relay and sequencer) stopped while its first sends are
in progress, then ``piaojia relay`` beside ``piaojia ledger sequence`` stopped the same way, then
``piaojia relay`` sending the rest. After each stop every message whose DATA had begun has
arrived, each is ``sent`` with one attempt, the others ``queued`` with none, and no message is
left ``sending`` or claimed; in the end every message has arrived exactly once.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.anchoring.leader import ADVISORY_KEY
from tests.deploy.support import cashier_key, deployment_env, mail_server, rows
from tests.factories import receipt_request
from tests.outbox.support import RecordingHandler
from tests.servers import (
    Running,
    free_port,
    python,
    reap,
    serve_command,
    start,
    stop,
    wait_until_answering,
)

pytestmark = pytest.mark.slow

MESSAGES = 12  # three rounds of the relay's four connections
DATA_SECONDS = 1.5


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _sigterm_mid_send(process: Running, handler: RecordingHandler, before: int) -> int:
    """SIGTERM ``process`` once a send of its has begun; its exit code, once it has exited."""
    _wait(lambda: handler.data_begun > before, 120, f"a send of {process.log_path.stem}")
    process.process.send_signal(signal.SIGTERM)
    return reap(process.process, seconds=60)


def _settled(database: str, handler: RecordingHandler) -> dict[str, int]:
    """What is in the outbox after a stop, checked: every begun send arrived and is ``sent``
    with one attempt; nothing is ``sending`` or claimed; what is left is ``queued``, unattempted."""
    messages = rows(database, "SELECT state, claim, attempts FROM outbox_message")
    assert len(messages) == MESSAGES
    assert handler.data_begun == len(handler.received)  # no send cut off
    states = Counter(m["state"] for m in messages)
    assert set(states) <= {"sent", "queued"}, states
    assert states["sent"] == len(handler.received)
    assert all(m["claim"] is None for m in messages), messages
    assert all(m["attempts"] == (m["state"] == "sent") for m in messages), messages
    attempts = rows(database, "SELECT count(*) AS n FROM delivery_attempt")[0]["n"]
    assert attempts == states["sent"]
    return dict(states)


def _no_leader_and_integrated(database: str) -> dict[str, Any]:
    """No process holds the sequencer's lock, and the last checkpoint covers every statement
    given a leaf index (no round was left half-done)."""
    held = rows(
        database,
        "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    key = ADVISORY_KEY & 0xFFFFFFFF  # pg_locks shows a bigint key's low half as objid
    assert all(int(row["objid"]) != key for row in held), held
    leaves = rows(database, "SELECT count(leaf_index) AS n FROM ledger_entry")[0]["n"]
    size = rows(database, "SELECT coalesce(max(size), 0) AS n FROM ledger_checkpoint")[0]["n"]
    assert size == leaves
    pending = rows(database, "SELECT count(*) AS n FROM ledger_entry WHERE leaf_index IS NULL")
    return {"integrated": leaves, "pending": pending[0]["n"]}


def test_sigterm_lets_the_relay_finish_its_sends_and_the_sequencer_its_round(
    postgres_database_url: str, tmp_path: Path
) -> None:
    database = postgres_database_url
    slow = RecordingHandler(data_seconds=DATA_SECONDS)
    with mail_server(slow) as (smtp_port, handler):
        port = free_port()
        env = deployment_env(
            database, tmp_path, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            SMTP_URL=f"smtp://127.0.0.1:{smtp_port}", MAIL_CONCURRENCY="4",
        )  # fmt: skip
        headers = {"Authorization": f"Bearer {cashier_key(env, 4)}"}
        server = start(serve_command(port), port=port, env=env, log_path=tmp_path / "serve.log")
        relay = sequencer = None
        try:
            wait_until_answering(server)
            with httpx.Client(base_url=server.url, timeout=60) as client:
                for n in range(MESSAGES):
                    payer = receipt_request()["payer"] | {"email": f"payer{n}@example.com"}
                    body = receipt_request(payer=payer)
                    issued = client.post("/api/v1/hospital/receipts", json=body, headers=headers)
                    assert issued.status_code == 201, issued.text
            assert _sigterm_mid_send(server, handler, 0) == 0, server.log()[-3000:]
            after_serve = _settled(database, handler)
            ledger_after_serve = _no_leader_and_integrated(database)

            relay = start(python("-m", "backend", "relay"), port=0, env=env,
                          log_path=tmp_path / "relay.log")  # fmt: skip
            sequencer = start(python("-m", "backend", "ledger", "sequence"), port=0, env=env,
                              log_path=tmp_path / "sequence.log")  # fmt: skip
            time.sleep(1.0)  # a few of the sequencer's rounds (every 0.2 s)
            assert _sigterm_mid_send(relay, handler, len(handler.received)) == 0, relay.log()
            sequencer.process.send_signal(signal.SIGTERM)
            assert reap(sequencer.process, seconds=60) == 0, sequencer.log()
            after_relay = _settled(database, handler)
            ledger_after_relay = _no_leader_and_integrated(database)
            assert ledger_after_relay["pending"] == 0

            relay = start(python("-m", "backend", "relay"), port=0, env=env,
                          log_path=tmp_path / "relay-again.log")  # fmt: skip
            _wait(lambda: len(handler.received) == MESSAGES, 120, "every message")
            assert stop(relay.process) == 0, relay.log()
        finally:
            for process in (server, relay, sequencer):
                if process is not None and process.process.poll() is None:
                    process.process.kill()
                    process.process.wait()
        assert _settled(database, handler) == {"sent": MESSAGES}
    arrived = Counter(m.message_id.strip("<>") for m in handler.received)
    queued = {
        r["message_id"].strip("<>") for r in rows(database, "SELECT message_id FROM outbox_message")
    }
    assert set(arrived) == queued and set(arrived.values()) == {1}  # each exactly once
    print(
        f"{MESSAGES} mails, {DATA_SECONDS} s each at the server: serve stopped mid-send with "
        f"{after_serve}, ledger {ledger_after_serve}; relay and sequencer stopped mid-send with "
        f"{after_relay}, ledger {ledger_after_relay}; then all {MESSAGES} sent, each once"
    )
