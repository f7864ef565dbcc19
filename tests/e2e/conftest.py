"""The server the browser tests run against: ``tests.e2e.server`` in demo mode on a free port,
with its own database, keys, CA and mail sink under the test's tmp_path; and the worker's one
Chromium (see tests/browsers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.support import Server
from tests.factories import TEST_SECRET
from tests.servers import clean_env, free_port, python, serving


@pytest.fixture
def server_env() -> dict[str, str]:
    """Settings a test module gives its server on top of the defaults (override to set)."""
    return {}


@pytest.fixture
def server(database_url: str, tmp_path: Path, server_env: dict[str, str]) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mail_dir = tmp_path / "mail"
    env = clean_env(
        PIAOJIA_DEMO="1",
        PIAOJIA_DATABASE_URL=database_url,
        PIAOJIA_SECRET_KEY=TEST_SECRET,
        PIAOJIA_LEDGER_KEY_FILE=str(tmp_path / "ledger.key"),
        PIAOJIA_LEDGER_INTERVAL="0.2",
        PIAOJIA_PUBLIC_BASE_URL=url,
        PIAOJIA_RENDER_WORKERS="1",
        PIAOJIA_CA_DIR=str(tmp_path / "ca"),
        PIAOJIA_MAIL_DIR=str(mail_dir),
        # Demo mode runs its own mail sink on this port, writing to PIAOJIA_MAIL_DIR.
        PIAOJIA_SMTP_URL=f"smtp://127.0.0.1:{free_port()}",
    )
    env |= server_env
    command = python("-m", "tests.e2e.server", str(port))
    with serving(command, port=port, env=env, log_path=tmp_path / "server.log"):
        yield Server(url, env, mail_dir, workdir=tmp_path)
