"""Console test fixtures: a client of the app that does not follow redirects, the clock of
``clocked_app``, and the console's server process for the browser tests."""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from tests.clock import FakeClock
from tests.factories import LOG_SIGNER, TEST_SECRET
from tests.servers import clean_env, free_port, python, serving


@pytest.fixture
def clock() -> FakeClock:
    """Starts at the real now."""
    return FakeClock()


@pytest.fixture
async def cclient(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://piaojia.test", follow_redirects=False
    ) as http:
        yield http


@pytest.fixture
def server_args() -> list[str]:
    """More arguments for ``tests.console.server`` (a module may override this fixture)."""
    return []


@pytest.fixture
def server(
    database_url: str, tmp_path: Path, server_args: list[str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """``tests.console.server`` on a free port, seeded; its URL and what it seeded (logins and
    issuer ids by name)."""
    port = free_port()
    seed_file = tmp_path / "seed.json"
    env = clean_env(
        PIAOJIA_DATABASE_URL=database_url,
        PIAOJIA_SECRET_KEY=TEST_SECRET,
        PIAOJIA_LEDGER_KEY=LOG_SIGNER.key_string(),
        PIAOJIA_LEDGER_INTERVAL="0.2",
        PIAOJIA_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        PIAOJIA_RENDER_WORKERS="1",
        PIAOJIA_CA_DIR=str(Path(tempfile.gettempdir()) / "piaojia-test-ca"),
    )
    command = python("-m", "tests.console.server", str(port), str(seed_file), *server_args)
    with serving(command, port=port, env=env, log_path=tmp_path / "server.log") as up:
        yield up.url, json.loads(seed_file.read_text())
