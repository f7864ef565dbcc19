"""Server processes for the tests: start one, wait until it answers, stop it, show its log.

Every test that needs a real server process (``piaojia serve``, the test servers under tests/,
``http.server``) starts it through :func:`serving`, so that each one is waited for by polling
rather than by sleeping, stopped within a bounded time (killed if it will not stop), and its
log is in the failure message when it does not come up.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.factories import TEST_SECRET

ROOT = Path(__file__).resolve().parents[1]
# How long a server may take to answer its first request: generous, for a busy machine.
START_SECONDS = 60.0
# How long a stopped server may take to finish its requests and shut down before it is killed.
STOP_SECONDS = 30.0
POLL_SECONDS = 0.05


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on at the moment of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any ``PIAOJIA_`` setting, able to import the tests'
    modules, plus ``settings``: a child process sees only what the test gives it."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PIAOJIA_")}
    return inherited | {"PYTHONPATH": str(ROOT)} | settings


def python(*args: str) -> list[str]:
    """The command line running this interpreter with ``args``."""
    return [sys.executable, *args]


def serve_command(port: int, *extra: str) -> list[str]:
    """``piaojia serve`` on ``port`` (the console script is ``python -m backend``)."""
    return python("-m", "backend", "serve", "--port", str(port), *extra)


@dataclass(frozen=True)
class Running:
    """A server process that answers at ``url``; its output is in ``log_path``."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def stop(process: subprocess.Popen[bytes], seconds: float = STOP_SECONDS) -> int:
    """Stop ``process`` with SIGTERM, as a service manager would; kill it if it has not exited
    within ``seconds``. Returns its exit code; it has exited when this returns."""
    if process.poll() is None:
        process.terminate()
    return reap(process, seconds)


def reap(process: subprocess.Popen[bytes], seconds: float = STOP_SECONDS) -> int:
    """Wait for ``process``, already told to stop, to exit; kill it after ``seconds``. (A
    second SIGTERM would make uvicorn skip its graceful shutdown, so none is sent.)"""
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=seconds)


def start(
    command: Sequence[str], *, port: int, env: dict[str, str], log_path: Path, cwd: Path = ROOT
) -> Running:
    """Start ``command``, a server that will listen on 127.0.0.1:``port``, without waiting for
    it; its stdout and stderr go to ``log_path``. The caller stops it (see :func:`stop`)."""
    with log_path.open("ab") as log_file:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            list(command), env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT
        )
    return Running(f"http://127.0.0.1:{port}", process, log_path)


def wait_until_answering(
    server: Running, ready: str = "/healthz", *, what: str = "the server"
) -> None:
    """Return once ``GET ready`` gets any HTTP answer from ``server``; fail the test, showing
    its log, if the process exits first or takes longer than START_SECONDS."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            httpx.get(server.url + ready, timeout=1)
            return
        except httpx.TransportError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start ({server.url}):\n{server.log()}")
            time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def serving(
    command: Sequence[str],
    *,
    port: int,
    env: dict[str, str],
    log_path: Path,
    ready: str = "/healthz",
    cwd: Path = ROOT,
    what: str = "the server",
) -> Iterator[Running]:
    """Run ``command`` (a server listening on 127.0.0.1:``port``) until the block ends.

    Yields once ``ready`` answers; its stdout and stderr go to ``log_path``. On leaving the
    block the process is stopped (see :func:`stop`) whatever happened inside it.
    """
    server = start(command, port=port, env=env, log_path=log_path, cwd=cwd)
    try:
        wait_until_answering(server, ready, what=what)
        yield server
    finally:
        stop(server.process)


def serve_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a demo-mode deployment on ``database_url``, its files in tmp_path."""
    return clean_env(
        PIAOJIA_DEMO="1",
        PIAOJIA_DATABASE_URL=database_url,
        PIAOJIA_SECRET_KEY=TEST_SECRET,
        PIAOJIA_LEDGER_KEY_FILE=str(tmp_path / "ledger.key"),
        PIAOJIA_LEDGER_INTERVAL="0.2",
        PIAOJIA_RENDER_WORKERS="1",
        PIAOJIA_RENDER_WARM_UP="0",
        PIAOJIA_CA_DIR=str(tmp_path / "ca"),
        PIAOJIA_MAIL_DIR=str(tmp_path / "mail"),
        PIAOJIA_SMTP_URL=f"smtp://127.0.0.1:{free_port()}",
    )


@contextlib.contextmanager
def piaojia_serve(env: dict[str, str], log_path: Path, *extra: str) -> Iterator[str]:
    """``piaojia serve`` on a free port, its public base URL its own, until the block ends;
    yields its base URL."""
    port = free_port()
    env = env | {"PIAOJIA_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    with serving(serve_command(port, *extra), port=port, env=env, log_path=log_path) as up:
        yield up.url
