"""`piaojia ledger verify` and `piaojia ledger audit` against a real `piaojia serve` process."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend import db
from backend.anchoring.models import LedgerTile
from backend.receipts.models import Receipt
from tests.conftest import LOG_SIGNER
from tests.factories import TEST_SECRET, credit_code, receipt_request
from tests.servers import ROOT, clean_env, free_port, serve_command, serving

pytestmark = pytest.mark.slow

LOG_KEY = LOG_SIGNER.verifier().key_string()


def _environment(database_url: str) -> dict[str, str]:
    return clean_env(
        PIAOJIA_DATABASE_URL=database_url,
        PIAOJIA_SECRET_KEY=TEST_SECRET,
        PIAOJIA_LEDGER_KEY=LOG_SIGNER.key_string(),
        PIAOJIA_LEDGER_INTERVAL="0.05",
        PIAOJIA_CA_DIR=str(Path(tempfile.gettempdir()) / "piaojia-test-ca"),
    )


def piaojia(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        capture_output=True,
        text=True,
        env=_environment(database_url),
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    command = serve_command(port, "--no-access-log")
    env = _environment(database_url)
    with serving(command, port=port, env=env, log_path=tmp_path / "serve.log") as up:
        yield up.url


async def test_verify_and_audit_from_the_command_line(
    database_url: str, server: str, tmp_path: Path
) -> None:
    issuer = piaojia(
        database_url,
        "issuer",
        "create",
        "--kind",
        "hospital",
        "--name",
        "医院",
        "--credit-code",
        credit_code(31),
        "--region",
        "440100",
    ).stdout.strip()
    key = piaojia(
        database_url, "staff", "create", "--issuer", issuer, "--role", "cashier", "--name", "甲"
    ).stdout.strip()
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=server, timeout=30) as http:
        ids = []
        for _ in range(3):
            issued = await http.post(
                "/api/v1/hospital/receipts",
                params={"wait": "anchored"},
                json=receipt_request(),
                headers=headers,
            )
            assert issued.json()["ledger"]["state"] == "anchored"
            ids.append(issued.json()["id"])
        bundle = (
            await http.get(f"/api/v1/hospital/receipts/{ids[1]}/proof", headers=headers)
        ).content
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_bytes(bundle)

    verified = piaojia(database_url, "ledger", "verify", str(bundle_file), "--log-key", LOG_KEY)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("verified: receipt ")

    state = tmp_path / "audit.state"
    audited = piaojia(
        database_url, "ledger", "audit", server, "--log-key", LOG_KEY, "--state", str(state)
    )
    assert audited.returncode == 0, audited.stderr
    assert "3 entries" in audited.stdout

    await db.open_database(database_url)
    try:
        # A receipt row changed behind the system's back no longer matches its commitment.
        await Receipt.filter(id=ids[1]).update(payer_name="李四")
        async with httpx.AsyncClient(base_url=server, timeout=30) as http:
            tampered = await http.get(f"/api/v1/hospital/receipts/{ids[1]}/proof", headers=headers)
        bundle_file.write_bytes(tampered.content)
        refused = piaojia(database_url, "ledger", "verify", str(bundle_file), "--log-key", LOG_KEY)
        assert refused.returncode == 1
        assert "NOT VERIFIED" in refused.stderr and "commitment" in refused.stderr.lower()

        # One byte of a stored tile changed: the audit names the tile.
        tile = await LedgerTile.get(level=0, index=0)
        data = bytearray(tile.data)
        data[40] ^= 0x01
        await LedgerTile.filter(id=tile.id).update(data=bytes(data))
    finally:
        await db.close_database()
    failed = piaojia(database_url, "ledger", "audit", server, "--log-key", LOG_KEY)
    assert failed.returncode == 1
    assert "AUDIT FAILED at tile/0/000" in failed.stderr, failed.stderr

    garbage = tmp_path / "garbage.json"
    garbage.write_text(json.dumps({"format": "something else"}))
    assert (
        piaojia(database_url, "ledger", "verify", str(garbage), "--log-key", LOG_KEY).returncode
        == 1
    )
    missing = piaojia(
        database_url, "ledger", "verify", str(tmp_path / "nope"), "--log-key", LOG_KEY
    )
    assert missing.returncode == 1 and "cannot read" in missing.stderr
