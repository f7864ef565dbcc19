"""The Storage contract held by ``SqlStorage`` on SQLite and PostgreSQL, with batches in the
thousands: appends ride the caller's transaction, integration is all or nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from tortoise.transactions import in_transaction

from backend import db
from backend.anchoring.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from backend.anchoring.storage import SqlStorage
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole
from backend.receipts.models import Receipt, ReceiptKind
from chain.errors import IntegrationConflictError
from chain.hashing import leaf_hash, node_hash
from chain.log import Log
from chain.note import NoteSigner
from chain.storage import Integration, Storage
from chain.tiles import decode_entry_bundle
from chain.tree import root_from_reader
from chain.verify import verify_consistency, verify_inclusion
from tests.factories import credit_code

SIGNER = NoteSigner.generate("bench.test/log")


@pytest.fixture
async def receipt_id(database_url: str) -> AsyncIterator[uuid.UUID]:
    """An open database holding one receipt that ledger entries can point at."""
    await db.open_database(database_url)
    try:
        issuer = await Issuer.create(
            kind=IssuerKind.HOSPITAL, name="存储测试医院", credit_code=credit_code(4242),
            region="440100",
        )  # fmt: skip
        staff = await Staff.create(
            issuer=issuer, name="收费员", role=StaffRole.CASHIER, key_hash=uuid.uuid4().hex
        )
        receipt = await Receipt.create(
            issuer=issuer, staff=staff, kind=ReceiptKind.MEDICAL, code="44060126",
            number="0000000001", check_code="a1b2c3", issued_at=datetime.now(UTC),
            payer_name="张三", total_fen=8560,
        )  # fmt: skip
        yield receipt.id
    finally:
        await db.close_database()


def statement(i: int) -> bytes:
    return (
        b'{"at":"2026-11-27T10:00:00+08:00","code":"44060126","commitment":"%064x",'
        b'"event":"issued","issuer":"12440100MB0004242X","number":"%010d","v":1}' % (i, i)
    )


async def append(storage: SqlStorage, receipt_id: uuid.UUID, first: int, count: int) -> list[int]:
    async with in_transaction() as conn:
        return [
            await storage.append_on(conn, statement=statement(i), salt=b"s" * 16,
                                    event="issued", receipt_id=receipt_id)
            for i in range(first, first + count)
        ]  # fmt: skip


def integration(old_size: int, pending_ids: tuple[int, ...], **blobs: object) -> Integration:
    new_size = old_size + len(pending_ids)
    return Integration(
        old_size=old_size,
        new_size=new_size,
        checkpoint=b"checkpoint %d\n" % new_size,
        pending_ids=pending_ids,
        tiles=blobs.get("tiles", {(0, 0): bytes(32 * new_size)}),  # type: ignore[arg-type]
        entry_bundles=blobs.get("bundles", {0: b"bundle %d" % new_size}),  # type: ignore[arg-type]
    )


async def snapshot() -> tuple[object, ...]:
    """Everything an integration may write, to show that a refused one wrote nothing."""
    return (
        await LedgerEntry.all().order_by("id").values_list("id", "leaf_index"),
        await LedgerTile.all().order_by("level", "index").values_list("level", "index", "data"),
        await LedgerBundle.all().order_by("index").values_list("index", "data"),
        await LedgerCheckpoint.all().order_by("size").values_list("size", "note"),
    )


async def test_sql_storage_implements_the_protocol(receipt_id: uuid.UUID) -> None:
    assert isinstance(SqlStorage(), Storage)
    with pytest.raises(TypeError):
        await SqlStorage().add_pending(b"entry")


async def test_appends_count_once_their_transaction_commits(receipt_id: uuid.UUID) -> None:
    storage = SqlStorage()
    kept = await append(storage, receipt_id, 0, 3)
    assert kept == sorted(kept)
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await storage.append_on(conn, statement=b"lost", salt=b"s", event="issued",
                                    receipt_id=receipt_id)  # fmt: skip
            raise RuntimeError("the receipt failed")
    pending = await storage.read_pending(10)
    assert [(p.pending_id, p.entry) for p in pending] == [(kept[i], statement(i)) for i in range(3)]
    assert [p.pending_id for p in await storage.read_pending(2)] == kept[:2]
    assert await storage.read_leaf_index(kept[0]) is None
    assert await storage.read_leaf_index(10**9) is None
    assert await storage.read_checkpoint() is None


async def test_big_batches_integrate_into_provable_tiles(receipt_id: uuid.UUID) -> None:
    storage = SqlStorage()
    log = Log(storage, SIGNER)
    ids = await append(storage, receipt_id, 0, 3000)
    sizes = [(await log.integrate(1024)).checkpoint.size for _ in range(3)]
    assert sizes == [1024, 2048, 3000]
    assert await storage.read_pending(10) == []
    # 3000 leaves end inside tile 11: the next integration grows that partial tile and bundle.
    ids += await append(storage, receipt_id, 3000, 5)
    latest = (await log.integrate(1024)).checkpoint
    assert latest.size == 3005

    leaves = [leaf_hash(statement(i)) for i in range(3005)]
    assert root_from_reader(3005, lambda level, index: _node(leaves, level, index)) == (
        latest.root_hash
    )
    assert [await storage.read_leaf_index(i) for i in ids[::250]] == list(range(0, 3005, 250))
    assert await storage.read_leaf_index(ids[-1]) == 3004
    bundle = await storage.read_entry_bundle(11)
    assert bundle is not None
    assert decode_entry_bundle(bundle) == [statement(i) for i in range(2816, 3005)]
    for index in (0, 255, 256, 1023, 1024, 2047, 2999, 3004):
        proof = await log.inclusion_proof(index)
        verify_inclusion(index, 3005, leaves[index], list(proof.hashes), latest.root_hash)
        assert await log.read_entry(index) == statement(index)
    consistency = await log.consistency_proof(1024)
    verify_consistency(1024, 3005, list(consistency.hashes), consistency.root1, latest.root_hash)


def _node(leaves: list[bytes], level: int, index: int) -> bytes:
    if level == 0:
        return leaves[index]
    return node_hash(_node(leaves, level - 1, 2 * index), _node(leaves, level - 1, 2 * index + 1))


async def test_many_blobs_in_one_commit_replace_what_was_stored(receipt_id: uuid.UUID) -> None:
    storage = SqlStorage()
    ids = tuple(await append(storage, receipt_id, 0, 2))
    first = {(level, n): b"old %d %d" % (level, n) for level in range(2) for n in range(300)}
    await storage.commit_integration(
        integration(0, ids[:1], tiles=first, bundles={n: b"old %d" % n for n in range(300)})
    )
    second = {key: data + b" grown" for key, data in first.items() if key[1] % 2}
    await storage.commit_integration(
        integration(1, ids[1:], tiles=second, bundles={n: b"new %d" % n for n in range(0, 300, 3)})
    )
    stored = await storage.read_tiles([*first, (5, 0)])
    assert stored == {**first, **second}
    assert await storage.read_entry_bundle(3) == b"new 3"
    assert await storage.read_entry_bundle(4) == b"old 4"
    assert await storage.read_entry_bundle(300) is None
    assert await storage.read_checkpoint() == b"checkpoint 2\n"
    assert [await storage.read_leaf_index(i) for i in ids] == [0, 1]


async def test_a_stale_tree_size_conflicts_and_writes_nothing(receipt_id: uuid.UUID) -> None:
    storage = SqlStorage()
    log = Log(storage, SIGNER)
    await append(storage, receipt_id, 0, 1500)
    await log.integrate(1024)
    fresh = tuple(p.pending_id for p in await storage.read_pending(1024))
    before = await snapshot()
    for old_size in (0, 1000, 1025):
        with pytest.raises(IntegrationConflictError):
            await storage.commit_integration(integration(old_size, fresh))
    assert await snapshot() == before
    assert (await log.integrate(1024)).checkpoint.size == 1500


async def test_an_entry_no_longer_pending_conflicts_and_writes_nothing(
    receipt_id: uuid.UUID,
) -> None:
    storage = SqlStorage()
    log = Log(storage, SIGNER)
    ids = await append(storage, receipt_id, 0, 1500)
    await log.integrate(1024)
    before = await snapshot()
    fresh = tuple(ids[1024:])
    for taken in (
        (*fresh[:-1], ids[0]),  # already integrated, at the end of a big batch
        (ids[1023], *fresh),  # already integrated, first
        (*fresh, fresh[0]),  # listed twice
        (*fresh[:-1], 10**9),  # unknown id
    ):
        with pytest.raises(IntegrationConflictError):
            await storage.commit_integration(integration(1024, taken))
        assert await snapshot() == before
    assert (await log.integrate(1024)).checkpoint.size == 1500
