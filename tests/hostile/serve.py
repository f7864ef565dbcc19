"""Real ``piaojia serve`` processes for the tests that need sockets and several processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.support import ROOT, free_port
from tests.factories import TEST_SECRET


def serve_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a demo-mode deployment on ``database_url``, its files in tmp_path."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PIAOJIA_")} | {
        "PIAOJIA_DEMO": "1",
        "PIAOJIA_DATABASE_URL": database_url,
        "PIAOJIA_SECRET_KEY": TEST_SECRET,
        "PIAOJIA_LEDGER_KEY_FILE": str(tmp_path / "ledger.key"),
        "PIAOJIA_LEDGER_INTERVAL": "0.2",
        "PIAOJIA_RENDER_WORKERS": "1",
        "PIAOJIA_RENDER_WARM_UP": "0",
        "PIAOJIA_CA_DIR": str(tmp_path / "ca"),
        "PIAOJIA_MAIL_DIR": str(tmp_path / "mail"),
        "PIAOJIA_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
        "PYTHONPATH": str(ROOT),
    }


@contextlib.contextmanager
def serving(env: dict[str, str], log_path: Path, *extra: str) -> Iterator[str]:
    """``piaojia serve`` on a free port until the block ends; yields its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--port", str(port), *extra],
            env=env | {"PIAOJIA_PUBLIC_BASE_URL": url},
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
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
