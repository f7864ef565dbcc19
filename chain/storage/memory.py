"""An in-memory :class:`~chain.storage.Storage`, for tests and single-process tools.

Each method body runs without awaiting, so on one event loop every call is
atomic; nothing survives the process, which is the one contract it cannot keep.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from chain.errors import IntegrationConflictError
from chain.storage import Integration, PendingEntry
from chain.tiles import TileKey


class MemoryStorage:
    """Keeps pending entries, tiles, bundles and the checkpoint in dicts."""

    def __init__(self) -> None:
        self._next_id = 1
        self._pending: dict[int, bytes] = {}
        self._leaf_index: dict[int, int] = {}
        self._tiles: dict[TileKey, bytes] = {}
        self._bundles: dict[int, bytes] = {}
        self._checkpoint: bytes | None = None
        self._size = 0

    async def add_pending(self, entry: bytes) -> int:
        pending_id = self._next_id
        self._next_id += 1
        self._pending[pending_id] = bytes(entry)
        return pending_id

    async def read_pending(self, limit: int) -> Sequence[PendingEntry]:
        ids = sorted(self._pending)[: max(limit, 0)]
        return [PendingEntry(i, self._pending[i]) for i in ids]

    async def commit_integration(self, integration: Integration) -> None:
        if integration.old_size != self._size:
            raise IntegrationConflictError(f"tree size is {self._size}, not {integration.old_size}")
        if any(i not in self._pending for i in integration.pending_ids):
            raise IntegrationConflictError("an entry of this batch is no longer pending")
        for i, pending_id in enumerate(integration.pending_ids):
            del self._pending[pending_id]
            self._leaf_index[pending_id] = integration.old_size + i
        self._tiles.update(integration.tiles)
        self._bundles.update(integration.entry_bundles)
        self._checkpoint = integration.checkpoint
        self._size = integration.new_size

    async def read_checkpoint(self) -> bytes | None:
        return self._checkpoint

    async def read_tiles(self, keys: Collection[TileKey]) -> Mapping[TileKey, bytes]:
        return {k: self._tiles[k] for k in keys if k in self._tiles}

    async def read_entry_bundle(self, index: int) -> bytes | None:
        return self._bundles.get(index)

    async def read_leaf_index(self, pending_id: int) -> int | None:
        return self._leaf_index.get(pending_id)
