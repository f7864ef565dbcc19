"""A backup restored is checked against what the log published: real witness processes, both
databases. Restored at the size the witnesses cosigned, it is the same log (``ledger audit``
proves it, the witnesses go on cosigning); restored behind it, the witnesses refuse it for good
and the operator is told to restore forward, never back."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from backend.anchoring.audit import AuditError, audit_log
from backend.anchoring.models import LedgerCosignature
from backend.app import create_app
from backend.config import Settings
from backend.receipts.models import Receipt
from backend.services import Services
from tests.backup.support import LOG_KEY, piaojia
from tests.factories import Actor, issuer_with_staff, receipt_request
from tests.lifespan import lifespan
from tests.witness.support import WitnessProcess, request_body

pytestmark = pytest.mark.slow

URL = "/api/v1/hospital/receipts"
BASE = "https://piaojia.test"


@pytest.fixture
async def witnessed(
    settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[Settings, WitnessProcess]]:
    """The settings of a log with one real witness process, which is running."""
    folder = tmp_path / "witness"
    folder.mkdir()
    witness = WitnessProcess(folder, "witness-a.test", [LOG_KEY])
    key = witness.verifier_key()
    witness.start()
    try:
        async with httpx.AsyncClient() as http:
            await witness.wait_ready(http)
        yield replace(settings, witnesses=((witness.url, key),)), witness
    finally:
        witness.stop()


class Service:
    """The app on the configured database, with an HTTP client and a cashier."""

    def __init__(self, app: Starlette, http: httpx.AsyncClient) -> None:
        self.app = app
        self.http = http
        self.cashier: Actor | None = None

    async def issue(self, count: int) -> None:
        if self.cashier is None:
            self.cashier = await issuer_with_staff(self.app)
        for _ in range(count):
            response = await self.http.post(
                URL, json=receipt_request(), headers=self.cashier.headers
            )
            assert response.status_code == 201, response.text

    async def integrate(self) -> int:
        services: Services = self.app.state.services
        signed = await services.sequencer.integrate_once()
        assert signed is not None
        return signed.checkpoint.size

    async def audit(self, state: Path) -> int | None:
        report = await audit_log(BASE, log_key=LOG_KEY, state_file=state, client=self.http)
        return report.previous_size


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Service]:
    """The app serving the configured database, until the block ends."""
    app = create_app(settings)
    async with (
        lifespan(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http,
    ):
        yield Service(app, http)


async def test_restored_at_the_witnessed_size_it_is_the_same_log(
    witnessed: tuple[Settings, WitnessProcess], tmp_path: Path
) -> None:
    settings, _ = witnessed
    state, backup = tmp_path / "audit.state", tmp_path / "backups" / "piaojia.backup"
    backup.parent.mkdir()
    async with serving(settings) as service:
        await service.issue(3)
        assert await service.integrate() == 3
        assert await LedgerCosignature.filter(size=3).count() == 1
        assert await service.audit(state) is None  # the first audit keeps the checkpoint
        made = piaojia(settings, "backup", str(backup))  # while the service runs
        assert made.returncode == 0, made.stderr
        assert made.stdout == f"{backup}\n"
        assert "ledger tree size 3" in made.stderr and "bytes" in made.stderr
        cashier = service.cashier
        await service.issue(2)  # issued after the backup, never integrated: these are lost

    refused = piaojia(settings, "restore", str(backup))
    assert refused.returncode == 1 and "--yes" in refused.stderr, refused.stderr
    restored = piaojia(settings, "restore", str(backup), "--yes", "--published", str(state))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("consistent: the restored ledger (size 3)")
    assert "witness witness-a.test (size 3): cosigned the restored checkpoint" in restored.stderr
    assert "同一个日志" in restored.stderr and "重新开具" in restored.stderr

    async with serving(settings) as service:
        assert await Receipt.all().count() == 3
        assert await service.audit(state) == 3  # `ledger audit`: consistent with size 3
        service.cashier = cashier  # the staff key was restored with the database
        await service.issue(1)
        assert await service.integrate() == 4
        assert await LedgerCosignature.filter(size=4).count() == 1  # the witness goes on


async def test_restored_behind_the_witnesses_the_log_is_refused_and_restored_forward(
    witnessed: tuple[Settings, WitnessProcess], tmp_path: Path
) -> None:
    settings, witness = witnessed
    state = tmp_path / "audit.state"
    old, new = tmp_path / "old.backup", tmp_path / "new.backup"
    async with serving(settings) as service:
        await service.issue(2)
        assert await service.integrate() == 2
        assert piaojia(settings, "backup", str(old)).returncode == 0
        await service.issue(2)
        assert await service.integrate() == 4
        assert await LedgerCosignature.filter(size=4).count() == 1
        await service.audit(state)
        made = piaojia(settings, "backup", str(new))
        assert "ledger tree size 4" in made.stderr, made.stderr

    back = piaojia(settings, "restore", str(old), "--yes", "--published", str(state))
    assert back.returncode == 3, back.stderr
    assert (
        back.stdout == "rolled back: the restored ledger has 2 entries, 4 were published; 2 lost\n"
    )
    assert "witness witness-a.test (size 4): cosigned size 4 already" in back.stderr
    assert "Restore forward, never back" in back.stderr and "at least 4" in back.stderr

    async with serving(settings) as service:
        # Served anyway, the rolled-back log grows into a fork the witness will not cosign.
        await service.issue(3)
        assert await service.integrate() == 5
        assert await LedgerCosignature.filter(size__gt=2).count() == 0
        ledger = service.app.state.services.anchoring.ledger
        forked = await ledger.latest_checkpoint()
        body = await request_body(ledger, 4, forked)
        async with httpx.AsyncClient() as http:
            answer = await witness.add_checkpoint(http, body)
        # Its first 4 leaves are not the ones the witness cosigned: refused as inconsistent.
        assert answer.status_code == 422, answer.text
        with pytest.raises(AuditError, match="not consistent with the one saved at size 4"):
            await service.audit(state)

    forward = piaojia(settings, "restore", str(new), "--yes", "--published", str(state))
    assert forward.returncode == 0, forward.stderr
    assert forward.stdout.startswith("consistent: the restored ledger (size 4)")
    async with serving(settings) as service:
        assert await service.audit(state) == 4
        assert await Receipt.all().count() == 4
