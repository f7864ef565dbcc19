"""Relays as real processes: one killed with SIGKILL mid-batch and restarted loses nothing and
repeats at most what was in flight; two on one PostgreSQL database send each message once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.outbox.mail_sink import LocalSmtpServer
from backend.outbox.models import MessageState, OutboxMessage
from tests.outbox.support import RecordingHandler, make_receipts, outbox_service, queue_emails
from tests.rows import column

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def now() -> datetime:
    return datetime.now(UTC)


def relay_process(database_url: str, port: int, concurrency: int = 4) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIAOJIA_")}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.outbox.relay_process",
            database_url,
            str(port),
            "--concurrency",
            str(concurrency),
        ],
        env=env | {"PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _wait_for(condition: object, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def test_a_relay_killed_mid_batch_delivers_everything_after_restart(
    outbox_db: str, smtp: LocalSmtpServer, handler: RecordingHandler
) -> None:
    receipts = await make_receipts(100)
    await queue_emails(outbox_service(now), receipts, lambda n: f"rider{n}@example.com")
    expected = set(await column(OutboxMessage.all(), "message_id"))

    first = relay_process(outbox_db, smtp.port)
    try:

        async def some_arrived() -> bool:
            return len(handler.received) >= 30

        await _wait_for(some_arrived, seconds=30, what="the first messages")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    in_flight = await OutboxMessage.filter(state=MessageState.SENDING).count()
    assert await OutboxMessage.filter(state=MessageState.QUEUED).exists()  # killed mid-batch

    second = relay_process(outbox_db, smtp.port)
    try:

        async def all_sent() -> bool:
            return await OutboxMessage.filter(state=MessageState.SENT).count() == 100

        await _wait_for(all_sent, seconds=60, what="every message to be sent")
    finally:
        _stop(second)

    copies = Counter(handler.ids())
    assert set(copies) == expected  # every message arrived at least once
    twice = [message_id for message_id, n in copies.items() if n > 1]
    assert all(n <= 2 for n in copies.values())
    # Only messages the killed relay held ("sending": claimed, sent or not, outcome not yet
    # committed) can arrive twice.
    assert len(twice) <= in_flight


async def test_two_relays_on_one_postgres_send_each_message_once(
    outbox_db: str, smtp: LocalSmtpServer, handler: RecordingHandler
) -> None:
    if not outbox_db.startswith("postgres"):
        pytest.skip("sharing the outbox between processes is PostgreSQL's job (SKIP LOCKED)")
    receipts = await make_receipts(500)
    await queue_emails(outbox_service(now), receipts, lambda n: f"p{n}@example.com")
    expected = set(await column(OutboxMessage.all(), "message_id"))

    relays = [relay_process(outbox_db, smtp.port), relay_process(outbox_db, smtp.port)]
    try:

        async def all_sent() -> bool:
            return await OutboxMessage.filter(state=MessageState.SENT).count() == 500

        await _wait_for(all_sent, seconds=90, what="every message to be sent")
    finally:
        for process in relays:
            _stop(process)

    copies = Counter(handler.ids())
    assert set(copies) == expected and set(copies.values()) == {1}
    # Each message was claimed once: neither relay took one the other held.
    claimed = await column(OutboxMessage.all(), "attempts")
    assert set(claimed) == {1}
