"""A full audit of a Piaojia ledger over HTTP, as any outside party can run it.

The auditor trusts nothing but the log's verifier key (and its own saved state). It downloads
the signed checkpoint, every hash tile and every entry bundle of that tree (full and partial,
per C2SP tlog-tiles), recomputes the whole tree from the entries, and checks that the tiles
the log serves are exactly that tree and that its root is the signed one. With a state file it
also checks that the log only ever grew since the last audit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

from backend.anchoring.atomic_files import write_atomically
from backend.anchoring.audit_blame import (
    AuditError,
    first_leaf_mismatch,
    first_unconfirmed_tile,
    first_upper_mismatch,
    hash_at,
    tile_mismatch,
    tile_of,
)
from chain.checkpoint import Checkpoint, open_checkpoint
from chain.errors import ChainError, MalformedError, SignatureError
from chain.hashing import leaf_hash
from chain.note import Verifier
from chain.policy import Policy, log_verifier
from chain.quorum import count_cosignatures
from chain.tiles import (
    TILE_WIDTH,
    TileId,
    TileKey,
    decode_entry_bundle,
    extend_tiles,
    tile_hashes,
    tile_reader,
    tiles_for_size,
)
from chain.tree import root_from_reader

FETCH_CONCURRENCY = 8
"""Requests in flight at once: enough to hide latency, few enough to be polite to the log."""

TIMEOUT = 30.0

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What a passed audit established."""

    origin: str
    tree_size: int
    root_hash: bytes
    checkpoint: bytes
    """The signed checkpoint note that was audited (and saved to the state file, if any)."""
    tiles: int
    """Hash tiles downloaded and checked, every level, full and partial."""
    bundles: int
    """Entry bundles downloaded and checked."""
    previous_size: int | None
    """Size of the saved checkpoint the tree was proven to extend; ``None`` without one."""


async def audit_log(
    base_url: str,
    *,
    log_key: str,
    state_file: Path | None,
    client: httpx.AsyncClient | None = None,
    policy: Policy | None = None,
    fetch: Fetch | None = None,
) -> AuditReport:
    """Audit the ledger served at ``base_url`` (the service root; the log is under ``/ledger/``).

    Guarantees, when it returns: the checkpoint is signed by ``log_key`` and its origin is the
    key's name; every entry bundle and hash tile of that tree size was served with exactly the
    expected number of entries or hashes; every level-0 hash is the leaf hash of its entry,
    every higher-level hash is the root of the full tile below it, and the root of the tree is
    the checkpoint's. With ``state_file``: if it holds a checkpoint (from an earlier audit,
    signed by the same key), the new tree is no smaller and its first ``old size`` leaves have
    the old root; the audited checkpoint is then written there (atomically).

    On the first problem raises :class:`AuditError` naming the exact place; when a tile and its
    entries disagree, the side that does not reproduce the signed root is the one named. Holds
    about 100 bytes per leaf in memory (served tiles, leaf hashes and the tiles recomputed from
    them), never the entries themselves.
    ``client`` is used as given (its base URL is ignored: ``base_url`` is joined to each path);
    without it a client is made and closed here. With ``policy`` the checkpoint's cosignatures
    MUST also meet its quorum (:mod:`chain.quorum`). ``fetch`` replaces the HTTP fetching of
    paths under ``/ledger/`` (a mirror reads what it already holds through it).
    """
    verifier = _verifier(log_key)
    saved = _load_state(state_file, verifier) if state_file is not None else None
    owned = client is None
    http = httpx.AsyncClient(timeout=TIMEOUT) if client is None else client
    try:
        fetch = fetch or _fetcher(http, base_url)
        note = await fetch("checkpoint")
        checkpoint = _open(note, verifier, "checkpoint")
        if policy is not None:
            result = count_cosignatures(note, policy)
            if not result.satisfied:
                raise AuditError("checkpoint", result.explain())
        size = checkpoint.size
        if saved is not None and size < saved.size:
            # A shrunk log is caught before anything else is downloaded.
            raise AuditError(
                "checkpoint",
                f"size {size} is smaller than the size {saved.size} saved in {state_file}",
            )
        tiles, leaves = await _download(fetch, size)
    finally:
        if owned:
            await http.aclose()
    expected = extend_tiles(0, leaves, {}) if leaves else {}
    _check_tree(checkpoint, tiles, leaves, expected)
    if saved is not None:
        _check_consistent(saved, expected, state_file)
    if state_file is not None:
        write_atomically(state_file, note)
    return AuditReport(
        origin=checkpoint.origin,
        tree_size=size,
        root_hash=checkpoint.root_hash,
        checkpoint=note,
        tiles=len(tiles),
        bundles=_bundle_count(size),
        previous_size=saved.size if saved is not None else None,
    )


def _verifier(log_key: str) -> Verifier:
    try:
        return log_verifier(log_key)
    except ChainError as exc:
        raise AuditError("log key", str(exc)) from exc


def _open(note: bytes, verifier: Verifier, place: str) -> Checkpoint:
    try:
        signed, _ = open_checkpoint(note, [verifier])
    except SignatureError as exc:
        raise AuditError(place, f"not validly signed by the log key ({exc})") from exc
    except MalformedError as exc:
        raise AuditError(place, f"malformed ({exc})") from exc
    if signed.checkpoint.origin != verifier.name:
        raise AuditError(
            place, f"origin {signed.checkpoint.origin!r} is not the log key's {verifier.name!r}"
        )
    return signed.checkpoint


Fetch = Callable[[str], Awaitable[bytes]]


def _fetcher(http: httpx.AsyncClient, base_url: str) -> Fetch:
    prefix = base_url.rstrip("/") + "/ledger/"
    gate = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def fetch(path: str) -> bytes:
        async with gate:
            try:
                response = await http.get(prefix + path)
            except httpx.HTTPError as exc:
                raise AuditError(path, f"cannot fetch {prefix + path}: {exc!r}") from exc
        if response.status_code != 200:
            raise AuditError(path, f"HTTP {response.status_code} from {prefix + path}")
        return response.content

    return fetch


def _bundle_count(size: int) -> int:
    return -(-size // TILE_WIDTH)


def _bundle_ids(size: int) -> list[TileId]:
    return [
        TileId(0, n, min(TILE_WIDTH, size - n * TILE_WIDTH), entries=True)
        for n in range(_bundle_count(size))
    ]


async def _download(fetch: Fetch, size: int) -> tuple[dict[TileKey, bytes], list[bytes]]:
    """Every hash tile of the tree, checked for width, and the leaf hash of every entry."""

    async def hash_tile(tile: TileId) -> bytes:
        data = await fetch(tile.path())
        try:
            count = len(tile_hashes(data))
        except MalformedError as exc:
            raise AuditError(tile.path(), str(exc)) from exc
        if count != tile.width:
            raise AuditError(tile.path(), f"holds {count} hashes, expected {tile.width}")
        return data

    async def bundle_leaves(bundle: TileId) -> list[bytes]:
        data = await fetch(bundle.path())
        try:
            entries = decode_entry_bundle(data)
        except MalformedError as exc:
            raise AuditError(bundle.path(), str(exc)) from exc
        if len(entries) != bundle.width:
            raise AuditError(
                bundle.path(), f"holds {len(entries)} entries, expected {bundle.width}"
            )
        # Hash now and drop the entries: they are not needed again.
        return [leaf_hash(entry) for entry in entries]

    hash_ids = tiles_for_size(size)
    bundle_ids = _bundle_ids(size)
    tile_data = await _gather([hash_tile(t) for t in hash_ids])
    leaf_groups = await _gather([bundle_leaves(b) for b in bundle_ids])
    tiles = {tile.key: data for tile, data in zip(hash_ids, tile_data, strict=True)}
    return tiles, [h for group in leaf_groups for h in group]


async def _gather(jobs: Sequence[Awaitable[T]]) -> list[T]:
    """Run ``jobs`` concurrently; on the first failure cancel the rest and raise it."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()
        # Collect what the cancelled and failed siblings ended with, so none goes unretrieved.
        await asyncio.gather(*tasks, return_exceptions=True)


def _root(size: int, tiles: dict[TileKey, bytes]) -> bytes:
    return root_from_reader(size, tile_reader(tiles))


def _check_tree(
    checkpoint: Checkpoint,
    tiles: dict[TileKey, bytes],
    leaves: list[bytes],
    expected: dict[TileKey, bytes],
) -> None:
    """Check the served tiles and entries against each other and against the signed root.

    When they disagree, blame goes to the side that does not reproduce the signed root: if the
    entries do, every differing tile is wrong; if only the tiles do, the differing entry is.
    """
    size, root = checkpoint.size, checkpoint.root_hash
    if _root(size, expected) == root:
        for tile in tiles_for_size(size):
            if tiles[tile.key] != expected[tile.key]:
                raise tile_mismatch(tile, tiles, expected)
        return
    if _root(size, tiles) == root:
        # The signed root confirms the partial tiles, and each confirmed hash the full tile it
        # stands for: walking down from the top, the first tile that breaks this is wrong.
        unconfirmed = first_unconfirmed_tile(size, tiles)
        if unconfirmed is not None:
            raise unconfirmed
        # Every tile is confirmed, so the entries are wrong; and since the entries give another
        # root, some leaf hash differs from its level-0 tile hash.
        index = next(i for i, h in enumerate(leaves) if h != hash_at(tiles, 0, i))
        bundle = _bundle_ids(size)[index // TILE_WIDTH]
        tile = tile_of(size, 0, index)
        raise AuditError(
            bundle.path(),
            f"entry {index % TILE_WIDTH} (leaf {index}) does not match hash "
            f"{index % TILE_WIDTH} of {tile.path()}, which the checkpoint commits to",
        )
    # Neither the entries nor the tiles give the signed root: name the first disagreement
    # between them, bottom up, or else the checkpoint itself.
    problem = first_leaf_mismatch(size, tiles, leaves) or first_upper_mismatch(size, tiles)
    if problem is not None:
        raise problem
    raise AuditError("checkpoint", "root hash is not the root of the tree the log serves")


@dataclass(frozen=True, slots=True)
class _Saved:
    size: int
    root_hash: bytes


def _load_state(path: Path, verifier: Verifier) -> _Saved | None:
    place = f"state file {path}"
    try:
        note = path.read_bytes()
    except FileNotFoundError:
        return None  # the first audit: nothing to be consistent with yet
    except OSError as exc:
        raise AuditError(place, f"cannot read it ({exc})") from exc
    checkpoint = _open(note, verifier, place)
    return _Saved(checkpoint.size, checkpoint.root_hash)


def _check_consistent(saved: _Saved, expected: dict[TileKey, bytes], path: Path | None) -> None:
    """The saved root MUST come out of the (verified) new tree at the saved size."""
    # ``expected`` was just proven to be the signed tree, and its tiles hold every node that
    # is complete at the old size: the old root must come out of them unchanged.
    if _root(saved.size, expected) != saved.root_hash:
        raise AuditError(
            "checkpoint",
            f"not consistent with the one saved at size {saved.size} in {path}: "
            f"its first {saved.size} leaves have another root",
        )


__all__ = ["FETCH_CONCURRENCY", "AuditError", "AuditReport", "Fetch", "audit_log"]
