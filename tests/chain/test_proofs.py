from __future__ import annotations

import pytest

from chain.errors import TreeRangeError
from chain.hashing import leaf_hash
from chain.proofs import consistency_plan, consistency_proof, inclusion_plan, inclusion_proof
from chain.tree import HashReader, perfect_root, tree_root
from chain.verify import verify_consistency, verify_inclusion
from tests.chain.rfc6962 import CONSISTENCY, INCLUSION, LEAF_HASHES

LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(1100)]


def _reader(leaves: list[bytes]) -> HashReader:
    return lambda level, index: perfect_root(leaves[index << level : (index + 1) << level])


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION)
def test_inclusion_proofs_match_vectors(index: int, size: int, expected: list[bytes]) -> None:
    assert inclusion_proof(index, size, _reader(LEAF_HASHES)) == expected


@pytest.mark.parametrize(("size1", "size2", "expected"), CONSISTENCY)
def test_consistency_proofs_match_vectors(size1: int, size2: int, expected: list[bytes]) -> None:
    assert consistency_proof(size1, size2, _reader(LEAF_HASHES)) == expected


def test_every_inclusion_proof_up_to_70_verifies() -> None:
    read = _reader(LEAVES)
    for size in range(1, 71):
        root = tree_root(LEAVES[:size])
        for index in range(size):
            verify_inclusion(index, size, LEAVES[index], inclusion_proof(index, size, read), root)


def test_every_consistency_proof_up_to_70_verifies() -> None:
    read = _reader(LEAVES)
    roots = [tree_root(LEAVES[:n]) for n in range(71)]
    for size2 in range(71):
        for size1 in range(size2 + 1):
            proof = consistency_proof(size1, size2, read)
            verify_consistency(size1, size2, proof, roots[size1], roots[size2])


def test_edge_cases_follow_transparency_dev() -> None:
    read = _reader(LEAF_HASHES)
    assert consistency_proof(0, 8, read) == []
    assert consistency_proof(5, 5, read) == []
    assert consistency_proof(0, 0, read) == []
    with pytest.raises(TreeRangeError):
        consistency_proof(6, 5, read)
    with pytest.raises(TreeRangeError):
        inclusion_proof(8, 8, read)
    with pytest.raises(TreeRangeError):
        inclusion_proof(0, 0, read)
    with pytest.raises(TreeRangeError):
        inclusion_proof(-1, 4, read)


def test_plans_read_logarithmically_many_nodes() -> None:
    size = 1_000_003
    assert len(inclusion_plan(123_456, size).nodes()) <= 2 * size.bit_length()
    assert len(consistency_plan(777_777, size).nodes()) <= 2 * size.bit_length()


def test_plan_reads_only_planned_nodes() -> None:
    seen: list[tuple[int, int]] = []
    base = _reader(LEAVES)

    def read(level: int, index: int) -> bytes:
        seen.append((level, index))
        return base(level, index)

    plan = consistency_plan(300, 1029)
    plan.assemble(read)
    assert {(n.level, n.index) for n in plan.nodes()} == set(seen)
