"""Two ``piaojia serve`` processes on one PostgreSQL database, sharing their limits through the
database or through Redis: forged ``X-Forwarded-For`` headers spread over both processes do not
multiply any allowance, and 200 console logins at once check no more passwords than the
throttle allows. Run with ``-s`` to see the figures."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from backend.console.models import LoginThrottle
from backend.issuers.models import StaffRole
from tests.console.support import PASSWORD, csrf_of, person
from tests.factories import LOG_SIGNER, TEST_SECRET, issuer_with_staff, receipt_request
from tests.servers import (
    Running,
    clean_env,
    free_port,
    reap,
    serve_command,
    start,
    wait_until_answering,
)

JSON = {"Accept": "application/json"}
SCAN_REFUSE_AFTER = 30  # the defaults: unknown tokens and verifications per address and minute
VERIFY_REFUSE_AFTER = 30
CONSOLE_LOCK_AFTER = 8


def _environment(database_url: str, ca_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    return clean_env() | {
        "PIAOJIA_DATABASE_URL": database_url,
        "PIAOJIA_SECRET_KEY": TEST_SECRET,
        "PIAOJIA_LEDGER_KEY": LOG_SIGNER.key_string(),
        "PIAOJIA_CA_DIR": str(ca_dir),
        "PIAOJIA_RENDER_WORKERS": "1",
        "PIAOJIA_RENDER_WARM_UP": "0",
        # The limits count in an hour's window rather than a minute's (same counts): the sliding
        # window's weighting then moves a count by well under one across an edge, so a slow
        # burst that straddles one is still counted whole.
        "PIAOJIA_LIMIT_WINDOW": "3600",
        "PIAOJIA_SMTP_URL": "smtp://127.0.0.1:9",
        **extra,
    }


@contextmanager
def two_servers(
    database_url: str, ca_dir: Path, extra: dict[str, str], log_dir: Path
) -> Iterator[list[str]]:
    """Two ``piaojia serve`` processes, started together; their logs in ``log_dir``."""
    env = _environment(database_url, ca_dir, extra)
    servers: list[Running] = []
    try:
        for n in range(2):
            port = free_port()
            command = serve_command(port, "--no-access-log")
            servers.append(start(command, port=port, env=env, log_path=log_dir / f"{n}.log"))
        for server in servers:
            wait_until_answering(server)
        yield [server.url for server in servers]
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            reap(server.process)


@pytest.fixture(params=["database", "redis"])
def shared(request: pytest.FixtureRequest, database_url: str) -> dict[str, str]:
    """What the two processes share their limits through: PostgreSQL itself, or Redis."""
    if not database_url.startswith("postgres"):
        pytest.skip("several processes on one database are PostgreSQL's case")
    if request.param == "database":
        return {}
    url, prefix = request.getfixturevalue("redis_server")
    return {"PIAOJIA_REDIS_URL": url, "PIAOJIA_REDIS_PREFIX": prefix}


async def test_forged_forwarded_for_spread_over_two_processes_gains_nothing(
    app: Starlette,
    client: httpx.AsyncClient,
    database_url: str,
    ca_dir: Path,
    shared: dict[str, str],
    tmp_path: Path,
) -> None:
    cashier = await issuer_with_staff(app)
    issued = await client.post(
        "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
    )
    token_path = urlsplit(issued.json()["scan_url"]).path
    with two_servers(database_url, ca_dir, shared, tmp_path) as urls:
        async with httpx.AsyncClient(timeout=60) as http:

            async def unknown(n: int) -> int:
                forged = {"X-Forwarded-For": f"198.51.{n // 250}.{n % 250 + 1}", **JSON}
                answer = await http.get(f"{urls[n % 2]}/s/{n:032d}", headers=forged)
                return answer.status_code

            started = time.monotonic()
            scans = Counter(await asyncio.gather(*(unknown(n) for n in range(200))))
            took = time.monotonic() - started
            # The address that tried them all gets no answer, even for a real token.
            known = await http.get(urls[0] + token_path, headers=JSON)

            async def verify(n: int) -> int:
                forged = {"X-Forwarded-For": f"2001:db8::{n:x}", **JSON}
                params = {"code": "44060126", "number": f"{n:010d}", "check": "abc123"}
                answer = await http.get(
                    f"{urls[n % 2]}/api/v1/verify", headers=forged, params=params
                )
                return answer.status_code

            verifications = Counter(await asyncio.gather(*(verify(n) for n in range(100))))
    store = "Redis" if shared else "PostgreSQL"
    print(
        f"\n[{store}] 200 unknown tokens in {took:.2f} s from one address with 200 forged "
        f"X-Forwarded-For over 2 processes: {scans[404]} admitted (404), {scans[429]} "
        f"refused (429); 100 verifications likewise: {verifications[404]} admitted, "
        f"{verifications[429]} refused"
    )
    assert scans == Counter({404: SCAN_REFUSE_AFTER, 429: 200 - SCAN_REFUSE_AFTER})
    assert known.status_code == 429
    assert known.json()["error"]["code"] == "too_many_unknown_tokens"
    assert verifications == Counter({404: VERIFY_REFUSE_AFTER, 429: 100 - VERIFY_REFUSE_AFTER})


async def test_200_logins_at_once_over_two_processes_check_few_passwords(
    app: Starlette, database_url: str, ca_dir: Path, shared: dict[str, str], tmp_path: Path
) -> None:
    cashier = await person(app, StaffRole.CASHIER)
    with two_servers(database_url, ca_dir, shared, tmp_path) as urls:
        async with httpx.AsyncClient(timeout=60) as first, httpx.AsyncClient(timeout=60) as second:
            clients = [first, second]
            tokens = [
                csrf_of((await c.get(f"{url}/console/login")).text)
                for c, url in zip(clients, urls, strict=True)
            ]

            async def attempt(n: int, password: str) -> int:
                side = n % 2
                form = {"login": cashier.login, "password": password, "csrf_token": tokens[side]}
                answer = await clients[side].post(f"{urls[side]}/console/login", data=form)
                return answer.status_code

            started = time.monotonic()
            wrong = Counter(
                await asyncio.gather(*(attempt(n, f"wrong password {n}") for n in range(200)))
            )
            took = time.monotonic() - started
            counted = (await LoginThrottle.get(login=cashier.login)).failures
            right = await attempt(0, PASSWORD)
            right_on_the_other = await attempt(1, PASSWORD)
    store = "Redis" if shared else "PostgreSQL"
    print(
        f"\n[{store}] 200 wrong console passwords at once over 2 processes in {took:.2f} s: "
        f"{wrong[401]} checked (401), {wrong[429]} refused unchecked (429); "
        f"then the right password: {right} and {right_on_the_other}"
    )
    assert set(wrong) <= {401, 429} and sum(wrong.values()) == 200
    # A 401 is a password that was checked. Three mistakes are free, then each waits for the
    # one before (1 s, 2 s, …): a burst of a few seconds checks a handful, never more than
    # the lock allows.
    assert 3 <= wrong[401] <= CONSOLE_LOCK_AFTER
    assert counted == wrong[401]  # every check was counted first, and nothing else was
    if wrong[401] == CONSOLE_LOCK_AFTER:
        # Locked: refused unchecked, on either process.
        assert right == 429 and right_on_the_other == 429
    else:
        # A busy machine spread the burst over several waits without reaching the lock: the
        # right password may log in once its wait is over, never before (the frozen-clock
        # test in tests/console/test_login_races.py holds the lock itself).
        assert right in {303, 429} and right_on_the_other in {303, 429}
