"""A tiled transparency log over a :class:`~chain.storage.Storage`.

The stages are kept apart, as in Tessera:

- :meth:`Log.append` makes an entry durable at once and returns a pending handle;
- :meth:`Log.integrate` is the sequencer: it takes pending entries in order,
  assigns leaf indexes, extends tiles and bundles, signs a checkpoint and
  commits it all atomically;
- reads serve the checkpoint, tiles, bundles, entries and proofs. Proofs are
  built from tiles (O(log n) nodes) and verified against the signed checkpoint
  before they are returned, so storage corruption surfaces as an error rather
  than as a bad proof in someone's hands.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from chain.checkpoint import Checkpoint, SignedCheckpoint, open_checkpoint, sign_checkpoint
from chain.errors import (
    ChainError,
    InvalidEntryError,
    MalformedKeyError,
    NotFoundError,
    ProofError,
    StorageError,
    TreeRangeError,
)
from chain.hashing import HASH_SIZE, leaf_hash
from chain.mldsa import MLDSACosignatureSigner
from chain.note import NoteSigner, Signer
from chain.proofs import consistency_plan, inclusion_plan
from chain.storage import Integration, Storage
from chain.tiles import (
    MAX_ENTRY_SIZE,
    TILE_WIDTH,
    TileKey,
    decode_entry_bundle,
    encode_entry_bundle,
    extend_entry_bundles,
    extend_tiles,
    partial_tiles,
    tile_reader,
    tiles_for_nodes,
)
from chain.tree import HashReader, NodeId, range_nodes, root_from_reader
from chain.verify import verify_consistency, verify_inclusion

DEFAULT_BATCH = 1024


@dataclass(frozen=True, slots=True)
class Pending:
    """Handle of an appended entry; resolve it with :meth:`Log.leaf_index`."""

    pending_id: int


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Proof that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` with ``root_hash``."""

    index: int
    size: int
    leaf_hash: bytes
    root_hash: bytes
    hashes: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """Proof that the tree of ``size2`` (``root2``) extends that of ``size1`` (``root1``)."""

    size1: int
    size2: int
    root1: bytes
    root2: bytes
    hashes: tuple[bytes, ...]


class Log:
    """One transparency log: its origin is the signer's key name.

    A process MUST run at most one ``integrate`` per log at a time (guarded here
    by a lock); across processes the storage's compare-and-set on the tree size
    turns a second sequencer into :class:`~chain.errors.IntegrationConflictError`.
    """

    def __init__(
        self,
        storage: Storage,
        signer: NoteSigner,
        *,
        also: Sequence[MLDSACosignatureSigner] = (),
    ) -> None:
        """``signer`` is the log's Ed25519 key; ``also`` are further keys (such as ML-DSA-44)
        that sign every checkpoint beside it, each named by the same origin."""
        if any(extra.name != signer.name for extra in also):
            raise MalformedKeyError("every key of a log is named by its origin")
        self._storage = storage
        self._signer = signer
        self._signers: tuple[Signer, ...] = (signer, *also)
        self._also_keys = tuple(extra.verifier().key_string() for extra in also)
        self._verifier = signer.verifier()
        self._lock = asyncio.Lock()

    @property
    def origin(self) -> str:
        return self._signer.name

    @property
    def verifier_key(self) -> str:
        """The log's public verifier key string (its Ed25519 key)."""
        return self._verifier.key_string()

    @property
    def verifier_keys(self) -> tuple[str, ...]:
        """Every verifier key that signs the log's checkpoints, the Ed25519 one first."""
        return (self._verifier.key_string(), *self._also_keys)

    async def append(self, entry: bytes) -> Pending:
        """Durably queue ``entry`` for integration.

        Entries MUST be at most 65535 bytes (the entry bundle limit); larger ones
        raise :class:`~chain.errors.InvalidEntryError` before anything is stored.
        """
        if len(entry) > MAX_ENTRY_SIZE:
            raise InvalidEntryError(f"entry of {len(entry)} bytes exceeds {MAX_ENTRY_SIZE}")
        return Pending(await self._storage.add_pending(entry))

    async def leaf_index(self, pending: Pending) -> int | None:
        """The leaf index of an appended entry, or ``None`` until it is integrated."""
        return await self._storage.read_leaf_index(pending.pending_id)

    async def latest_checkpoint(self) -> SignedCheckpoint | None:
        """The latest signed checkpoint, verified with the log's own key."""
        note = await self._storage.read_checkpoint()
        if note is None:
            return None
        try:
            signed, _ = open_checkpoint(note, [self._verifier], origin=self.origin)
        except ChainError as exc:
            raise StorageError("stored checkpoint does not verify") from exc
        return signed

    async def _require_checkpoint(self) -> Checkpoint:
        signed = await self.latest_checkpoint()
        if signed is None:
            raise NotFoundError("the log has no checkpoint yet")
        return signed.checkpoint

    async def integrate(self, max_batch: int = DEFAULT_BATCH) -> SignedCheckpoint:
        """Integrate up to ``max_batch`` pending entries and return the new checkpoint.

        Entries are taken lowest pending id first and receive consecutive leaf
        indexes. Tiles, bundles, the index assignments and the checkpoint are
        committed in one :meth:`~chain.storage.Storage.commit_integration`. With
        nothing pending the latest checkpoint is returned unchanged (an empty
        log gets its size-0 checkpoint the first time).
        """
        if max_batch < 1:
            raise ValueError("max_batch must be positive")
        async with self._lock:
            current = await self.latest_checkpoint()
            pending = await self._storage.read_pending(max_batch)
            if current is not None and not pending:
                return current
            old_size = current.checkpoint.size if current else 0
            entries = [p.entry for p in pending]
            # Blobs only grow, and another process's sequencer may have extended them since
            # the checkpoint was read: keep exactly the widths of ``old_size``, and let the
            # storage's compare-and-set refuse the commit if the tree moved on.
            widths = {t.key: t.width for t in partial_tiles(old_size)}
            stored = await self._storage.read_tiles(list(widths))
            old_tiles = {k: v[: widths[k] * HASH_SIZE] for k, v in stored.items() if k in widths}
            # The old partial tiles are all the new tree inherits from storage, and the
            # old root commits to every hash in them: checking it means the log can
            # never sign a checkpoint inconsistent with the one it signed before.
            old_root = root_from_reader(old_size, await self._reader([], old_tiles))
            if current is not None and old_root != current.checkpoint.root_hash:
                raise StorageError("stored partial tiles do not match the checkpoint root")
            old_bundle = None
            if old_size % TILE_WIDTH:
                old_bundle = await self._storage.read_entry_bundle(old_size // TILE_WIDTH)
                if old_bundle is not None:
                    kept = decode_entry_bundle(old_bundle)[: old_size % TILE_WIDTH]
                    old_bundle = encode_entry_bundle(kept)
            # Every hash the extension reads lies in the old partial tiles, which the root
            # check above has just read whole: no tile can be missing here.
            tiles = extend_tiles(old_size, [leaf_hash(e) for e in entries], old_tiles)
            bundles = extend_entry_bundles(old_size, entries, old_bundle)
            new_size = old_size + len(entries)
            reader = await self._reader(range_nodes(0, new_size), {**old_tiles, **tiles})
            root = root_from_reader(new_size, reader)
            signed = sign_checkpoint(Checkpoint(self.origin, new_size, root), self._signers)
            await self._storage.commit_integration(
                Integration(
                    old_size=old_size,
                    new_size=new_size,
                    checkpoint=signed.note,
                    pending_ids=tuple(p.pending_id for p in pending),
                    tiles=tiles,
                    entry_bundles=bundles,
                )
            )
            return signed

    async def read_tile(self, level: int, index: int, width: int = TILE_WIDTH) -> bytes:
        """The first ``width`` hashes of tile ``(level, index)``.

        Raises :class:`~chain.errors.NotFoundError` if the log does not (yet) hold
        that many hashes in the tile.
        """
        blobs = await self._storage.read_tiles([(level, index)])
        data = blobs.get((level, index), b"")
        if not 1 <= width <= TILE_WIDTH or len(data) < width * HASH_SIZE:
            raise NotFoundError(f"tile {level}/{index} of width {width} is not available")
        return data[: width * HASH_SIZE]

    async def read_entry_bundle(self, index: int, width: int = TILE_WIDTH) -> bytes:
        """The first ``width`` entries of bundle ``index``, encoded as a bundle."""
        data = await self._storage.read_entry_bundle(index)
        entries = decode_entry_bundle(data) if data else []
        if not 1 <= width <= TILE_WIDTH or len(entries) < width:
            raise NotFoundError(f"entry bundle {index} of width {width} is not available")
        return encode_entry_bundle(entries[:width])

    async def read_entry(self, index: int) -> bytes:
        """The entry at leaf ``index``, which MUST be below the checkpoint size."""
        size = (await self._require_checkpoint()).size
        if not 0 <= index < size:
            raise TreeRangeError(f"index {index} is not in a tree of size {size}")
        data = await self._storage.read_entry_bundle(index // TILE_WIDTH)
        entries = decode_entry_bundle(data) if data else []
        if len(entries) <= index % TILE_WIDTH:
            raise StorageError(f"entry {index} is missing from its bundle")
        return entries[index % TILE_WIDTH]

    async def inclusion_proof(self, index: int, size: int | None = None) -> InclusionProof:
        """Inclusion proof for leaf ``index`` in the tree of ``size`` (default: latest).

        ``0 <= index < size <= checkpoint size`` MUST hold, else
        :class:`~chain.errors.TreeRangeError`. The proof is verified before it is
        returned; for an older ``size`` its root is itself proven consistent with
        the signed checkpoint.
        """
        latest = await self._require_checkpoint()
        size = latest.size if size is None else size
        if not 0 <= index < size <= latest.size:
            raise TreeRangeError(f"no leaf {index} in a tree of size {size}")
        plan = inclusion_plan(index, size)
        reader = await self._reader(
            [NodeId(0, index), *plan.nodes(), *self._root_nodes(size, latest.size)]
        )
        root = self._proven_root(size, latest, reader)
        leaf = reader(0, index)
        hashes = plan.assemble(reader)
        try:
            verify_inclusion(index, size, leaf, hashes, root)
        except ProofError as exc:
            raise StorageError("stored tiles give an inclusion proof that fails") from exc
        return InclusionProof(index, size, leaf, root, tuple(hashes))

    async def consistency_proof(self, size1: int, size2: int | None = None) -> ConsistencyProof:
        """Consistency proof from ``size1`` to ``size2`` (default: latest), verified first.

        ``0 <= size1 <= size2 <= checkpoint size`` MUST hold, else
        :class:`~chain.errors.TreeRangeError`.
        """
        latest = await self._require_checkpoint()
        size2 = latest.size if size2 is None else size2
        if not 0 <= size1 <= size2 <= latest.size:
            raise TreeRangeError(f"no consistency proof from {size1} to {size2}")
        plan = consistency_plan(size1, size2)
        reader = await self._reader(
            [*plan.nodes(), *range_nodes(0, size1), *self._root_nodes(size2, latest.size)]
        )
        root1 = root_from_reader(size1, reader)
        root2 = self._proven_root(size2, latest, reader)
        hashes = plan.assemble(reader)
        try:
            verify_consistency(size1, size2, hashes, root1, root2)
        except ProofError as exc:
            raise StorageError("stored tiles give a consistency proof that fails") from exc
        return ConsistencyProof(size1, size2, root1, root2, tuple(hashes))

    @staticmethod
    def _root_nodes(size: int, latest: int) -> list[NodeId]:
        """Nodes for the root at ``size`` and for its proof up to the latest size."""
        if size == latest:
            return []
        return [*range_nodes(0, size), *consistency_plan(size, latest).nodes()]

    @staticmethod
    def _proven_root(size: int, latest: Checkpoint, reader: HashReader) -> bytes:
        """Root at ``size``, tied to the signed checkpoint by a consistency proof."""
        if size == latest.size:
            return latest.root_hash
        root = root_from_reader(size, reader)
        proof = consistency_plan(size, latest.size).assemble(reader)
        try:
            verify_consistency(size, latest.size, proof, root, latest.root_hash)
        except ProofError as exc:
            raise StorageError("stored tiles are inconsistent with the checkpoint") from exc
        return root

    async def _reader(
        self, nodes: Collection[NodeId], fresh: Mapping[TileKey, bytes] | None = None
    ) -> HashReader:
        """A hash reader over the tiles ``nodes`` need, fetched in one storage call."""
        fresh = fresh or {}
        wanted = tiles_for_nodes(nodes) - fresh.keys()
        tiles = {**(await self._storage.read_tiles(wanted) if wanted else {}), **fresh}
        read = tile_reader(tiles)

        def guarded(level: int, index: int) -> bytes:
            try:
                return read(level, index)
            except NotFoundError as exc:
                raise StorageError(f"tile for node ({level}, {index}) is missing") from exc

        return guarded
