"""What a :class:`~chain.log.Log` needs from storage, and nothing more.

Implementations are native to their medium (a dict, a SQL database, a bucket)
and share no code; they are held to the contracts documented on each method of
:class:`Storage`. A tile or bundle is stored as one blob per ``(level, index)``
that only ever grows: each write replaces the blob with a longer one having the
old blob as prefix, so every narrower partial version is a slice of it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from chain.tiles import TileKey


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """An appended entry waiting to be integrated, with its storage-assigned id."""

    pending_id: int
    entry: bytes


@dataclass(frozen=True, slots=True)
class Integration:
    """Everything one integration writes, applied all at once or not at all.

    ``pending_ids[i]`` received leaf index ``old_size + i``. ``tiles`` and
    ``entry_bundles`` hold the complete new contents of every blob that changed.
    """

    old_size: int
    new_size: int
    checkpoint: bytes
    pending_ids: tuple[int, ...]
    tiles: Mapping[TileKey, bytes]
    entry_bundles: Mapping[int, bytes]

    def __post_init__(self) -> None:
        if self.new_size != self.old_size + len(self.pending_ids):
            raise ValueError("an integration assigns one index per pending entry")


@runtime_checkable
class Storage(Protocol):
    """Durable state of one log: pending entries, tiles, bundles and the checkpoint."""

    async def add_pending(self, entry: bytes) -> int:
        """Durably record ``entry`` as pending and return its pending id.

        MUST be durable when it returns (a crash afterwards MUST NOT lose the
        entry). Ids MUST be unique and increase with each call; callers may
        run it inside a wider transaction, in which case the entry becomes
        visible to :meth:`read_pending` only once that transaction commits.
        """
        ...

    async def read_pending(self, limit: int) -> Sequence[PendingEntry]:
        """Return up to ``limit`` committed, not yet integrated entries, lowest id first.

        MUST NOT return an entry that a committed :meth:`commit_integration`
        already covered. Reading does not claim entries: the sequencer claims
        them by committing an :class:`Integration` that lists their ids.
        """
        ...

    async def commit_integration(self, integration: Integration) -> None:
        """Atomically apply ``integration``: all of it becomes visible, or none.

        In one atomic step the implementation MUST:

        - check that the stored tree size is ``integration.old_size`` (0 when no
          checkpoint was ever stored) and that every listed pending id is still
          pending, raising :class:`~chain.errors.IntegrationConflictError` and
          writing nothing otherwise;
        - replace each listed tile and entry bundle blob with the given bytes;
        - record leaf index ``old_size + i`` for ``pending_ids[i]`` and stop
          returning those entries from :meth:`read_pending`;
        - store ``integration.checkpoint`` as the latest checkpoint and
          ``integration.new_size`` as the tree size.

        Readers MUST never observe a checkpoint whose tiles or bundles are not
        all stored, nor tiles of a size larger than the stored checkpoint.
        """
        ...

    async def read_checkpoint(self) -> bytes | None:
        """Return the latest committed signed checkpoint note, or ``None`` if none yet."""
        ...

    async def read_tiles(self, keys: Collection[TileKey]) -> Mapping[TileKey, bytes]:
        """Return the stored blob of each requested ``(level, index)`` tile.

        Keys with nothing stored are left out of the result. All blobs MUST
        come from the same committed state (one snapshot).
        """
        ...

    async def read_entry_bundle(self, index: int) -> bytes | None:
        """Return the stored blob of entry bundle ``index``, or ``None``."""
        ...

    async def read_leaf_index(self, pending_id: int) -> int | None:
        """Return the leaf index assigned to ``pending_id``, or ``None`` while pending.

        MUST return ``None`` for unknown ids as well.
        """
        ...


__all__ = ["Integration", "PendingEntry", "Storage"]
