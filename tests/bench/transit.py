"""Trips imported per second (JSON API and CSV) and invoices issued per second, next to a plain
bulk INSERT of the same rows in the same run.

    .venv/bin/python -m tests.bench.transit [--trips 50000] [--invoices 400] [--sqlite-only]

For SQLite (a file) and PostgreSQL (a fresh database on PIAOJIA_TEST_POSTGRES_URL's server):
migrate, then time (1) a plain multi-row INSERT of N trips in one transaction, no checks;
(2) the same N trips through ``POST /api/v1/transit/trips`` in batches of 10,000 (in-process
ASGI, so no network); (3) the same N trips from a CSV file through the streaming importer;
(4) riders logged in through the demo WeChat stand-in asking for invoices of 5 trips each,
16 at a time. Prints rates and the ratios to the plain INSERT. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from backend import db
from backend.app import create_app
from backend.auth.services import AuthService
from backend.auth.standin import WeChatStandIn, demo_openid
from backend.auth.views import DEMO_ENDPOINTS
from backend.auth.views import ENDPOINTS as AUTH_ENDPOINTS
from backend.auth.wechat_client import WeChatClient
from backend.clock import utc_now
from backend.config import Settings
from backend.folder.views import ENDPOINTS as FOLDER_ENDPOINTS
from backend.issuers.models import IssuerKind, StaffRole
from backend.secret import Secret
from backend.transit.csv_import import COLUMNS, import_csv
from backend.transit.models import Trip
from backend.transit.trips import TripImporter
from backend.transit.views import ENDPOINTS as TRANSIT_ENDPOINTS
from chain.note import NoteSigner
from tests.factories import credit_code
from tests.lifespan import lifespan

if "backend.transit.models" not in db.MODEL_MODULES:  # until the lead wires the models
    db.MODEL_MODULES.insert(db.MODEL_MODULES.index("aerich.models"), "backend.transit.models")

BASE = "https://piaojia.bench"
POSTGRES_SERVER = os.environ.get(
    "PIAOJIA_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"
)
NOW = datetime.now(UTC)
TRIPS_PER_INVOICE = 5
RIDERS = 50


def trip(n: int, prefix: str) -> dict[str, Any]:
    exit_at = NOW - timedelta(days=1) + timedelta(milliseconds=n)
    return {
        "ref": f"{prefix}-{n:09d}",
        "rider": {"openid": demo_openid(f"r{n % RIDERS}")},
        "entry": {"station": "体育西路", "at": (exit_at - timedelta(minutes=8)).isoformat()},
        "exit": {"station": "珠江新城", "at": exit_at.isoformat()},
        "fare": f"{2 + n % 7}.00",
        "channel": "qrcode",
    }


async def plain_insert(issuer_id: uuid.UUID, n: int) -> float:
    """Seconds for a bare multi-row INSERT of n trips (no validation, no conflict handling)."""
    conn = db.connection()
    mark = "?" if conn.capabilities.dialect == "sqlite" else None
    now = datetime.now(UTC)
    started = time.perf_counter()
    async with conn._in_transaction() as tx:  # the bare path, on purpose
        for start in range(0, n, 1000):
            values: list[str] = []
            params: list[Any] = []
            for k in range(start, min(n, start + 1000)):
                row = trip(k, "RAW")
                base = len(params)
                marks = [mark or f"${base + i}" for i in range(1, 12)]
                values.append("(" + ", ".join(marks) + ")")
                params += [
                    str(issuer_id), row["ref"], row["rider"]["openid"], None,
                    row["entry"]["station"], datetime.fromisoformat(row["entry"]["at"]),
                    row["exit"]["station"], datetime.fromisoformat(row["exit"]["at"]),
                    200 + 100 * (k % 7), row["channel"], now,
                ]  # fmt: skip
            await tx.execute_query(
                "INSERT INTO transit_trip (issuer_id, ref, rider_openid, rider_card, "
                "entry_station, entry_at, exit_station, exit_at, fare_fen, channel, imported_at) "
                f"VALUES {', '.join(values)}",
                params,
            )
    return time.perf_counter() - started


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for k in range(n):
            row = trip(k, "CSV")
            writer.writerow(
                [row["ref"], row["rider"]["openid"], "", row["entry"]["station"],
                 row["entry"]["at"], row["exit"]["station"], row["exit"]["at"], row["fare"],
                 row["channel"]]
            )  # fmt: skip


async def bench(database_url: str, workdir: Path, trips: int, invoices: int) -> dict[str, float]:
    await db.migrate(database_url)
    settings = Settings(
        database_url=database_url,
        secret_key=Secret("bench-secret-key-0123456789abcdef0123"),
        public_base_url=BASE,
        ledger_key=Secret(NoteSigner.generate("piaojia.bench/ledger").key_string()),
        ca_dir=str(workdir / "ca"),
        render_warm_up=False,
        demo=True,
    )
    app = create_app(settings)
    from starlette.routing import Route

    for e in [*AUTH_ENDPOINTS, *FOLDER_ENDPOINTS, *DEMO_ENDPOINTS, *TRANSIT_ENDPOINTS]:
        if e.name not in {getattr(r, "name", None) for r in app.router.routes}:
            app.router.routes.append(Route(e.path, e.handler, methods=[e.method], name=e.name))
    app.state.wechat_standin = WeChatStandIn()
    auth = AuthService(
        wechat=WeChatClient(
            base_url=f"{BASE}/demo/wx",
            appid="wx0123456789abcdef",
            secret=Secret("bench-app-secret"),
            timeout=5.0,
            transport=httpx.ASGITransport(app=app),
        ),
        clock=utc_now,
        session_lifetime=timedelta(days=1),
    )
    results: dict[str, float] = {}
    async with lifespan(app):
        app.state.services = dataclasses.replace(app.state.services, auth=auth)
        services = app.state.services
        raw_issuer = await services.issuers.create(
            kind=IssuerKind.TRANSIT, name="基准地铁甲", credit_code=credit_code(800_001),
            region="440100",
        )  # fmt: skip
        results["plain INSERT rows/s"] = trips / await plain_insert(raw_issuer.id, trips)

        issuer = await services.issuers.create(
            kind=IssuerKind.TRANSIT, name="基准地铁", credit_code=credit_code(800_002),
            region="440100",
        )  # fmt: skip
        _, key = await services.staff.create(
            issuer_id=issuer.id, role=StaffRole.OPERATOR, name="导入"
        )
        headers = {"Authorization": f"Bearer {key}", "content-type": "application/json"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=120) as client:
            bodies = [
                json.dumps({"trips": [trip(k, "API") for k in range(s, min(trips, s + 10_000))]})
                for s in range(0, trips, 10_000)
            ]
            started = time.perf_counter()
            for body in bodies:
                answer = await client.post("/api/v1/transit/trips", content=body, headers=headers)
                assert answer.status_code == 200, answer.text
            results["API trips/s"] = trips / (time.perf_counter() - started)

            path = workdir / "trips.csv"
            write_csv(path, trips)
            started = time.perf_counter()
            progress = await import_csv(TripImporter(clock=utc_now), issuer, path)
            results["CSV trips/s"] = trips / (time.perf_counter() - started)
            assert progress.new == trips

            riders = []
            for r in range(RIDERS):
                login = await client.post("/api/v1/wx/login", json={"code": f"demo-r{r}"})
                riders.append({"Authorization": f"Bearer {login.json()['token']}"})
            pool: dict[int, list[int]] = {}
            for r in range(RIDERS):
                ids = await Trip.filter(
                    issuer_id=issuer.id, rider_openid=demo_openid(f"r{r}")
                ).values_list("id", flat=True)
                pool[r] = sorted(int(str(i)) for i in ids)
            gate = asyncio.Semaphore(16)

            async def one(i: int) -> None:
                r = i % RIDERS
                ids = pool[r][:TRIPS_PER_INVOICE]
                del pool[r][:TRIPS_PER_INVOICE]
                body = {"trips": ids, "title": {"kind": "personal", "name": f"乘客{r}"}}
                async with gate:
                    answer = await client.post(
                        "/api/v1/folder/transit-invoices", json=body, headers=riders[r]
                    )
                assert answer.status_code == 201, answer.text

            started = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(invoices)))
            results["invoices/s"] = invoices / (time.perf_counter() - started)
    await auth.close()
    return results


async def postgres_database() -> tuple[str, str]:
    name = f"piaojia_bench_transit_{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(POSTGRES_SERVER)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base, _, _ = POSTGRES_SERVER.rpartition("/")
    return f"{base}/{name}", name


async def drop(name: str) -> None:
    conn = await asyncpg.connect(POSTGRES_SERVER)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def report(label: str, results: dict[str, float]) -> None:
    plain = results["plain INSERT rows/s"]
    print(f"{label}:")
    for name, rate in results.items():
        ratio = "" if name.startswith("plain") else f"   {rate / plain:6.1%} of plain INSERT"
        if name == "invoices/s":
            ratio = f"   ({rate * TRIPS_PER_INVOICE:,.0f} trips invoiced/s)"
        print(f"  {name:22} {rate:12,.0f}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trips", type=int, default=50_000)
    parser.add_argument("--invoices", type=int, default=400)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sqlite = asyncio.run(bench(f"sqlite://{work}/bench.db", work, args.trips, args.invoices))
        report("SQLite", sqlite)
        if not args.sqlite_only:
            url, name = asyncio.run(postgres_database())
            try:
                (work / "pg").mkdir()
                results = asyncio.run(
                    bench(url + "?maxsize=32", work / "pg", args.trips, args.invoices)
                )
                report("PostgreSQL", results)
            finally:
                asyncio.run(drop(name))


if __name__ == "__main__":
    main()
