"""Two ``piaojia serve`` processes on one SQLite file: 150 concurrent reimbursement locks and
150 concurrent issues all succeed, none answered 500 "database is locked"."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend.app import create_app
from backend.config import Settings
from backend.issuers.models import IssuerKind, StaffRole
from tests.factories import LOG_SIGNER, issuer_with_staff, receipt_request
from tests.servers import piaojia_serve, serve_env

CONCURRENT = 150


Headers = dict[str, str]


async def _prepare(settings: Settings) -> tuple[Headers, Headers, list[dict[str, str]]]:
    """A cashier, a reimburser and CONCURRENT receipts to lock, written by this process."""
    app = create_app(settings)
    async with LifespanManager(app):
        cashier = await issuer_with_staff(app, StaffRole.CASHIER)
        reimburser = await issuer_with_staff(
            app, StaffRole.REIMBURSER, kind=IssuerKind.REIMBURSER, name="某某保险公司"
        )
        transport = httpx.ASGITransport(app=app)
        refs = []
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as c:
            payer = {"name": "张三", "id_number": "440106199001011235"}
            for _ in range(CONCURRENT):
                issued = await c.post(
                    "/api/v1/hospital/receipts",
                    json=receipt_request(payer=payer),
                    headers=cashier.headers,
                )
                assert issued.status_code == 201, issued.text
                body = issued.json()
                refs.append(
                    {"code": body["code"], "number": body["number"], "check": body["check_code"]}
                )
    return cashier.headers, reimburser.headers, refs


async def _all_at_once(
    urls: list[str], requests: Sequence[tuple[str, Mapping[str, str], Mapping[str, object]]]
) -> Counter[int]:
    limits = httpx.Limits(max_connections=CONCURRENT * 2, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        answers = await asyncio.gather(
            *(
                client.post(urls[n % len(urls)] + path, headers=headers, json=body)
                for n, (path, headers, body) in enumerate(requests)
            )
        )
    for answer in answers:
        if answer.status_code == 503:  # allowed by the contract, never seen in practice here
            assert answer.headers["retry-after"]
    return Counter(a.status_code for a in answers)


async def test_two_processes_on_one_sqlite_file_never_answer_500(
    settings: Settings, tmp_path: Path
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("two processes on one SQLite file")
    cashier, reimburser, refs = await _prepare(settings)
    env = serve_env(settings.database_url, tmp_path) | {
        "PIAOJIA_LEDGER_KEY": LOG_SIGNER.key_string(),
        "PIAOJIA_CA_DIR": settings.ca_dir,
    }
    env.pop("PIAOJIA_LEDGER_KEY_FILE")
    with (
        piaojia_serve(env, tmp_path / "one.log") as one,
        piaojia_serve(env, tmp_path / "two.log") as two,
    ):
        locks = await _all_at_once(
            [one, two], [("/api/v1/reimbursements/lock", reimburser, ref) for ref in refs]
        )
        payer = {"name": "李四", "id_number": "440106199001011235"}
        issues = await _all_at_once(
            [one, two],
            [("/api/v1/hospital/receipts", cashier, receipt_request(payer=payer))] * CONCURRENT,
        )
    logs = (tmp_path / "one.log").read_text() + (tmp_path / "two.log").read_text()
    print(f"locks {dict(locks)}, issues {dict(issues)}")
    assert locks == Counter({200: CONCURRENT}), logs[-3000:]
    assert issues == Counter({201: CONCURRENT}), logs[-3000:]
    assert "database is locked" not in logs
