"""Naming the exact place where an audited log is wrong: which tile, which hash, which entry."""

from __future__ import annotations

from chain.hashing import HASH_SIZE
from chain.tiles import TILE_WIDTH, TileId, TileKey, tile_hashes, tiles_for_size
from chain.tree import perfect_root


class AuditError(Exception):
    """The ledger failed the audit at ``place`` (a tile path, ``checkpoint``, the state file).

    The message is one line: ``<place>: <what is wrong>``.
    """

    def __init__(self, place: str, detail: str) -> None:
        super().__init__(f"{place}: {detail}")
        self.place = place
        self.detail = detail


def tile_of(size: int, level: int, position: int) -> TileId:
    return next(
        t for t in tiles_for_size(size) if t.level == level and t.index == position // TILE_WIDTH
    )


def hash_at(tiles: dict[TileKey, bytes], level: int, position: int) -> bytes:
    data = tiles[(level, position // TILE_WIDTH)]
    offset = (position % TILE_WIDTH) * HASH_SIZE
    return data[offset : offset + HASH_SIZE]


def tile_mismatch(
    tile: TileId, tiles: dict[TileKey, bytes], expected: dict[TileKey, bytes]
) -> AuditError:
    served, want = tile_hashes(tiles[tile.key]), tile_hashes(expected[tile.key])
    j = next(j for j, (a, b) in enumerate(zip(served, want, strict=True)) if a != b)
    position = tile.index * TILE_WIDTH + j
    if tile.level == 0:
        bundle = TileId(0, tile.index, tile.width, entries=True)
        return AuditError(
            tile.path(), f"hash {j} does not match entry {position} (of {bundle.path()})"
        )
    below = TileId(tile.level - 1, position)
    return AuditError(tile.path(), f"hash {j} is not the root of {below.path()}")


def first_leaf_mismatch(
    size: int, tiles: dict[TileKey, bytes], leaves: list[bytes]
) -> AuditError | None:
    """The first level-0 hash that is not the leaf hash of its entry."""
    for tile in tiles_for_size(size):
        if tile.level != 0:
            break
        for j, served in enumerate(tile_hashes(tiles[tile.key])):
            position = tile.index * TILE_WIDTH + j
            if served != leaves[position]:
                bundle = TileId(0, tile.index, tile.width, entries=True)
                return AuditError(
                    tile.path(), f"hash {j} does not match entry {position} (of {bundle.path()})"
                )
    return None


def first_upper_mismatch(size: int, tiles: dict[TileKey, bytes]) -> AuditError | None:
    """The first hash above level 0, bottom up, that is not the root of its tile below."""
    for tile in tiles_for_size(size):
        if tile.level == 0:
            continue
        for j, served in enumerate(tile_hashes(tiles[tile.key])):
            below = TileId(tile.level - 1, tile.index * TILE_WIDTH + j)
            if served != perfect_root(tile_hashes(tiles[below.key])):
                return AuditError(tile.path(), f"hash {j} is not the root of {below.path()}")
    return None


def first_unconfirmed_tile(size: int, tiles: dict[TileKey, bytes]) -> AuditError | None:
    """Top down, the first full tile whose root is not the (confirmed) hash standing for it.

    MUST only be called once the tiles are known to give the signed root.
    """
    for tile in sorted(tiles_for_size(size), key=lambda t: -t.level):
        if tile.level == 0:
            break
        for j, served in enumerate(tile_hashes(tiles[tile.key])):
            below = TileId(tile.level - 1, tile.index * TILE_WIDTH + j)
            if served != perfect_root(tile_hashes(tiles[below.key])):
                return AuditError(
                    below.path(),
                    f"root is not hash {j} of {tile.path()}, which the checkpoint commits to",
                )
    return None
