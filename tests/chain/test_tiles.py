from __future__ import annotations

import pytest

from chain.errors import InvalidEntryError, MalformedTileError, NotFoundError
from chain.hashing import HASH_SIZE, leaf_hash
from chain.tiles import (
    MAX_TILE_INDEX,
    TILE_WIDTH,
    TileId,
    TileKey,
    decode_entry_bundle,
    encode_entry_bundle,
    encode_index,
    entry_bundle_path,
    extend_entry_bundles,
    extend_tiles,
    partial_tiles,
    tile_hashes,
    tile_path,
    tile_reader,
    tiles_for_nodes,
    tiles_for_size,
)
from chain.tree import NodeId, perfect_root, range_nodes, root_from_reader, tree_root

LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(70_000)]


@pytest.mark.parametrize(
    ("index", "encoded"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_index_encoding(index: int, encoded: str) -> None:
    assert encode_index(index) == encoded


def test_paths() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 1234067, 8) == "tile/1/x001/x234/067.p/8"
    assert entry_bundle_path(1234067) == "tile/entries/x001/x234/067"
    assert entry_bundle_path(0, 17) == "tile/entries/000.p/17"


@pytest.mark.parametrize(
    "tile",
    [
        TileId(0, 1234067),
        TileId(2, 5, 1),
        TileId(63, 0, 255),
        TileId(0, 1000, 3, entries=True),
    ],
)
def test_paths_parse_back(tile: TileId) -> None:
    assert TileId.parse(tile.path()) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1234067",
        "tile/0/x001/234/067",
        "tile/0/x000/001",  # not canonical
        "tile/0/001.p/256",
        "tile/0/001.p/0",
        "tile/0/001.p/08",
        "tile/64/001",
        "tile/01/001",
        "tile/x/001",
        "tiles/0/001",
        "tile/0",
        "tile/entries/x1/001",
    ],
)
def test_malformed_paths_are_rejected(path: str) -> None:
    with pytest.raises(MalformedTileError):
        TileId.parse(path)


def test_tiles_of_a_70000_leaf_tree_match_the_spec_example() -> None:
    tiles = tiles_for_size(70_000)
    level0 = [t for t in tiles if t.level == 0]
    assert [t for t in level0 if t.width == TILE_WIDTH] == [TileId(0, n) for n in range(273)]
    assert [t for t in level0 if t.width < TILE_WIDTH] == [TileId(0, 273, 112)]
    assert [t for t in tiles if t.level == 1] == [TileId(1, 0), TileId(1, 1, 17)]
    assert [t for t in tiles if t.level == 2] == [TileId(2, 0, 1)]
    assert partial_tiles(70_000) == [TileId(0, 273, 112), TileId(1, 1, 17), TileId(2, 0, 1)]


def test_a_256_leaf_tree_is_one_full_tile_and_a_level_1_partial() -> None:
    assert tiles_for_size(256) == [TileId(0, 0), TileId(1, 0, 1)]
    assert tiles_for_size(0) == []


def _all_tiles(size: int) -> dict[TileKey, bytes]:
    return extend_tiles(0, LEAVES[:size], {})


def test_tiles_hold_the_spec_hashes() -> None:
    tiles = _all_tiles(70_000)
    for tile in tiles_for_size(70_000):
        hashes = tile_hashes(tiles[tile.key])
        assert len(hashes) == tile.width
        span = 256**tile.level
        for i in (0, tile.width - 1):
            first = (tile.index * 256 + i) * span
            assert hashes[i] == perfect_root(LEAVES[first : first + span])


@pytest.mark.parametrize("size", [1, 2, 255, 256, 257, 511, 65535, 65536, 65537, 70_000])
def test_reading_nodes_from_tiles_gives_the_tree_root(size: int) -> None:
    tiles = _all_tiles(size)
    nodes = range_nodes(0, size)
    needed = tiles_for_nodes(nodes)
    read = tile_reader({k: tiles[k] for k in needed})
    assert root_from_reader(size, read) == tree_root(LEAVES[:size])


def test_reading_a_node_above_tile_height_stacks_levels() -> None:
    tiles = _all_tiles(70_000)
    read = tile_reader(tiles)
    assert read(9, 1) == perfect_root(LEAVES[512:1024])  # level-1 tile, 2 hashes
    assert read(16, 0) == perfect_root(LEAVES[:65536])  # level-2 tile, 1 hash
    with pytest.raises(NotFoundError):
        read(16, 1)


def test_extending_in_batches_matches_building_at_once() -> None:
    batches = [1, 1, 254, 1, 300, 700, 1, 255, 2000]
    tiles: dict[TileKey, bytes] = {}
    size = 0
    for batch in batches:
        old = {t.key: tiles[t.key] for t in partial_tiles(size)}
        changed = extend_tiles(size, LEAVES[size : size + batch], old)
        for key, data in changed.items():
            assert data.startswith(tiles.get(key, b""))  # tiles only grow
        tiles.update(changed)
        size += batch
    assert tiles == _all_tiles(size)


def test_extending_without_the_old_partial_tile_fails() -> None:
    with pytest.raises(NotFoundError):
        extend_tiles(3, LEAVES[3:5], {})


def test_tile_contents_must_be_whole_hashes() -> None:
    with pytest.raises(MalformedTileError):
        tile_hashes(b"")
    with pytest.raises(MalformedTileError):
        tile_hashes(bytes(HASH_SIZE + 1))
    with pytest.raises(MalformedTileError):
        tile_hashes(bytes(HASH_SIZE * 257))


def test_entry_bundles_are_uint16_length_prefixed() -> None:
    assert encode_entry_bundle([b"ab", b""]) == b"\x00\x02ab\x00\x00"
    assert decode_entry_bundle(b"\x00\x02ab\x00\x00") == [b"ab", b""]
    big = bytes(0xFFFF)
    assert decode_entry_bundle(encode_entry_bundle([big])) == [big]
    with pytest.raises(InvalidEntryError):
        encode_entry_bundle([bytes(0x10000)])
    for truncated in (b"\x00", b"\x00\x03ab"):
        with pytest.raises(MalformedTileError):
            decode_entry_bundle(truncated)


def test_entry_bundles_extend_like_level_0_tiles() -> None:
    entries = [i.to_bytes(2, "big") * (i % 5) for i in range(700)]
    bundles: dict[int, bytes] = {}
    size = 0
    for batch in (3, 253, 1, 300, 143):
        partial = bundles.get(size // TILE_WIDTH) if size % TILE_WIDTH else None
        bundles.update(extend_entry_bundles(size, entries[size : size + batch], partial))
        size += batch
    assert sorted(bundles) == [0, 1, 2]
    decoded = [e for n in sorted(bundles) for e in decode_entry_bundle(bundles[n])]
    assert decoded == entries
    tiles = extend_tiles(0, [leaf_hash(e) for e in entries], {})
    for n, bundle in bundles.items():
        assert [leaf_hash(e) for e in decode_entry_bundle(bundle)] == tile_hashes(tiles[(0, n)])
    assert extend_entry_bundles(size, [], None) == {}
    with pytest.raises(NotFoundError):
        extend_entry_bundles(5, entries[5:6], None)


def test_node_ids_map_to_tiles() -> None:
    assert tiles_for_nodes([NodeId(0, 300), NodeId(7, 6), NodeId(8, 0), NodeId(17, 1)]) == {
        (0, 1),
        (0, 3),
        (1, 0),
        (2, 0),
    }


def test_tile_indexes_stop_at_what_a_63_bit_log_holds() -> None:
    last = TileId.parse("tile/0/" + encode_index(MAX_TILE_INDEX))
    assert last.index == MAX_TILE_INDEX
    assert TileId.parse("tile/entries/" + encode_index(MAX_TILE_INDEX)).entries
    for path in [
        "tile/0/" + encode_index(MAX_TILE_INDEX + 1),
        "tile/0/" + "/".join(["x001"] * 10) + "/999",  # 10**30 and more: past int64
        "tile/entries/" + "/".join(["x999"] * 7) + "/999",
        "tile/5/" + "/".join(["x000"] * 200) + "/001",  # refused before its digits are read
    ]:
        with pytest.raises(MalformedTileError):
            TileId.parse(path)
