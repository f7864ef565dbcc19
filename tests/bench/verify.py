"""Public verifications (查验, with inclusion proof) per second, next to a bare Starlette endpoint.

    .venv/bin/python -m tests.bench.verify [--receipts 3000] [--seconds 10] [--connections 64]

PostgreSQL (a database created and dropped here, on the server of ``PIAOJIA_TEST_POSTGRES_URL``),
one uvicorn worker. Issues ``--receipts`` receipts of one hospital through the real issuing
code (``HospitalService.issue``: numbering, items, ``issued`` event, ledger statement), then
integrates every statement with the app's ``Log`` (the sequencer's ``integrate``), so each
receipt is anchored and its verification carries an inclusion proof. Starts the server with
the verification limits set out of reach, checks a sample of answers (200, genuine, anchored,
with a proof), then lets wrk request ``GET /api/v1/verify?code=&number=&check=`` for triples
drawn at random from all receipts, then the bare endpoint the same way, and prints requests/s,
p50/p99, non-2xx answers and the ratio. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tortoise.transactions import in_transaction

from backend import db
from backend.config import Settings
from backend.hospital.schemas import IssueMedicalReceipt
from backend.issuers.models import IssuerKind, Staff, StaffRole
from backend.secret import Secret
from backend.services import services_from_settings
from tests.bench.issue import (
    LOG_KEY,
    SAMPLE,
    SECRET,
    WrkResult,
    serve,
    stop,
    wrk,
)
from tests.factories import credit_code
from tests.postgres import POSTGRES_SERVER, admin, with_database
from tests.servers import free_port

OUT_OF_REACH = str(10**9)  # daily and per-address verification limits, for the bench only
SAMPLE_CHECKS = 50

# Each wrk thread reads the triples once and verifies one at random per request.
LUA = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local paths = {}
init = function(args)
  for line in io.lines("%(triples)s") do
    local code, number, check = line:match("(%%S+) (%%S+) (%%S+)")
    paths[#paths + 1] = "/api/v1/verify?code=" .. code .. "&number=" .. number
      .. "&check=" .. check
  end
  math.randomseed(os.time() * 100 + id)
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


async def fill(
    database_url: str, ca_dir: str, count: int, triples_file: Path
) -> tuple[float, float, int]:
    """Issue ``count`` receipts and integrate their statements; the seconds each step took
    and the tree size."""
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
    request = IssueMedicalReceipt.model_validate_json(SAMPLE.read_text(encoding="utf-8"))
    # The sample's payer e-mail soon reaches its daily mail limit: one warning per receipt.
    logging.getLogger("piaojia.hospital").setLevel(logging.ERROR)
    await db.open_database(database_url)
    try:
        issuer = await services.issuers.create(
            kind=IssuerKind.HOSPITAL, name="基准医院", credit_code=credit_code(3), region="440100"
        )
        created, _ = await services.staff.create(
            issuer_id=issuer.id, role=StaffRole.CASHIER, name="x"
        )
        staff = await Staff.get(id=created.id).select_related("issuer")
        started = time.monotonic()
        with triples_file.open("w") as out:
            for _ in range(count):
                async with in_transaction() as conn:
                    loaded = await services.hospital.issue(conn, staff=staff, request=request)
                receipt = loaded.receipt
                out.write(f"{receipt.code} {receipt.number} {receipt.check_code}\n")
        issued = time.monotonic() - started
        started = time.monotonic()
        size = 0
        while size < count:  # the sequencer's integration, run to the end before serving
            signed = await services.anchoring.ledger.integrate(settings.ledger_batch)
            if signed.checkpoint.size == size:
                raise RuntimeError(f"integration stalled at {size} of {count} statements")
            size = signed.checkpoint.size
        integrated = time.monotonic() - started
        return issued, integrated, size
    finally:
        await db.close_database()
        services.documents.close()


def check_sample(base: str, triples_file: Path, sample: int) -> list[str]:
    """Verify ``sample`` random receipts once; what was wrong with the answers."""
    triples = triples_file.read_text().split("\n")[:-1]
    problems = []
    for line in random.sample(triples, min(sample, len(triples))):
        code, number, check = line.split()
        query = urllib.parse.urlencode({"code": code, "number": number, "check": check})
        try:
            with urllib.request.urlopen(f"{base}/api/v1/verify?{query}", timeout=10) as answer:
                status, body = answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            problems.append(f"{code}-{number}: HTTP {exc.code}")
            continue
        entries = body["ledger"]["entries"]
        if status != 200 or body["result"] != "genuine" or not body["genuine"]:
            problems.append(f"{code}-{number}: {status} {body['result']} {body['problems']}")
        elif body["ledger"]["state"] == "pending" or not entries:
            problems.append(f"{code}-{number}: not anchored ({body['ledger']['state']})")
        elif any(e["leaf_index"] is None or not e["inclusion_proof"] for e in entries):
            problems.append(f"{code}-{number}: a statement without an inclusion proof")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--receipts", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("this benchmark needs wrk: apt-get install wrk (or make bench)")
    if args.receipts < 2:
        sys.exit("--receipts: at least 2, so that inclusion proofs are not empty")

    # Read by the server started below: every request comes from one address, 64 at a time.
    os.environ["PIAOJIA_VERIFY_DAILY_LIMIT"] = OUT_OF_REACH
    os.environ["PIAOJIA_VERIFY_SLOW_AFTER"] = OUT_OF_REACH
    os.environ["PIAOJIA_VERIFY_REFUSE_AFTER"] = OUT_OF_REACH
    name = f"piaojia_bench_verify_{os.getpid()}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = with_database(POSTGRES_SERVER, name) + "?minsize=1&maxsize=16"
    with tempfile.TemporaryDirectory() as folder:
        triples_file, script = Path(folder) / "triples.txt", Path(folder) / "verify.lua"
        ca_dir = str(Path(folder) / "ca")  # a throw-away CA, shared by set-up and server
        try:
            issued_s, integrated_s, tree_size = asyncio.run(
                fill(url, ca_dir, args.receipts, triples_file)
            )
            script.write_text(LUA % {"triples": triples_file})
            port = free_port()
            server = serve(url, 1, port, ca_dir)
            try:
                base = f"http://127.0.0.1:{port}"
                problems = check_sample(base, triples_file, SAMPLE_CHECKS)
                wrk(f"{base}/bench/bare", 2, args.connections, None)  # warm-up
                wrk(f"{base}/", 2, args.connections, script)  # warm-up: pool and caches
                verify: WrkResult = wrk(f"{base}/", args.seconds, args.connections, script)
                bare = wrk(f"{base}/bench/bare", args.seconds, args.connections, None)
                problems += check_sample(base, triples_file, SAMPLE_CHECKS)
            finally:
                stop(server)
        finally:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    ratio = verify.requests_per_second / bare.requests_per_second
    print(f"{os.cpu_count()} cores; PostgreSQL, 1 uvicorn worker; {args.receipts:,} receipts "
          f"issued in {issued_s:.1f} s, integrated in {integrated_s:.1f} s (tree size "
          f"{tree_size:,}); wrk -t2 -c{args.connections} -d{args.seconds}s\n")  # fmt: skip
    print("| endpoint | req/s | p50 / p99 ms | non-2xx / errors |")
    print("|---|---|---|---|")
    for label, result in (("GET /api/v1/verify (with proof)", verify), ("bare Starlette", bare)):
        print(f"| {label} | {result.requests_per_second:,.0f} | {result.p50_ms:.1f} / "
              f"{result.p99_ms:.1f} | {result.errors} |")  # fmt: skip
    print(f"\nratio {ratio:.3f}; sampled answers ({2 * SAMPLE_CHECKS} before and after the run, "
          f"200 genuine anchored with proof): "
          f"{'all good' if not problems else f'{len(problems)} wrong'}")  # fmt: skip
    for problem in problems[:10]:
        print(f"  {problem}")
    if problems or verify.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
