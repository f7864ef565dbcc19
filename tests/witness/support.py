"""Shared helpers of the witness tests: a log to witness, requests to send, and witnesses
running in processes of their own."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from chain.checkpoint import SignedCheckpoint
from chain.log import Log
from chain.witness import AddCheckpointRequest
from tests.servers import ROOT, clean_env, free_port, python

ORIGIN = "example.com/piaojia-witness-test"


async def grow(log: Log, prefix: bytes, count: int) -> SignedCheckpoint:
    """Append ``count`` entries to ``log``, integrate them and return the new checkpoint."""
    for i in range(count):
        await log.append(prefix + b"%d" % i)
    return await log.integrate()


async def request_body(log: Log, old_size: int, checkpoint: SignedCheckpoint) -> bytes:
    """An add-checkpoint body for ``checkpoint`` with ``log``'s proof from ``old_size``."""
    size = checkpoint.checkpoint.size
    proof = () if old_size in (0, size) else (await log.consistency_proof(old_size, size)).hashes
    return AddCheckpointRequest(old_size, proof, checkpoint.note).encode()


START_TIMEOUT = 20.0


def witness_command(*args: str) -> list[str]:
    """The command line of ``python -m backend.witness *args``."""
    return python("-m", "backend.witness", *args)


class WitnessProcess:
    """``python -m backend.witness serve`` in its own process, output kept in files."""

    def __init__(self, workdir: Path, name: str, log_keys: list[str]) -> None:
        self.workdir = workdir
        self.name = name
        self.key_file = workdir / "witness.pem"
        self.state = workdir / "state.db"
        self.log_keys = log_keys
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def verifier_key(self) -> str:
        """Run ``key``: the verifier key alone on stdout (creating the key on first use)."""
        done = subprocess.run(
            witness_command("key", "--name", self.name, "--key-file", str(self.key_file)),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=clean_env(),
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def start(self) -> None:
        assert self.process is None
        self.port = free_port()
        self.starts += 1
        logs = [arg for key in self.log_keys for arg in ("--log", key)]
        command = witness_command(
            "serve",
            *("--name", self.name, "--key-file", str(self.key_file), "--state", str(self.state)),
            *logs,
            *("--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"),
        )
        with open(self.output, "ab") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=clean_env(), stdout=output, stderr=output
            )

    @property
    def output(self) -> Path:
        return self.workdir / "output.log"

    async def wait_ready(self, http: httpx.AsyncClient) -> str:
        """Poll ``GET /key`` until the process answers; returns the key it serves."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited early:\n{self.output.read_text()}")
            try:
                response = await http.get(f"{self.url}/key")
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{self.name} did not start:\n{self.output.read_text()}")
                await asyncio.sleep(0.05)
                continue
            assert response.status_code == 200
            return response.text.strip()

    def stop(self) -> int:
        """Stop with SIGTERM (as a service manager would); returns the exit code."""
        process, self.process = self.process, None
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
            raise

    async def add_checkpoint(self, http: httpx.AsyncClient, body: bytes) -> httpx.Response:
        return await http.post(f"{self.url}/add-checkpoint", content=body)
