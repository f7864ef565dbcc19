"""C2SP tiled transparency logs (c2sp.org/tlog-tiles).

Tiles have height 8: a tile at level ``L`` holds up to 256 consecutive hashes of
Merkle level ``8 * L``, and tile hashes at level ``L + 1`` are the roots of the
full tiles of level ``L``. Entry bundles mirror level-0 tiles and hold the
entries themselves, each prefixed by a big-endian uint16 length.

Tiles only ever grow: a partial tile is a prefix of every later version of it.
That is why storage keeps one (widest) blob per ``(level, index)`` and any
narrower partial tile is a slice of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from chain.errors import InvalidEntryError, MalformedTileError, NotFoundError
from chain.hashing import HASH_SIZE
from chain.tree import HashReader, NodeId, perfect_root

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_ENTRY_SIZE = 0xFFFF
"""Entry bundles length-prefix entries with a uint16."""

TileKey = tuple[int, int]
"""``(tile level, tile index)``: where storage keeps a tile's widest version."""

_ELEMENT = re.compile(r"x[0-9]{3}")
_LAST = re.compile(r"[0-9]{3}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def encode_index(index: int) -> str:
    """Encode a tile index as 3-digit path elements: 1234067 → ``x001/x234/067``."""
    if index < 0:
        raise ValueError("tile index must be non-negative")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


# A log holds fewer than 2**63 entries (sizes are signed 64-bit integers in storage and on the
# wire), so no tile's index, at any level, reaches 2**63 / 256, which six groups of three digits
# encode; a longer path is refused before its digits are read.
MAX_TILE_INDEX = (2**63 - 1) // TILE_WIDTH
MAX_INDEX_ELEMENTS = 7


def _decode_index(elements: Sequence[str]) -> int:
    *prefix, last = elements
    if not _LAST.fullmatch(last) or not all(_ELEMENT.fullmatch(e) for e in prefix):
        raise MalformedTileError("malformed tile index")
    if len(elements) > MAX_INDEX_ELEMENTS:
        raise MalformedTileError("tile index beyond any log's size")
    index = 0
    for element in elements:
        index = index * 1000 + int(element.lstrip("x"))
    if index > MAX_TILE_INDEX:
        raise MalformedTileError("tile index beyond any log's size")
    if encode_index(index) != "/".join(elements):
        raise MalformedTileError("tile index is not canonically encoded")
    return index


@dataclass(frozen=True, slots=True, order=True)
class TileId:
    """A hash tile (or, with ``entries``, an entry bundle) and its width.

    ``width`` is 256 for a full tile and 1-255 for a partial one.
    """

    level: int
    index: int
    width: int = TILE_WIDTH
    entries: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.level <= 63 or self.index < 0 or not 1 <= self.width <= TILE_WIDTH:
            raise MalformedTileError(f"invalid tile {self.level}/{self.index}/{self.width}")
        if self.entries and self.level != 0:
            raise MalformedTileError("entry bundles sit at level 0")

    @property
    def key(self) -> TileKey:
        return (self.level, self.index)

    def path(self) -> str:
        """The path under the log prefix, e.g. ``tile/0/x001/x234/067.p/8``."""
        kind = "entries" if self.entries else str(self.level)
        suffix = f".p/{self.width}" if self.width < TILE_WIDTH else ""
        return f"tile/{kind}/{encode_index(self.index)}{suffix}"

    @classmethod
    def parse(cls, path: str) -> TileId:
        """Parse a tile or entry bundle path; only canonical encodings are accepted."""
        parts = path.split("/")
        if len(parts) < 3 or parts[0] != "tile":
            raise MalformedTileError(f"not a tile path: {path!r}")
        width = TILE_WIDTH
        if len(parts) >= 4 and parts[-2].endswith(".p"):
            if not _DECIMAL.fullmatch(parts[-1]) or not 1 <= int(parts[-1]) < TILE_WIDTH:
                raise MalformedTileError(f"malformed partial width in {path!r}")
            width = int(parts[-1])
            parts = [*parts[:-2], parts[-2][:-2]]
        kind, elements = parts[1], parts[2:]
        index = _decode_index(elements)
        if kind == "entries":
            return cls(0, index, width, entries=True)
        if not _DECIMAL.fullmatch(kind) or int(kind) > 63:
            raise MalformedTileError(f"malformed tile level in {path!r}")
        return cls(int(kind), index, width)


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """Path of hash tile ``(level, index)`` with ``width`` hashes."""
    return TileId(level, index, width).path()


def entry_bundle_path(index: int, width: int = TILE_WIDTH) -> str:
    """Path of entry bundle ``index`` with ``width`` entries."""
    return TileId(0, index, width, entries=True).path()


def _level_sizes(size: int) -> Iterable[tuple[int, int]]:
    """Yield ``(tile level, number of hashes at that level)`` while there are any."""
    level, count = 0, size
    while count:
        yield level, count
        level, count = level + 1, count >> TILE_HEIGHT


def tiles_for_size(size: int) -> list[TileId]:
    """Every hash tile of a tree of ``size`` leaves, full and partial, level by level."""
    tiles: list[TileId] = []
    for level, count in _level_sizes(size):
        full, rest = divmod(count, TILE_WIDTH)
        tiles.extend(TileId(level, n) for n in range(full))
        if rest:
            tiles.append(TileId(level, full, rest))
    return tiles


def partial_tiles(size: int) -> list[TileId]:
    """The partial (rightmost, not full) hash tiles of a tree of ``size`` leaves."""
    return [
        TileId(level, count // TILE_WIDTH, count % TILE_WIDTH)
        for level, count in _level_sizes(size)
        if count % TILE_WIDTH
    ]


def node_location(node: NodeId) -> tuple[TileKey, int, int]:
    """Where ``node``'s hash comes from: ``(tile key, first hash, hash count)``.

    A node at Merkle level ``8 * L + r`` is the root over ``2**r`` consecutive
    hashes of a level-``L`` tile.
    """
    tile_level, sub = divmod(node.level, TILE_HEIGHT)
    first = node.index << sub
    return (tile_level, first // TILE_WIDTH), first % TILE_WIDTH, 1 << sub


def tiles_for_nodes(nodes: Iterable[NodeId]) -> set[TileKey]:
    """The tiles needed to read the hashes of ``nodes``."""
    return {node_location(n)[0] for n in nodes}


def tile_hashes(data: bytes) -> list[bytes]:
    """Split tile contents into hashes; a tile holds 1 to 256 whole hashes."""
    if not data or len(data) % HASH_SIZE or len(data) > TILE_WIDTH * HASH_SIZE:
        raise MalformedTileError(f"tile of {len(data)} bytes is not 1-256 hashes")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def tile_reader(tiles: Mapping[TileKey, bytes]) -> HashReader:
    """A :data:`~chain.tree.HashReader` over tile contents keyed by ``(level, index)``.

    Reading a node whose tile is absent or too narrow raises
    :class:`~chain.errors.NotFoundError`; callers MUST only read nodes that are
    complete in the tree the tiles belong to.
    """

    def read(level: int, index: int) -> bytes:
        key, first, count = node_location(NodeId(level, index))
        data = tiles.get(key)
        if data is None or len(data) < (first + count) * HASH_SIZE:
            raise NotFoundError(f"tile {key} does not hold node ({level}, {index})")
        chunk = data[first * HASH_SIZE : (first + count) * HASH_SIZE]
        return perfect_root(tile_hashes(chunk))

    return read


def extend_tiles(
    old_size: int, leaf_hashes: Sequence[bytes], old_partials: Mapping[TileKey, bytes]
) -> dict[TileKey, bytes]:
    """Append leaf hashes to a tree and return every tile that changed, in full.

    ``old_partials`` MUST hold (at least) the contents of the old tree's
    :func:`partial_tiles`. Completed tiles feed their root into the level above,
    which is how tile levels stack.
    """
    changed: dict[TileKey, bytes] = {}
    level, have, fresh = 0, old_size, list(leaf_hashes)
    while fresh:
        total = have + len(fresh)
        completed: list[bytes] = []
        for n in range(have // TILE_WIDTH, (total - 1) // TILE_WIDTH + 1):
            start = n * TILE_WIDTH
            kept = max(have - start, 0)
            prefix = old_partials.get((level, n), b"")[: kept * HASH_SIZE]
            if len(prefix) != kept * HASH_SIZE:
                raise NotFoundError(f"partial tile ({level}, {n}) of the old tree is missing")
            lo, hi = max(start, have) - have, min(start + TILE_WIDTH, total) - have
            data = prefix + b"".join(fresh[lo:hi])
            changed[(level, n)] = data
            if len(data) == TILE_WIDTH * HASH_SIZE:
                completed.append(perfect_root(tile_hashes(data)))
        level, have, fresh = level + 1, have // TILE_WIDTH, completed
    return changed


def encode_entry_bundle(entries: Iterable[bytes]) -> bytes:
    """Concatenate entries, each prefixed by its length as a big-endian uint16."""
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise InvalidEntryError(f"entry of {len(entry)} bytes exceeds {MAX_ENTRY_SIZE}")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_entry_bundle(data: bytes) -> list[bytes]:
    """Split an entry bundle into its entries; rejects truncated bundles."""
    entries, pos = [], 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise MalformedTileError("truncated entry length")
        length = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if pos + length > len(data):
            raise MalformedTileError("truncated entry")
        entries.append(data[pos : pos + length])
        pos += length
    if len(entries) > TILE_WIDTH:
        raise MalformedTileError("entry bundle holds more than 256 entries")
    return entries


def extend_entry_bundles(
    old_size: int, entries: Sequence[bytes], old_partial: bytes | None
) -> dict[int, bytes]:
    """Append entries to the log's bundles and return every bundle that changed.

    ``old_partial`` MUST be the old tree's partial bundle (``None`` when the old
    size is a multiple of 256).
    """
    changed: dict[int, bytes] = {}
    total = old_size + len(entries)
    for n in range(old_size // TILE_WIDTH, (total - 1) // TILE_WIDTH + 1 if entries else 0):
        start = n * TILE_WIDTH
        prefix = b""
        if old_size > start:
            kept = old_size - start
            if old_partial is None or len(decode_entry_bundle(old_partial)) != kept:
                raise NotFoundError(f"partial entry bundle {n} of the old tree is missing")
            prefix = old_partial
        lo, hi = max(start, old_size) - old_size, min(start + TILE_WIDTH, total) - old_size
        changed[n] = prefix + encode_entry_bundle(entries[lo:hi])
    return changed
