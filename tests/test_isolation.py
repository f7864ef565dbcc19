"""One test whose app did not shut down cannot fail the tests after it.

A pytest run of its own (a subprocess, with this suite's fixtures) holds a test that leaves the
process-wide database context open, as an app whose shutdown timed out does, and a database
test after it on both databases.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
from backend import db


async def test_leaves_its_database_open(tmp_path):
    await db.open_database(f"sqlite://{tmp_path}/left-open.db")


async def test_after_it(client):
    assert (await client.get("/ledger/key")).status_code == 200
"""


def test_a_database_left_open_fails_only_the_test_that_left_it(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    run = subprocess.run(
        [
            sys.executable,
            *("-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "-p", "no:schemathesis"),
            *("-p", "tests.conftest"),
            *("-o", "asyncio_mode=auto", "--rootdir", str(tmp_path), "test_probe.py"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcomes = set(re.findall(r"^(PASSED|ERROR|FAILED) test_probe.py::(\S+)", run.stdout, re.M))
    assert ("ERROR", "test_leaves_its_database_open") in outcomes, run.stdout
    assert ("PASSED", "test_after_it[sqlite]") in outcomes, run.stdout
    assert {o for o in outcomes if o[1].startswith("test_after_it")} <= {
        ("PASSED", "test_after_it[sqlite]"),
        ("PASSED", "test_after_it[postgres]"),
    }, run.stdout
