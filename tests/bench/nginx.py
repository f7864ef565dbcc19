"""Scans per second through nginx over HTTPS, next to the same scans sent to the instance direct.

    .venv/bin/python -m tests.bench.nginx [--receipts 20000] [--seconds 10] [--connections 64]

PostgreSQL, one uvicorn worker. Fills a fresh database as ``tests.bench.scan`` does, starts
one instance and, in front of it, Debian's nginx with the README's configuration
(``backend/deploy/nginx.conf``, TLS with a certificate made here, as ``tests/deploy`` runs it,
one nginx worker). Then the same wrk asks ``GET /s/{token}`` (JSON, tokens at random) of nginx
over HTTPS and of the instance over plain HTTP, and the bare Starlette endpoint both ways, and
prints requests/s, p50/p99 and the ratio of each through nginx to direct: what the proxy and
TLS cost. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

from tests.bench.issue import WrkResult, serve, stop, wrk
from tests.bench.scan import LUA, fill
from tests.deploy.support import nginx_in_front
from tests.postgres import POSTGRES_SERVER, admin, with_database
from tests.servers import free_port


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--receipts", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("this benchmark needs wrk: apt-get install wrk (or make bench)")

    name = f"piaojia_bench_nginx_{os.getpid()}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = with_database(POSTGRES_SERVER, name) + "?minsize=1&maxsize=16"
    results: dict[str, WrkResult] = {}
    with tempfile.TemporaryDirectory() as folder:
        tokens_file, script = Path(folder) / "tokens.txt", Path(folder) / "scan.lua"
        os.environ["PIAOJIA_CA_DIR"] = str(Path(folder) / "ca")
        try:
            took = asyncio.run(fill(url, os.environ["PIAOJIA_CA_DIR"], args.receipts, tokens_file))
            script.write_text(LUA % {"tokens": tokens_file})
            port = free_port()
            server = serve(url, 1, port)
            try:
                app = f"127.0.0.1:{port}"
                # One instance: both of the configuration's upstream servers name it.
                with nginx_in_front([app, app], free_port(), Path(folder)) as edge:
                    bases = {"nginx": edge.url, "direct": f"http://{app}"}
                    for base in bases.values():  # warm-up: TLS sessions, pool, caches
                        wrk(f"{base}/", 2, args.connections, script)
                    for way, base in bases.items():
                        results[f"scan {way}"] = wrk(
                            f"{base}/", args.seconds, args.connections, script
                        )
                        results[f"bare {way}"] = wrk(
                            f"{base}/bench/bare", args.seconds, args.connections, None
                        )
            finally:
                stop(server)
        finally:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    print(f"{os.cpu_count()} cores; PostgreSQL, 1 uvicorn worker, 1 nginx worker; "
          f"{args.receipts:,} receipts (COPY in {took:.1f} s); "
          f"wrk -t2 -c{args.connections} -d{args.seconds}s\n")  # fmt: skip
    print("| endpoint | through nginx (HTTPS) req/s | p50 / p99 ms | direct (HTTP) req/s | "
          "p50 / p99 ms | ratio | errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for label, what in (("GET /s/{token} (JSON)", "scan"), ("bare Starlette", "bare")):
        via, direct = results[f"{what} nginx"], results[f"{what} direct"]
        ratio = via.requests_per_second / direct.requests_per_second
        print(f"| {label} | {via.requests_per_second:,.0f} | {via.p50_ms:.1f} / "
              f"{via.p99_ms:.1f} | {direct.requests_per_second:,.0f} | {direct.p50_ms:.1f} / "
              f"{direct.p99_ms:.1f} | {ratio:.2f} | {via.errors + direct.errors} |")  # fmt: skip


if __name__ == "__main__":
    main()
