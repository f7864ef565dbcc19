"""Ledger integration rate and inclusion-proof latency, next to raw hashing and a bulk INSERT.

    .venv/bin/python -m tests.bench.ledger [--leaves 1000000] [--batch 4096] [--proofs 1000]
        [--checkpoints 2000] [--databases postgres sqlite]

For PostgreSQL (a database created and dropped here, on the server of
``PIAOJIA_TEST_POSTGRES_URL``) and SQLite (a temporary file), in one run: bulk INSERT N pending
statements of about 220 bytes with the bare driver (asyncpg ``copy_records_to_table``, stdlib
``sqlite3.executemany``: rows/s), then ``Log.integrate(batch)`` over ``SqlStorage`` until all N
are leaves (leaves/s), next to bare ``sha256(0x00 || leaf)`` over the same leaves; then the latency
of ``Log.inclusion_proof(i)`` (tiles read from SQL, proof verified) for random leaves of the full
tree, next to a bare ``SELECT 1`` through the same Tortoise connection. First, the cost of one
checkpoint (one new leaf, integrated over ``MemoryStorage`` so only the log's own work counts)
signed with Ed25519 alone and with ML-DSA-44 beside it, next to the raw signatures and the
verification of each (``--databases`` with no name runs only this). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from backend import db
from backend.anchoring.storage import SqlStorage
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole
from backend.receipts.models import Receipt, ReceiptKind
from chain.checkpoint import Checkpoint
from chain.log import Log
from chain.mldsa import MLDSACosignatureSigner
from chain.note import NoteSigner
from chain.receipt.statement import statement
from chain.storage import Integration, PendingEntry
from chain.storage.memory import MemoryStorage
from tests.factories import credit_code

POSTGRES_SERVER = os.environ.get(
    "PIAOJIA_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"
)
SIGNER = NoteSigner.generate("piaojia.bench/ledger")
COLUMNS = ("statement", "salt", "event", "receipt_id", "created_at")


@dataclass
class TimedStorage(SqlStorage):
    """``SqlStorage`` that adds up the time spent in its two sequencer calls."""

    pending_s: float = 0.0
    commit_s: float = 0.0

    async def read_pending(self, limit: int) -> Sequence[PendingEntry]:
        start = time.perf_counter()
        try:
            return await super().read_pending(limit)
        finally:
            self.pending_s += time.perf_counter() - start

    async def commit_integration(self, integration: Integration) -> None:
        start = time.perf_counter()
        try:
            await super().commit_integration(integration)
        finally:
            self.commit_s += time.perf_counter() - start


@dataclass
class Result:
    label: str
    insert_rows_s: float = 0.0
    integrate_leaves_s: float = 0.0
    integrate_s: float = 0.0
    pending_s: float = 0.0
    commit_s: float = 0.0
    proof_ms: list[float] = field(default_factory=list)
    bare_ms: list[float] = field(default_factory=list)


def statements(count: int) -> list[bytes]:
    """Realistic statements: the app's own builder, numbers and commitments all distinct."""
    start = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    code = credit_code(1)
    return [
        statement(event="issued", credit_code=code, code="44060126", number=f"{i:010d}",
                  at=start + timedelta(seconds=i), commitment=hashlib.sha256(b"%d" % i).hexdigest())
        for i in range(1, count + 1)
    ]  # fmt: skip


def hash_rate(leaves: Sequence[bytes]) -> float:
    sha256 = hashlib.sha256
    start = time.perf_counter()
    for leaf in leaves:
        sha256(b"\x00" + leaf).digest()
    return len(leaves) / (time.perf_counter() - start)


async def make_receipt() -> uuid.UUID:
    issuer = await Issuer.create(
        kind=IssuerKind.HOSPITAL, name="基准医院", credit_code=credit_code(1), region="440100"
    )
    staff = await Staff.create(
        issuer=issuer, name="收费员", role=StaffRole.CASHIER, key_hash=uuid.uuid4().hex
    )
    receipt = await Receipt.create(
        issuer=issuer, staff=staff, kind=ReceiptKind.MEDICAL, code="44060126",
        number="0000000001", check_code="a1b2c3", issued_at=datetime.now(UTC),
        payer_name="基准", total_fen=100,
    )  # fmt: skip
    receipt_id: uuid.UUID = receipt.id
    return receipt_id


async def bulk_insert_postgres(url: str, leaves: Sequence[bytes], receipt_id: uuid.UUID) -> float:
    now, salt = datetime.now(UTC), bytes(16)
    records = [(leaf, salt, "issued", receipt_id, now) for leaf in leaves]
    conn = await asyncpg.connect(url.split("?", 1)[0])
    try:
        start = time.perf_counter()
        await conn.copy_records_to_table("ledger_entry", records=records, columns=COLUMNS)
        elapsed = time.perf_counter() - start
        await conn.execute("ANALYZE ledger_entry")
    finally:
        await conn.close()
    return len(leaves) / elapsed


def bulk_insert_sqlite(path: Path, leaves: Sequence[bytes], receipt_id: uuid.UUID) -> float:
    now, salt = datetime.now(UTC).isoformat(), bytes(16)
    rows = [(leaf, salt, "issued", str(receipt_id), now) for leaf in leaves]
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=NORMAL")
        start = time.perf_counter()
        with conn:
            conn.executemany(
                f"INSERT INTO ledger_entry ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)", rows
            )
        elapsed = time.perf_counter() - start
    finally:
        conn.close()
    return len(leaves) / elapsed


async def measure(
    result: Result,
    url: str,
    sqlite_path: Path | None,
    leaves: Sequence[bytes],
    args: argparse.Namespace,
) -> None:
    await db.migrate(url)
    await db.open_database(url)
    try:
        receipt_id = await make_receipt()
        if sqlite_path is None:
            result.insert_rows_s = await bulk_insert_postgres(url, leaves, receipt_id)
        else:
            result.insert_rows_s = bulk_insert_sqlite(sqlite_path, leaves, receipt_id)

        storage = TimedStorage()
        log = Log(storage, SIGNER)
        start = time.perf_counter()
        size = 0
        while size < len(leaves):
            size = (await log.integrate(args.batch)).checkpoint.size
        result.integrate_s = time.perf_counter() - start
        result.integrate_leaves_s = len(leaves) / result.integrate_s
        result.pending_s, result.commit_s = storage.pending_s, storage.commit_s

        conn = db.connection()
        rng = random.Random(7)
        for _ in range(20):  # warm-up
            await log.inclusion_proof(rng.randrange(size))
            await conn.execute_query("SELECT 1")
        for _ in range(args.proofs):
            index = rng.randrange(size)
            start = time.perf_counter()
            proof = await log.inclusion_proof(index)
            result.proof_ms.append((time.perf_counter() - start) * 1000)
            assert proof.index == index and proof.size == size
            start = time.perf_counter()
            await conn.execute_query("SELECT 1")
            result.bare_ms.append((time.perf_counter() - start) * 1000)
    finally:
        await db.close_database()


def per_op_us(work: Callable[[], object], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        work()
    return (time.perf_counter() - start) / rounds * 1e6


async def checkpoint_us(also: Sequence[MLDSACosignatureSigner], rounds: int) -> float:
    """Microseconds per checkpoint of one new leaf, signed by SIGNER and ``also``."""
    log = Log(MemoryStorage(), SIGNER, also=also)
    await log.integrate()
    start = time.perf_counter()
    for i in range(rounds):
        await log.append(b"entry %d" % i)
        await log.integrate()
    return (time.perf_counter() - start) / rounds * 1e6


def signing_table(rounds: int) -> None:
    pq = MLDSACosignatureSigner.generate(SIGNER.name)
    body = Checkpoint(SIGNER.name, 1_000_000, bytes(32)).text().encode()
    ed_sig, pq_sig = SIGNER.sign(body), pq.sign(body)
    ed_verifier, pq_verifier = SIGNER.verifier(), pq.verifier()
    raw = {
        "Ed25519 sign": per_op_us(lambda: SIGNER.sign(body), rounds),
        "ML-DSA-44 sign": per_op_us(lambda: pq.sign(body), rounds),
        "Ed25519 verify": per_op_us(lambda: ed_verifier.verify(body, ed_sig), rounds),
        "ML-DSA-44 verify": per_op_us(lambda: pq_verifier.verify(body, pq_sig), rounds),
    }
    ed_only = asyncio.run(checkpoint_us((), rounds))
    both = asyncio.run(checkpoint_us((pq,), rounds))
    print(f"\n{rounds:,} checkpoints of one new leaf each (MemoryStorage), and raw operations\n")
    print("| measured | µs per operation | ratio to raw Ed25519 signing |")
    print("|---|---|---|")
    for label, us in [
        *raw.items(),
        ("checkpoint, Ed25519 only", ed_only),
        ("checkpoint, Ed25519 + ML-DSA-44", both),
    ]:
        print(f"| {label} | {us:,.0f} | {us / raw['Ed25519 sign']:.1f} |")
    print(f"| ML-DSA-44's share of a checkpoint | {both - ed_only:,.0f} | "
          f"{(both - ed_only) / raw['Ed25519 sign']:.1f} |", flush=True)  # fmt: skip


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_SERVER)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def p99(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=4096, help="max entries per integration")
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--checkpoints", type=int, default=2000, help="signing rounds")
    parser.add_argument("--databases", nargs="*", default=["postgres", "sqlite"])
    args = parser.parse_args()

    signing_table(args.checkpoints)
    if not args.databases:
        return

    leaves = statements(args.leaves)
    mean = sum(map(len, leaves)) / len(leaves)
    hashing = hash_rate(leaves)
    results: list[Result] = []
    for database in args.databases:
        if database == "postgres":
            name = f"piaojia_bench_ledger_{os.getpid()}"
            asyncio.run(admin(f'CREATE DATABASE "{name}"'))
            url = POSTGRES_SERVER.rpartition("/")[0] + f"/{name}?minsize=1&maxsize=16"
            try:
                results.append(Result("PostgreSQL"))
                asyncio.run(measure(results[-1], url, None, leaves, args))
            finally:
                asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "bench.db"
                url = f"sqlite://{path}?synchronous=NORMAL&busy_timeout=5000"
                results.append(Result("SQLite"))
                asyncio.run(measure(results[-1], url, path, leaves, args))

    print(
        f"\n{os.cpu_count()} cores; {args.leaves:,} leaves of {mean:.0f} bytes on average; "
        f"integrate(max_batch={args.batch}); {args.proofs:,} inclusion proofs at the full size\n"
    )
    print("| database | integrated leaves/s | bare sha256 leaves/s | ratio | bulk INSERT rows/s "
          "| ratio | of which read_pending / commit | proof p50 / p99 ms | bare SELECT 1 "
          "p50 / p99 ms | ratio (p50) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.label} | {r.integrate_leaves_s:,.0f} | {hashing:,.0f} | "
            f"{r.integrate_leaves_s / hashing:.3f} | {r.insert_rows_s:,.0f} | "
            f"{r.integrate_leaves_s / r.insert_rows_s:.2f} | "
            f"{r.pending_s / r.integrate_s:.0%} / {r.commit_s / r.integrate_s:.0%} | "
            f"{statistics.median(r.proof_ms):.2f} / {p99(r.proof_ms):.2f} | "
            f"{statistics.median(r.bare_ms):.2f} / {p99(r.bare_ms):.2f} | "
            f"{statistics.median(r.proof_ms) / statistics.median(r.bare_ms):.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
