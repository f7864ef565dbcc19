from __future__ import annotations

import asyncio

import pytest

from chain.errors import IntegrationConflictError
from chain.storage import Integration, PendingEntry, Storage
from chain.storage.memory import MemoryStorage


def _integration(old_size: int, pending_ids: tuple[int, ...]) -> Integration:
    return Integration(
        old_size=old_size,
        new_size=old_size + len(pending_ids),
        checkpoint=b"checkpoint %d\n" % (old_size + len(pending_ids)),
        pending_ids=pending_ids,
        tiles={(0, 0): bytes(32 * (old_size + len(pending_ids)))},
        entry_bundles={0: b"bundle"},
    )


def test_memory_storage_implements_the_protocol() -> None:
    assert isinstance(MemoryStorage(), Storage)


def test_pending_entries_come_back_in_order_until_integrated() -> None:
    async def scenario() -> None:
        storage = MemoryStorage()
        ids = [await storage.add_pending(bytes([i])) for i in range(5)]
        assert ids == sorted(ids)
        assert await storage.read_pending(3) == [PendingEntry(ids[i], bytes([i])) for i in range(3)]
        await storage.commit_integration(_integration(0, tuple(ids[:3])))
        assert [p.pending_id for p in await storage.read_pending(10)] == ids[3:]
        assert [await storage.read_leaf_index(i) for i in ids] == [0, 1, 2, None, None]
        assert await storage.read_checkpoint() == b"checkpoint 3\n"
        assert await storage.read_tiles([(0, 0), (1, 0)]) == {(0, 0): bytes(96)}
        assert await storage.read_entry_bundle(0) == b"bundle"
        assert await storage.read_entry_bundle(1) is None

    asyncio.run(scenario())


def test_commit_is_a_compare_and_set_on_the_tree_size() -> None:
    async def scenario() -> None:
        storage = MemoryStorage()
        a, b = await storage.add_pending(b"a"), await storage.add_pending(b"b")
        await storage.commit_integration(_integration(0, (a,)))
        with pytest.raises(IntegrationConflictError):
            await storage.commit_integration(_integration(0, (b,)))
        with pytest.raises(IntegrationConflictError):
            await storage.commit_integration(_integration(1, (a,)))  # no longer pending
        assert await storage.read_checkpoint() == b"checkpoint 1\n"
        assert [p.pending_id for p in await storage.read_pending(10)] == [b]

    asyncio.run(scenario())


def test_integration_must_assign_one_index_per_entry() -> None:
    with pytest.raises(ValueError):
        Integration(0, 2, b"", (1,), {}, {})
