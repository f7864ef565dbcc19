"""The ``piaojia`` command run as a newcomer runs it: a separate process per command."""

from __future__ import annotations

import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.factories import LOG_KEY, LOG_SIGNER, TEST_SECRET
from tests.servers import ROOT, clean_env

# Commands write under ./var (the deployment CA); keep that out of the source tree.
WORKDIR = Path(tempfile.gettempdir()) / "piaojia-cli-tests"
WORKDIR.mkdir(exist_ok=True)


def piaojia(
    database_url: str, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``piaojia *args`` on ``database_url`` with the test secret (and ``env`` on top), run in
    WORKDIR unless ``cwd`` is given; its output captured."""
    environ = clean_env(PIAOJIA_DATABASE_URL=database_url, PIAOJIA_SECRET_KEY=TEST_SECRET)
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        capture_output=True,
        text=True,
        env=environ | (env or {}),
        cwd=cwd or WORKDIR,
        timeout=60,
    )


def ledger_environment(database_url: str) -> dict[str, str]:
    """The environment of a deployment on ``database_url`` whose ledger has the tests' key and
    integrates every 50 ms."""
    return clean_env(
        PIAOJIA_DATABASE_URL=database_url,
        PIAOJIA_SECRET_KEY=TEST_SECRET,
        PIAOJIA_LEDGER_KEY=LOG_SIGNER.key_string(),
        PIAOJIA_LEDGER_INTERVAL="0.05",
        PIAOJIA_CA_DIR=str(Path(tempfile.gettempdir()) / "piaojia-test-ca"),
    )


def ledger_piaojia(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``piaojia *args`` in the :func:`ledger_environment` of ``database_url``."""
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        capture_output=True,
        text=True,
        env=ledger_environment(database_url),
        cwd=ROOT,
        timeout=120,
    )


def cli_verify(tmp_path: Path, bundle: bytes, *options: str) -> subprocess.CompletedProcess[str]:
    """``piaojia ledger verify`` on ``bundle`` (JSON or a signed PDF), in its own process."""
    path = tmp_path / f"bundle-{secrets.token_hex(4)}"
    path.write_bytes(bundle)
    command = ["ledger", "verify", str(path), "--log-key", LOG_KEY, *options]
    return subprocess.run(
        [sys.executable, "-m", "backend", *command],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
    )
