"""Running ``piaojia backup`` and ``piaojia restore`` as an operator does: a process per command,
with the settings in the environment."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from backend.cli import main
from backend.config import Settings
from tests.factories import LOG_SIGNER, TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent.parent
LOG_KEY = LOG_SIGNER.verifier().key_string()


def environment(settings: Settings) -> dict[str, str]:
    """The environment of a ``piaojia`` process configured like ``settings``."""
    witnesses = ";".join(f"{url} {key}" for url, key in settings.witnesses)
    return {k: v for k, v in os.environ.items() if not k.startswith("PIAOJIA_")} | {
        "PIAOJIA_DATABASE_URL": settings.database_url,
        "PIAOJIA_SECRET_KEY": TEST_SECRET,
        "PIAOJIA_LEDGER_KEY": LOG_SIGNER.key_string(),
        "PIAOJIA_PUBLIC_BASE_URL": settings.public_base_url,
        "PIAOJIA_CA_DIR": str(Path(tempfile.gettempdir()) / "piaojia-test-ca"),
        "PYTHONPATH": str(ROOT),
        **({"PIAOJIA_WITNESSES": witnesses} if witnesses else {}),
    }


def piaojia(
    settings: Settings, *args: str, user: int | None = None
) -> subprocess.CompletedProcess[str]:
    """``piaojia ARGS`` in its own process; ``user`` runs it as that user id."""
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        capture_output=True,
        text=True,
        env=environment(settings),
        cwd=tempfile.gettempdir(),
        timeout=120,
        user=user,
    )


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    def one_line_error(self) -> str:
        """The error of a failed command, which must be one line without a traceback."""
        assert self.code != 0, self.out
        lines = self.err.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in self.err, self.err
        return lines[0]


def run_here(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: Settings,
    *args: str,
) -> Ran:
    """``piaojia ARGS`` in this process (a fraction of a second, not several), configured by
    the environment like ``settings``."""
    for name in [k for k in os.environ if k.startswith("PIAOJIA_")]:
        monkeypatch.delenv(name)
    for name, value in environment(settings).items():
        if name.startswith("PIAOJIA_"):
            monkeypatch.setenv(name, value)
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)
