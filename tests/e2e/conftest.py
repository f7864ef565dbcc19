"""The server the browser tests run against: ``tests.e2e.server`` in demo mode on a free port,
with its own database, keys, CA and mail sink under the test's tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.support import ROOT, Server, free_port
from tests.factories import TEST_SECRET


@pytest.fixture
def server_env() -> dict[str, str]:
    """Settings a test module gives its server on top of the defaults (override to set)."""
    return {}


@pytest.fixture
def server(database_url: str, tmp_path: Path, server_env: dict[str, str]) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mail_dir = tmp_path / "mail"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIAOJIA_")} | {
        "PIAOJIA_DEMO": "1",
        "PIAOJIA_DATABASE_URL": database_url,
        "PIAOJIA_SECRET_KEY": TEST_SECRET,
        "PIAOJIA_LEDGER_KEY_FILE": str(tmp_path / "ledger.key"),
        "PIAOJIA_LEDGER_INTERVAL": "0.2",
        "PIAOJIA_PUBLIC_BASE_URL": url,
        "PIAOJIA_RENDER_WORKERS": "1",
        "PIAOJIA_CA_DIR": str(tmp_path / "ca"),
        "PIAOJIA_MAIL_DIR": str(mail_dir),
        # Demo mode runs its own mail sink on this port, writing to PIAOJIA_MAIL_DIR.
        "PIAOJIA_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
        "PYTHONPATH": str(ROOT),
    }
    env |= server_env
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.server", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(url + "/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"the server did not start: {log_path.read_text()}")
                    time.sleep(0.1)
            yield Server(url, env, mail_dir, workdir=tmp_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
