from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping, Sequence

import pytest

from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.errors import (
    IntegrationConflictError,
    InvalidEntryError,
    NotFoundError,
    StorageError,
    TreeRangeError,
)
from chain.hashing import EMPTY_ROOT, leaf_hash
from chain.log import Log
from chain.note import NoteSigner, NoteVerifier, open_note
from chain.storage import PendingEntry
from chain.storage.memory import MemoryStorage
from chain.tiles import TileKey, decode_entry_bundle, tile_reader, tiles_for_size
from chain.tree import root_from_reader, tree_root
from chain.verify import verify_consistency, verify_inclusion

ORIGIN = "example.com/piaojia-test"


def _entry(i: int) -> bytes:
    return b'{"statement": %d}' % i


def _log(storage: MemoryStorage | None = None) -> Log:
    return Log(storage or MemoryStorage(), NoteSigner.generate(ORIGIN))


def test_thousand_entries_in_batches_reproduce_the_root_from_tiles() -> None:
    async def scenario() -> None:
        log = _log()
        handles = [await log.append(_entry(i)) for i in range(1000)]
        sizes: list[int] = []
        while True:
            signed = await log.integrate(max_batch=97)
            if sizes and signed.checkpoint.size == sizes[-1]:
                break
            sizes.append(signed.checkpoint.size)
        assert sizes == [*range(97, 1000, 97), 1000]

        checkpoint = signed.checkpoint
        leaves = [leaf_hash(_entry(i)) for i in range(1000)]
        assert checkpoint.root_hash == tree_root(leaves)
        assert [await log.leaf_index(h) for h in handles] == list(range(1000))

        tiles: dict[TileKey, bytes] = {}
        for tile in tiles_for_size(1000):
            tiles[tile.key] = await log.read_tile(tile.level, tile.index, tile.width)
        assert root_from_reader(1000, tile_reader(tiles)) == checkpoint.root_hash

        entries = []
        for n in range(4):
            width = 256 if n < 3 else 1000 - 768
            entries += decode_entry_bundle(await log.read_entry_bundle(n, width))
        assert entries == [_entry(i) for i in range(1000)]
        assert await log.read_entry(999) == _entry(999)

    asyncio.run(scenario())


def test_proofs_from_the_log_verify() -> None:
    async def scenario() -> None:
        log = _log()
        roots: dict[int, bytes] = {}
        for batch in (1, 2, 5, 120, 300, 2):
            for _ in range(batch):
                await log.append(_entry(len(roots) * 1000 + _))
            signed = await log.integrate()
            roots[signed.checkpoint.size] = signed.checkpoint.root_hash
        latest = max(roots)
        leaves = [leaf_hash(await log.read_entry(i)) for i in range(latest)]
        for index in range(latest):
            proof = await log.inclusion_proof(index)
            assert proof.leaf_hash == leaves[index]
            verify_inclusion(index, latest, leaves[index], proof.hashes, roots[latest])
        for size, root in roots.items():
            for index in (0, size // 2, size - 1):
                proof = await log.inclusion_proof(index, size)
                assert proof.root_hash == root
                verify_inclusion(index, size, leaves[index], proof.hashes, root)
            for size1, root1 in roots.items():
                if size1 <= size:
                    c = await log.consistency_proof(size1, size)
                    assert (c.root1, c.root2) == (root1, root)
                    verify_consistency(size1, size, c.hashes, root1, root)
        zero = await log.consistency_proof(0)
        assert zero.hashes == () and zero.root1 == EMPTY_ROOT

    asyncio.run(scenario())


def test_empty_log_gets_a_size_zero_checkpoint_once() -> None:
    async def scenario() -> None:
        storage = MemoryStorage()
        log = _log(storage)
        assert await log.latest_checkpoint() is None
        with pytest.raises(NotFoundError):
            await log.inclusion_proof(0)
        first = await log.integrate()
        assert first.checkpoint == Checkpoint(ORIGIN, 0, EMPTY_ROOT)
        assert await log.integrate() == first
        opened = open_note(first.note, [NoteVerifier.from_key_string(log.verifier_key)])
        assert opened.text == first.checkpoint.text()

    asyncio.run(scenario())


def test_reads_outside_the_tree_are_refused() -> None:
    async def scenario() -> None:
        log = _log()
        for i in range(10):
            await log.append(_entry(i))
        await log.integrate()
        with pytest.raises(TreeRangeError):
            await log.inclusion_proof(10)
        with pytest.raises(TreeRangeError):
            await log.inclusion_proof(3, 11)
        with pytest.raises(TreeRangeError):
            await log.consistency_proof(5, 4)
        with pytest.raises(TreeRangeError):
            await log.read_entry(10)
        assert len(await log.read_tile(0, 0, 10)) == 320
        with pytest.raises(NotFoundError):
            await log.read_tile(0, 0, 11)
        with pytest.raises(NotFoundError):
            await log.read_tile(0, 0)
        with pytest.raises(NotFoundError):
            await log.read_entry_bundle(0, 11)
        with pytest.raises(NotFoundError):
            await log.read_tile(1, 0)

    asyncio.run(scenario())


def test_oversized_entries_are_refused_before_storing() -> None:
    async def scenario() -> None:
        storage = MemoryStorage()
        with pytest.raises(InvalidEntryError):
            await _log(storage).append(bytes(0x10000))
        assert await storage.read_pending(1) == []

    asyncio.run(scenario())


class _SlowPending(MemoryStorage):
    """Yields to the event loop mid-integration so two sequencers interleave."""

    async def read_pending(self, limit: int) -> Sequence[PendingEntry]:
        await asyncio.sleep(0)
        return await super().read_pending(limit)


def test_a_second_sequencer_loses_the_race_without_writing() -> None:
    async def scenario() -> None:
        storage = _SlowPending()
        signer = NoteSigner.generate(ORIGIN)
        first, second = Log(storage, signer), Log(storage, signer)
        for i in range(5):
            await first.append(_entry(i))
        results = await asyncio.gather(
            first.integrate(), second.integrate(), return_exceptions=True
        )
        assert sum(isinstance(r, IntegrationConflictError) for r in results) == 1
        latest = await first.latest_checkpoint()
        assert latest is not None and latest.checkpoint.size == 5

    asyncio.run(scenario())


class _CorruptTiles(MemoryStorage):
    corrupt = False

    async def read_tiles(self, keys: Collection[TileKey]) -> Mapping[TileKey, bytes]:
        tiles = dict(await super().read_tiles(keys))
        if self.corrupt and (0, 0) in tiles:
            data = tiles[(0, 0)]
            tiles[(0, 0)] = data[:40] + bytes([data[40] ^ 1]) + data[41:]
        return tiles


def test_corrupted_tiles_never_yield_proofs_or_checkpoints() -> None:
    async def scenario() -> None:
        storage = _CorruptTiles()
        log = _log(storage)
        for i in range(20):
            await log.append(_entry(i))
        await log.integrate()
        storage.corrupt = True
        with pytest.raises(StorageError):
            await log.inclusion_proof(0)
        with pytest.raises(StorageError):
            await log.consistency_proof(3)
        with pytest.raises(StorageError):
            await log.inclusion_proof(5, 10)
        # Nor is a checkpoint signed on top of them: it would fork the log.
        await log.append(_entry(20))
        with pytest.raises(StorageError):
            await log.integrate()
        latest = await log.latest_checkpoint()
        assert latest is not None and latest.checkpoint.size == 20

    asyncio.run(scenario())


def test_a_checkpoint_not_signed_by_the_log_is_a_storage_error() -> None:
    async def scenario() -> None:
        storage = MemoryStorage()
        foreign = sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), [NoteSigner.generate(ORIGIN)])
        log = _log(storage)
        await log.integrate()
        assert await log.latest_checkpoint() is not None
        storage._checkpoint = foreign.note  # simulate a tampered database row
        with pytest.raises(StorageError):
            await log.latest_checkpoint()
        with pytest.raises(StorageError):
            await log.integrate()

    asyncio.run(scenario())


class RivalSequencerStorage(MemoryStorage):
    """Lets a second sequencer integrate right after the first one read its pending entries."""

    rival: Log | None = None

    async def read_pending(self, limit: int) -> Sequence[PendingEntry]:
        taken = await super().read_pending(limit)
        rival, self.rival = self.rival, None
        if rival is not None:
            await rival.integrate()
        return taken


def test_a_sequencer_overtaken_by_another_process_conflicts_and_signs_nothing() -> None:
    async def scenario() -> None:
        storage = RivalSequencerStorage()
        signer = NoteSigner.generate("example.com/race")
        first, second = Log(storage, signer), Log(storage, signer)
        for i in range(3):
            await first.append(b"entry %d" % i)
        await first.integrate()
        for i in range(3, 5):
            await first.append(b"entry %d" % i)
        storage.rival = second  # grows the partial tile and bundle under ``first``
        with pytest.raises(IntegrationConflictError):
            await first.integrate()
        latest = await first.latest_checkpoint()
        assert latest is not None and latest.checkpoint.size == 5
        proof = await first.consistency_proof(3, 5)
        assert proof.size2 == 5

    asyncio.run(scenario())
