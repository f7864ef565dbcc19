from __future__ import annotations

import pytest

from chain.errors import TreeRangeError
from chain.hashing import EMPTY_ROOT, leaf_hash
from chain.tree import (
    HashReader,
    NodeId,
    RightEdge,
    fold_right,
    perfect_root,
    range_nodes,
    root_from_reader,
    tree_root,
)
from tests.chain.rfc6962 import LEAF_HASHES, LEVEL1, LEVEL2, ROOTS


def _reader(leaves: list[bytes]) -> HashReader:
    return lambda level, index: perfect_root(leaves[index << level : (index + 1) << level])


@pytest.mark.parametrize("size", range(9))
def test_root_matches_rfc6962_vectors(size: int) -> None:
    assert tree_root(LEAF_HASHES[:size]) == ROOTS[size]
    assert root_from_reader(size, _reader(LEAF_HASHES)) == ROOTS[size]


def test_perfect_root_gives_interior_nodes() -> None:
    assert perfect_root(LEAF_HASHES[:2]) == LEVEL1[0]
    assert perfect_root(LEAF_HASHES[4:8]) == LEVEL2[1]
    with pytest.raises(ValueError):
        perfect_root(LEAF_HASHES[:3])


def test_node_id_coverage() -> None:
    node = NodeId(3, 5)
    assert (node.begin, node.end) == (40, 48)


def test_range_nodes_decomposes_into_maximal_aligned_subtrees() -> None:
    assert range_nodes(0, 0) == []
    assert range_nodes(0, 7) == [NodeId(2, 0), NodeId(1, 2), NodeId(0, 6)]
    assert range_nodes(3, 13) == [NodeId(0, 3), NodeId(2, 1), NodeId(2, 2), NodeId(0, 12)]
    with pytest.raises(TreeRangeError):
        range_nodes(5, 4)


def test_range_nodes_cover_every_leaf_once() -> None:
    for begin in range(40):
        for end in range(begin, 70):
            nodes = range_nodes(begin, end)
            covered = [i for n in nodes for i in range(n.begin, n.end)]
            assert covered == list(range(begin, end))
            assert all(n.begin % (1 << n.level) == 0 for n in nodes)


def test_fold_right_of_nothing_is_empty_root() -> None:
    assert fold_right([]) == EMPTY_ROOT


def test_right_edge_tracks_root_while_appending() -> None:
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(300)]
    edge = RightEdge()
    assert edge.root() == EMPTY_ROOT
    for size, h in enumerate(leaves, start=1):
        edge = edge.append(h)
        assert edge.size == size
        assert len(edge.hashes) == size.bit_count()
        assert edge.root() == root_from_reader(size, _reader(leaves))


def test_right_edge_rejects_inconsistent_shape() -> None:
    with pytest.raises(ValueError):
        RightEdge(3, (LEAF_HASHES[0],))
