"""Receipts issued per second over HTTP, next to a bare Starlette endpoint on the same server.

    .venv/bin/python -m tests.bench.issue [--seconds 10] [--connections 64]

For PostgreSQL and SQLite, with one and with two uvicorn workers: start the server, let wrk
(Debian package ``wrk``) post the sample receipt (without an email address) from 64
connections, then request the bare
endpoint the same way, and print receipts/s, bare requests/s and their ratio. Afterwards it
checks that the numbers issued are 1..N without a gap. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from backend import db
from backend.config import Settings
from backend.issuers.models import IssuerKind, StaffRole
from backend.receipts.models import Receipt
from backend.secret import Secret
from backend.services import services_from_settings
from chain.note import NoteSigner
from tests.factories import credit_code
from tests.postgres import POSTGRES_SERVER, admin, with_database
from tests.rows import column
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "receipt.json"
# The sample receipt without the payer's email address: a payer who gives one also gets the
# PDF by email, drawn and sent in the background, which tests.bench.email measures on its own.
BENCH_RECEIPT = json.loads(SAMPLE.read_text(encoding="utf-8"))
BENCH_RECEIPT["payer"] = {k: v for k, v in BENCH_RECEIPT["payer"].items() if k != "email"}
SECRET = "bench-secret-key-0123456789abcdef0123"
LOG_KEY = NoteSigner.generate("piaojia.bench/ledger").key_string()


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, connections: int, script: Path | None) -> WrkResult:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|errors): .*?(\d+)", out))
    return WrkResult(rate, p50, p99, errors)


async def prepare(database_url: str, ca_dir: str) -> str:
    """Migrate, register a hospital and a cashier; return the cashier's key."""
    await db.migrate(database_url)
    settings = Settings(
        database_url=database_url,
        secret_key=Secret(SECRET),
        ledger_key=Secret(LOG_KEY),
        ca_dir=ca_dir,
        render_workers=1,
        render_warm_up=False,
    )
    services = services_from_settings(settings)
    await db.open_database(database_url)
    try:
        issuer = await services.issuers.create(
            kind=IssuerKind.HOSPITAL, name="基准医院", credit_code=credit_code(1), region="440100"
        )
        _, key = await services.staff.create(issuer_id=issuer.id, role=StaffRole.CASHIER, name="x")
        return key
    finally:
        await db.close_database()
        services.documents.close()


async def gapless(database_url: str) -> tuple[int, bool]:
    await db.open_database(database_url)
    try:
        numbers = sorted(int(n) for n in await column(Receipt.all(), "number"))
    finally:
        await db.close_database()
    return len(numbers), numbers == list(range(1, len(numbers) + 1))


def serve(
    database_url: str, workers: int, port: int, ca_dir: str | None = None
) -> subprocess.Popen[bytes]:
    """Start uvicorn on ``port``; its deployment CA lives in ``ca_dir`` (else in the
    ``PIAOJIA_CA_DIR`` of this process's environment), a throw-away directory."""
    ca_dir = ca_dir or os.environ.get("PIAOJIA_CA_DIR")
    if not ca_dir:
        raise RuntimeError("give serve() a throw-away ca_dir (or set PIAOJIA_CA_DIR)")
    env = os.environ | {
        "PIAOJIA_DATABASE_URL": database_url,
        "PIAOJIA_SECRET_KEY": SECRET,
        "PIAOJIA_LEDGER_KEY": LOG_KEY,
        "PIAOJIA_CA_DIR": ca_dir,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "uvicorn", "tests.bench.app:bench_app", "--factory",
               "--port", str(port), "--workers", str(workers), "--no-access-log",
               "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                time.sleep(1.0 if workers > 1 else 0.2)  # let every worker come up
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def run_one(label: str, database_url: str, workers: int, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as ca_dir:  # a throw-away deployment CA
        run_with_ca(label, database_url, workers, args, ca_dir)


def run_with_ca(
    label: str, database_url: str, workers: int, args: argparse.Namespace, ca_dir: str
) -> None:
    key = asyncio.run(prepare(database_url, ca_dir))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        body = json.dumps(BENCH_RECEIPT, ensure_ascii=False).replace("]]", "] ]")
        script.write(
            'wrk.method = "POST"\n'
            f"wrk.body = [[{body}]]\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {key}"\n'
        )
    port = free_port()
    server = serve(database_url, workers, port, ca_dir)
    try:
        base = f"http://127.0.0.1:{port}"
        wrk(f"{base}/bench/bare", 2, args.connections, None)  # warm-up
        issue = wrk(f"{base}/api/v1/hospital/receipts", args.seconds, args.connections,
                    Path(script.name))  # fmt: skip
        bare = wrk(f"{base}/bench/bare", args.seconds, args.connections, None)
    finally:
        stop(server)
        os.unlink(script.name)
    count, no_gaps = asyncio.run(gapless(database_url))
    print(
        f"| {label} | {workers} | {issue.requests_per_second:,.0f} | {issue.p50_ms:.1f} / "
        f"{issue.p99_ms:.1f} | {bare.requests_per_second:,.0f} | "
        f"{issue.requests_per_second / bare.requests_per_second:.3f} | "
        f"{count:,} {'gapless' if no_gaps else 'GAPS!'}"
        f"{f', {issue.errors} errors' if issue.errors else ''} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--databases", nargs="+", default=["postgres", "sqlite"])
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("this benchmark needs wrk: apt-get install wrk (or make bench)")

    print(f"{os.cpu_count()} cores; wrk -t2 -c{args.connections} -d{args.seconds}s\n")
    print("| database | workers | receipts/s | p50 / p99 ms | bare Starlette req/s | ratio | "
          "receipts in DB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for database in args.databases:
        for workers in args.workers:
            if database == "postgres":
                name = f"piaojia_bench_{os.getpid()}_{workers}"
                asyncio.run(admin(f'CREATE DATABASE "{name}"'))
                url = with_database(POSTGRES_SERVER, name) + "?minsize=1&maxsize=16"
                try:
                    run_one("PostgreSQL", url, workers, args)
                finally:
                    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                with tempfile.TemporaryDirectory() as folder:
                    url = f"sqlite://{folder}/bench.db?synchronous=NORMAL&busy_timeout=5000"
                    run_one("SQLite", url, workers, args)


if __name__ == "__main__":
    main()
