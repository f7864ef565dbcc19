from __future__ import annotations

import hashlib

import pytest

from chain.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash
from tests.chain.rfc6962 import LEAF_HASHES, LEAVES, LEVEL1


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_leaf_hashes_match_rfc6962_vectors() -> None:
    assert [leaf_hash(leaf) for leaf in LEAVES] == LEAF_HASHES


def test_node_hashes_match_rfc6962_vectors() -> None:
    pairs = zip(LEAF_HASHES[::2], LEAF_HASHES[1::2], strict=True)
    assert [node_hash(left, right) for left, right in pairs] == LEVEL1


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    left, right = LEAF_HASHES[0], LEAF_HASHES[1]
    assert leaf_hash(left + right) != node_hash(left, right)
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert len(node_hash(left, right)) == HASH_SIZE


def test_node_hash_rejects_short_children() -> None:
    with pytest.raises(ValueError):
        node_hash(b"\x00" * 31, LEAF_HASHES[0])
