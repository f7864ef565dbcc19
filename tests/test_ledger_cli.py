"""`piaojia ledger verify` and `piaojia ledger audit` against a real `piaojia serve` process."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from backend import db
from backend.anchoring.models import LedgerTile
from backend.receipts.models import Receipt
from tests.commands import ledger_piaojia
from tests.factories import LOG_KEY, credit_code, receipt_request

pytestmark = pytest.mark.slow


async def test_verify_and_audit_from_the_command_line(
    database_url: str, ledger_server: str, tmp_path: Path
) -> None:
    issuer = ledger_piaojia(
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
    key = ledger_piaojia(
        database_url, "staff", "create", "--issuer", issuer, "--role", "cashier", "--name", "甲"
    ).stdout.strip()
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=ledger_server, timeout=30) as http:
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

    verified = ledger_piaojia(
        database_url, "ledger", "verify", str(bundle_file), "--log-key", LOG_KEY
    )
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("verified: receipt ")

    state = tmp_path / "audit.state"
    audited = ledger_piaojia(
        database_url, "ledger", "audit", ledger_server, "--log-key", LOG_KEY, "--state", str(state)
    )
    assert audited.returncode == 0, audited.stderr
    assert "3 entries" in audited.stdout

    await db.open_database(database_url)
    try:
        # A receipt row changed behind the system's back no longer matches its commitment.
        await Receipt.filter(id=ids[1]).update(payer_name="李四")
        async with httpx.AsyncClient(base_url=ledger_server, timeout=30) as http:
            tampered = await http.get(f"/api/v1/hospital/receipts/{ids[1]}/proof", headers=headers)
        bundle_file.write_bytes(tampered.content)
        refused = ledger_piaojia(
            database_url, "ledger", "verify", str(bundle_file), "--log-key", LOG_KEY
        )
        assert refused.returncode == 1
        assert "NOT VERIFIED" in refused.stderr and "commitment" in refused.stderr.lower()

        # One byte of a stored tile changed: the audit names the tile.
        tile = await LedgerTile.get(level=0, index=0)
        data = bytearray(tile.data)
        data[40] ^= 0x01
        await LedgerTile.filter(id=tile.id).update(data=bytes(data))
    finally:
        await db.close_database()
    failed = ledger_piaojia(database_url, "ledger", "audit", ledger_server, "--log-key", LOG_KEY)
    assert failed.returncode == 1
    assert "AUDIT FAILED at tile/0/000" in failed.stderr, failed.stderr

    garbage = tmp_path / "garbage.json"
    garbage.write_text(json.dumps({"format": "something else"}))
    assert (
        ledger_piaojia(
            database_url, "ledger", "verify", str(garbage), "--log-key", LOG_KEY
        ).returncode
        == 1
    )
    missing = ledger_piaojia(
        database_url, "ledger", "verify", str(tmp_path / "nope"), "--log-key", LOG_KEY
    )
    assert missing.returncode == 1 and "cannot read" in missing.stderr
