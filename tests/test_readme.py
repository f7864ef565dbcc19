"""The README's quick start works as written: ``make run``'s own steps (read from the Makefile)
seed a fresh deployment, ``piaojia serve`` prints the demo's URLs once it listens, and each
``sh`` block of the quick start, run alone in a fresh shell in the checkout, succeeds and prints
what the README says it does. Only the address differs: the test serves on a free port."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.support import wait_for_mail
from tests.servers import ROOT, piaojia_serve, serve_env

pytestmark = pytest.mark.slow

README = (ROOT / "README.md").read_text(encoding="utf-8")
QUICK_START = README[README.index("## Quick start") :].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```sh\n(.*?)```", QUICK_START, re.S)
README_URL = "http://127.0.0.1:8000"


def run_recipe() -> list[str]:
    """The commands of the Makefile's ``run`` target, as written there."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe is not None
    return [line.strip() for line in recipe.group(1).splitlines()]


def checkout(tmp_path: Path) -> Path:
    """A working directory like a checkout after ``make run``'s set-up: ``.venv/bin/piaojia``."""
    workdir = tmp_path / "checkout"
    (workdir / ".venv" / "bin").mkdir(parents=True)
    piaojia = workdir / ".venv" / "bin" / "piaojia"
    piaojia.write_text(f'#!/bin/sh\nexec {sys.executable} -m backend "$@"\n')
    piaojia.chmod(0o755)
    return workdir


def sh(script: str, *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def printed(log: Path, line: str, seconds: float = 60) -> str:
    """The log once ``line`` is in it: the server prints it just after it starts listening,
    so it can answer its first request a moment before."""
    deadline = time.monotonic() + seconds
    while line not in (text := log.read_text()):
        assert time.monotonic() < deadline, f"{line!r} not printed within {seconds} s:\n{text}"
        time.sleep(0.2)
    return text


def test_the_quick_start_blocks_are_found() -> None:
    assert len(BLOCKS) >= 4
    assert all(README_URL in block or "piaojia" in block or "mail" in block for block in BLOCKS)
    assert [line.split()[-1] for line in run_recipe()] == ["migrate", "--quiet", "serve"]


def test_the_quick_start_runs_as_written(database_url: str, tmp_path: Path) -> None:
    workdir = checkout(tmp_path)
    # The deployment make run makes: demo mode on the development key, files under var/.
    env = serve_env(database_url, tmp_path) | {"PIAOJIA_MAIL_DIR": str(workdir / "var" / "mail")}
    del env["PIAOJIA_SECRET_KEY"]
    # A second terminal has the same database and files, but no PIAOJIA_DEMO: the README's
    # `. var/demo-keys.env` must give it.
    shell = {k: v for k, v in env.items() if k != "PIAOJIA_DEMO"}
    for command in run_recipe()[:-1]:  # piaojia_serve() below runs the last one
        done = sh(command.replace("$(BIN)/", ".venv/bin/"), cwd=workdir, env=env)
        assert done.returncode == 0, done.stderr
    log = tmp_path / "serve.log"
    with piaojia_serve(env, log, "--no-access-log") as url:
        started = printed(log, "Piaojia demo is serving")
        assert started.index("Uvicorn running on") < started.index("Piaojia demo is serving")
        for label in ("home", "folder", "verify", "console", "API docs", "ledger", "mail sink"):
            assert label in started, label
        assert f"{url}/s/" in started and "login hospital-cashier password demo-" in started
        wait_for_mail(workdir / "var" / "mail", seconds=120)  # the demo receipt's, to its payer

        outputs = []
        for block in BLOCKS:
            done = sh(block.replace(README_URL, url), cwd=workdir, env=shell)
            assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
            outputs.append(done.stdout)

    issued = json.loads(outputs[0])
    assert issued["total"] == "85.60" and issued["scan_url"].startswith(url + "/s/")
    listed = json.loads(outputs[1])["receipts"]
    assert [r["number"] for r in listed] == ["0000000002", "0000000001"]  # the demo's, then ours
    trips = json.loads(outputs[2])["trips"]
    assert len(trips) == 6 and all(t["ref"].startswith("DEMO-xiaoming-") for t in trips)
    staff = outputs[3].splitlines()
    assert staff[0].split()[:4] == ["id", "login", "role", "active"]
    assert any("hospital-admin" in row for row in staff) and staff[-1] == "hospital-cashier"
    assert ".eml" in outputs[4] and "zhangsan@example.com" in outputs[4]
    assert "电子票据-" in outputs[4]  # the receipt PDF is attached
