"""``piaojia migrate`` while an instance serves, as a rolling upgrade runs it (README "Rolling out
a new version"): no request fails during it.

- On a database already migrated it applies nothing and takes no lock that blocks serving: it
  finishes while another session holds ROW EXCLUSIVE (what every write takes) on every table.
- Expand: on a database migrated to all but the newest migration (16, which widens
  ``receipt.number`` and adds a nullable column), an instance issuing and scanning keeps
  answering while ``piaojia migrate`` applies it. The instance runs this code, whose issuing and
  scanning send the SQL they sent before 16 (only transit invoices read the new column), so it
  stands for the old version on those paths.
- The rule itself, for the shipped migrations: each one only creates tables and indexes and
  adds nullable columns, except those named in NOT_EXPAND_ONLY with the reason.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import subprocess
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import pytest

from tests.deploy.support import cashier_key, deployment_env, rows
from tests.factories import receipt_request
from tests.postgres import POSTGRES_SERVER, admin, with_database
from tests.schema import MIGRATIONS, migrate_leaving_out, normalised
from tests.scratch_databases import drop_later
from tests.servers import ROOT, piaojia_serve, python

LOADERS = 2  # threads issuing a receipt and scanning it, over and over: a light load
NEWEST = int(MIGRATIONS[-1].name.split("_")[0])

# The shipped migrations that do more than add (PostgreSQL), and why each is still safe or not.
NOT_EXPAND_ONLY = {
    # Makes four foreign keys DEFERRABLE: looser, so old code is unaffected.
    11: "ALTER CONSTRAINT",
    # Personal-data columns become BYTEA: old code writes text. A contract, run stopped.
    12: "ALTER COLUMN",
    # Widens receipt.number to 20 characters: old code is unaffected (SQLite: a rebuild).
    16: "ALTER COLUMN",
}
_EXPAND = re.compile(
    r"(BEGIN|COMMIT|CREATE TABLE .*|CREATE (UNIQUE )?INDEX .*|COMMENT ON .*"
    r'|ALTER TABLE "\w+" ADD COLUMN (?!.*NOT NULL(?!.* DEFAULT )).*)',
    re.S,
)


def test_each_shipped_migration_only_expands_but_the_named_ones() -> None:
    postgres = SimpleNamespace(capabilities=SimpleNamespace(dialect="postgres"))
    found: dict[int, str] = {}
    for path in MIGRATIONS:
        module = importlib.import_module(f"backend.migrations.models.{path.stem}")
        sql = asyncio.run(module.upgrade(postgres))
        others = [s for s in normalised(sql) if not _EXPAND.fullmatch(s)]
        if others:
            kind = re.match(r'ALTER TABLE "\w+" (ALTER \w+)', others[0])
            found[int(path.name.split("_")[0])] = kind.group(1) if kind else others[0]
    # A new migration that does more than add belongs here, in the README and the CHANGELOG.
    assert found == NOT_EXPAND_ONLY


def _load(base: str, key: str, stop: threading.Event, log: list[tuple[float, str]]) -> None:
    """Issue a receipt and scan it until ``stop``; each answer's (time, outcome) in ``log``."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, timeout=60) as client:
        while not stop.is_set():
            try:
                issued = client.post("/api/v1/hospital/receipts", json=receipt_request(),
                                     headers=headers)  # fmt: skip
                log.append((time.monotonic(), f"issue {issued.status_code}"))
                if issued.status_code != 201:
                    continue
                scan = "/s/" + issued.json()["scan_url"].rsplit("/", 1)[1]
                scanned = client.get(scan, headers={"Accept": "application/json"})
                log.append((time.monotonic(), f"scan {scanned.status_code}"))
            except httpx.TransportError as error:
                log.append((time.monotonic(), f"{type(error).__name__}"))


def _migrate_under_load(env: dict[str, str], tmp_path: Path, hold: bool) -> dict[str, Any]:
    """``piaojia migrate`` while LOADERS issue and scan on a ``piaojia serve`` instance; with
    ``hold``, while another session holds ROW EXCLUSIVE on every table (so a migrate that needs
    a stronger lock would wait, and fail the test by its timeout). What happened, counted."""
    key = cashier_key(env, 3)
    url = env["PIAOJIA_DATABASE_URL"]
    log: list[tuple[float, str]] = []
    stop = threading.Event()
    loop = asyncio.new_event_loop()
    holder: asyncpg.Connection | None = None
    with piaojia_serve(env, tmp_path / "serve.log") as base, ThreadPoolExecutor(LOADERS) as pool:
        loads = [pool.submit(_load, base, key, stop, log) for _ in range(LOADERS)]
        try:
            while len(log) < 10:  # serving under load before the migrate begins
                assert not any(load.done() for load in loads)
                time.sleep(0.1)
            if hold:
                holder = loop.run_until_complete(_hold_row_exclusive(url))
            began = time.monotonic()
            migrated = subprocess.run(
                python("-m", "backend", "migrate"),
                capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
            )  # fmt: skip
            ended = time.monotonic()
            time.sleep(1.0)  # and it keeps serving after
        finally:
            stop.set()
            for load in loads:
                load.result()
            if holder is not None:
                loop.run_until_complete(holder.close())
            loop.close()
    assert migrated.returncode == 0, migrated.stderr
    during = Counter(what for at, what in log if began <= at <= ended)
    return {
        "stderr": migrated.stderr,
        "seconds": ended - began,
        "outcomes": Counter(what for _, what in log),
        "during": during,
    }


async def _hold_row_exclusive(url: str) -> asyncpg.Connection:
    connection = await asyncpg.connect(url.split("?")[0])
    tables = [r["tablename"] for r in await connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )]  # fmt: skip
    await connection.execute("BEGIN")
    names = ", ".join(f'"{t}"' for t in tables)
    await connection.execute(f"LOCK TABLE {names} IN ROW EXCLUSIVE MODE")
    return connection


def _all_answered(outcomes: Counter[str]) -> bool:
    return set(outcomes) == {"issue 201", "scan 200"}


@pytest.mark.slow
def test_migrate_on_a_migrated_database_applies_nothing_and_blocks_nobody(
    postgres_database_url: str, tmp_path: Path
) -> None:
    env = deployment_env(postgres_database_url, tmp_path)
    seen = _migrate_under_load(env, tmp_path, hold=True)
    assert "applied 0 migration(s)" in seen["stderr"]
    assert _all_answered(seen["outcomes"]), seen["outcomes"]
    assert sum(seen["during"].values()) > 0, seen  # the load went on during the migrate
    print(
        f"no-op migrate in {seen['seconds']:.1f} s beside ROW EXCLUSIVE on every table; "
        f"{dict(seen['during'])} during it, {dict(seen['outcomes'])} in all"
    )


@pytest.mark.slow
def test_migrate_expands_under_load_without_a_failed_request(
    postgres_database_url: str, tmp_path: Path
) -> None:
    # The fixture skips without PostgreSQL (fails in CI); this test needs a database of its own.
    name = f"piaojia_expand_{uuid.uuid4().hex[:8]}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    drop_later(name)
    url = with_database(POSTGRES_SERVER, name)
    asyncio.run(migrate_leaving_out(url, tmp_path / "old", NEWEST))
    added = "SELECT 1 FROM information_schema.columns WHERE column_name = 'red_confirmation'"
    assert rows(url, added) == []  # the database is one migration behind

    seen = _migrate_under_load(deployment_env(url, tmp_path), tmp_path, hold=False)
    assert f"applied 1 migration(s): {NEWEST}_" in seen["stderr"], seen["stderr"]
    assert _all_answered(seen["outcomes"]), seen["outcomes"]
    assert len(rows(url, added)) == 1
    print(
        f"migration {NEWEST} applied in {seen['seconds']:.1f} s under load; "
        f"{dict(seen['during'])} during it, {dict(seen['outcomes'])} in all"
    )
