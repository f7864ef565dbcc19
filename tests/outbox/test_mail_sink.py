"""The demo mail sink writes what it gets as .eml files, in the app or alone from the CLI."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

from backend.outbox.mail_sink import MailSink
from tests.outbox.support import send_message
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


async def test_each_message_becomes_an_eml_file_named_by_its_queue_id(tmp_path: Path) -> None:
    sink = MailSink(tmp_path / "mail", port=0)
    await sink.start()
    try:
        queue_id = await send_message(sink.port)
    finally:
        await sink.stop()
    (written,) = (tmp_path / "mail").iterdir()
    assert written.name == f"{queue_id}.eml"
    parsed = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Delivered-To"] == "a@example.com"
    assert parsed["Return-Path"] == "<noreply@piaojia.test>"
    assert str(parsed["Subject"]) == "票夹"


async def test_the_mail_sink_command_runs_alone_until_stopped(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend.cli",
            "mail-sink",
            "--port",
            str(port),
            "--directory",
            str(tmp_path / "mail"),
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                await send_message(port)
                break
            except Exception:
                assert time.monotonic() < deadline and process.poll() is None
                await asyncio.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert f"smtp://127.0.0.1:{port}" in stderr.decode()
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
