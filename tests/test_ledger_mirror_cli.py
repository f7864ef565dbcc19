"""`piaojia ledger mirror`, and `--policy` for verify and audit, from the command line."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.cosignature import CosignatureSigner
from tests.commands import ledger_piaojia
from tests.factories import LOG_KEY, credit_code, receipt_request

pytestmark = pytest.mark.slow


async def test_mirror_serve_statically_and_audit_under_a_policy(
    database_url: str, ledger_server: str, static_server: tuple[str, Path], tmp_path: Path
) -> None:
    static_url, folder = static_server
    issuer = ledger_piaojia(
        database_url, "issuer", "create", "--kind", "hospital", "--name", "医院",
        "--credit-code", credit_code(32), "--region", "440100",
    ).stdout.strip()  # fmt: skip
    key = ledger_piaojia(
        database_url, "staff", "create", "--issuer", issuer, "--role", "cashier", "--name", "乙"
    ).stdout.strip()
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=ledger_server, timeout=30) as http:
        for _ in range(2):
            issued = await http.post(
                "/api/v1/hospital/receipts",
                params={"wait": "anchored"},
                json=receipt_request(),
                headers=headers,
            )
        bundle = (
            await http.get(
                f"/api/v1/hospital/receipts/{issued.json()['id']}/proof", headers=headers
            )
        ).content
        published = (await http.get("/ledger/policy")).text
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_bytes(bundle)
    policy = tmp_path / "policy"
    policy.write_text(published)  # the log's own policy: its key, quorum none

    verified = ledger_piaojia(
        database_url, "ledger", "verify", str(bundle_file), "--policy", str(policy)
    )
    assert verified.returncode == 0, verified.stderr

    mirrored = ledger_piaojia(
        database_url, "ledger", "mirror", ledger_server, str(folder), "--policy", str(policy)
    )
    assert mirrored.returncode == 0, mirrored.stderr
    assert "fetched" in mirrored.stdout and "100.0%" in mirrored.stderr  # the progress bar
    audited = ledger_piaojia(database_url, "ledger", "audit", static_url, "--policy", str(policy))
    assert audited.returncode == 0, audited.stderr
    assert "2 entries" in audited.stdout
    again = ledger_piaojia(
        database_url, "ledger", "mirror", ledger_server, str(folder), "--log-key", LOG_KEY
    )
    assert "0 file(s) fetched" in again.stdout

    witness = CosignatureSigner("w.example", Ed25519PrivateKey.generate()).verifier()
    strict = tmp_path / "strict"
    strict.write_text(f"log {LOG_KEY}\nwitness W {witness.key_string()}\nquorum W\n")
    refused = ledger_piaojia(
        database_url, "ledger", "verify", str(bundle_file), "--policy", str(strict)
    )
    assert refused.returncode == 1
    assert "NOT VERIFIED" in refused.stderr and "W did not cosign" in refused.stderr
    failed = ledger_piaojia(database_url, "ledger", "audit", static_url, "--policy", str(strict))
    assert failed.returncode == 1 and "AUDIT FAILED at checkpoint" in failed.stderr

    broken = tmp_path / "broken"
    broken.write_text(f"log {LOG_KEY}\ngroup G any nobody\nquorum G\n")
    for command in ("verify", "audit"):
        target = str(bundle_file) if command == "verify" else static_url
        bad = ledger_piaojia(database_url, "ledger", command, target, "--policy", str(broken))
        assert bad.returncode == 1
        assert bad.stderr.strip() == (
            f"piaojia: error: {broken}: line 2: 'nobody' is not defined on an earlier line"
        )
