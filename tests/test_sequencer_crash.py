"""A sequencer process killed with SIGKILL while integrating, then restarted: every statement is
integrated exactly once and the log stays consistent with what it published before."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend import db
from backend.anchoring.models import LedgerCheckpoint, LedgerEntry
from backend.anchoring.storage import SqlStorage
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole
from backend.receipts.models import Receipt, ReceiptKind
from chain.checkpoint import open_checkpoint
from chain.log import Log
from chain.verify import verify_consistency
from tests.factories import LOG_SIGNER, TEST_SECRET, credit_code
from tests.rows import column

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = 12_000


async def _pending_statements(count: int) -> None:
    issuer = await Issuer.create(
        kind=IssuerKind.HOSPITAL, name="医院", credit_code=credit_code(555), region="440100"
    )
    staff = await Staff.create(issuer=issuer, name="x", role=StaffRole.CASHIER, key_hash="0" * 64)
    receipt = await Receipt.create(
        issuer=issuer,
        staff=staff,
        kind=ReceiptKind.MEDICAL,
        code="44060126",
        number="0000000001",
        check_code="abcdef",
        issued_at=datetime.now(UTC),
        payer_name="某",
        total_fen=100,
    )
    await LedgerEntry.bulk_create(
        [
            LedgerEntry(statement=b'{"n":%d}' % i, salt=b"\0" * 16, event="issued", receipt=receipt)
            for i in range(count)
        ],
        batch_size=2000,
    )


def _sequencer(database_url: str, batch: int = 200) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIAOJIA_")} | {
        "PIAOJIA_DATABASE_URL": database_url,
        "PIAOJIA_SECRET_KEY": TEST_SECRET,
        "PIAOJIA_LEDGER_KEY": LOG_SIGNER.key_string(),
        "PIAOJIA_LEDGER_INTERVAL": "0.01",
        "PYTHONPATH": str(ROOT),
        "PIAOJIA_CA_DIR": str(Path(tempfile.gettempdir()) / "piaojia-test-ca"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "backend", "ledger", "sequence", "--batch", str(batch)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _size() -> int:
    latest = await LedgerCheckpoint.all().order_by("-size").first()
    return int(latest.size) if latest else 0


async def test_killed_sequencer_resumes_without_loss_or_reuse(database_url: str) -> None:
    await db.open_database(database_url)
    try:
        await _pending_statements(ENTRIES)
        published: list[bytes] = []
        for attempt in range(2):  # kill it twice, each time once it has made some progress
            before = await _size()
            process = _sequencer(database_url)
            deadline = time.monotonic() + 60
            while await _size() == before and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            # A moment after a commit, it is busy with the next batch: kill it there.
            await asyncio.sleep(0.02 * (attempt + 1))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            latest = await LedgerCheckpoint.all().order_by("-size").first()
            assert latest is not None and before < latest.size < ENTRIES
            published.append(bytes(latest.note))

        process = _sequencer(database_url)
        deadline = time.monotonic() + 120
        while await LedgerEntry.filter(leaf_index=None).exists():
            assert time.monotonic() < deadline, "the restarted sequencer did not finish"
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0

        indexes = await column(LedgerEntry.all(), "leaf_index")
        assert sorted(indexes) == list(range(ENTRIES))  # each once, none twice, no gap
        log = Log(SqlStorage(), LOG_SIGNER)
        final = await log.latest_checkpoint()
        assert final is not None and final.checkpoint.size == ENTRIES
        verifier = LOG_SIGNER.verifier()
        for note in published:
            old, _ = open_checkpoint(note, [verifier])
            proof = await log.consistency_proof(old.checkpoint.size, ENTRIES)
            verify_consistency(
                old.checkpoint.size,
                ENTRIES,
                list(proof.hashes),
                old.checkpoint.root_hash,
                final.checkpoint.root_hash,
            )
        for index in (0, ENTRIES // 2, ENTRIES - 1):  # proofs are read from the stored tiles
            await log.inclusion_proof(index)
    finally:
        await db.close_database()
