from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from chain.errors import ProofError, TreeRangeError
from chain.hashing import leaf_hash
from chain.proofs import consistency_proof, inclusion_proof
from chain.tree import HashReader, perfect_root, tree_root
from chain.verify import root_from_inclusion_proof, verify_consistency, verify_inclusion
from tests.chain.rfc6962 import CONSISTENCY, INCLUSION, LEAF_HASHES, ROOTS

VECTORS = Path(__file__).parent / "vectors"
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(40)]


def _reader(leaves: list[bytes]) -> HashReader:
    return lambda level, index: perfect_root(leaves[index << level : (index + 1) << level])


def _flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << bit)]) + h[1:]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_vectors_verify(index: int, size: int, proof: list[bytes]) -> None:
    verify_inclusion(index, size, LEAF_HASHES[index], proof, ROOTS[size])
    assert root_from_inclusion_proof(index, size, LEAF_HASHES[index], proof) == ROOTS[size]


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
def test_consistency_vectors_verify(size1: int, size2: int, proof: list[bytes]) -> None:
    verify_consistency(size1, size2, proof, ROOTS[size1], ROOTS[size2])


def test_transparency_dev_consistency_happy_path_json() -> None:
    # testdata/consistency/1/happy-path.json from transparency-dev/merkle
    root1 = base64.b64decode("bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=")
    root2 = base64.b64decode("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")
    proof = [
        base64.b64decode(h)
        for h in [
            "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
            "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
            "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=",
        ]
    ]
    verify_consistency(1, 8, proof, root1, root2)
    with pytest.raises(ProofError):
        verify_consistency(1, 8, [_flip(proof[0], 4), *proof[1:]], root1, root2)


def test_real_certificate_transparency_proofs_verify() -> None:
    data = json.loads((VECTORS / "argon2020.json").read_text())
    root = base64.b64decode(data["sha256_root_hash"])
    leaf = leaf_hash(base64.b64decode(data["leaf_input"]))
    path = [base64.b64decode(h) for h in data["audit_path"]]
    verify_inclusion(data["leaf_index"], data["tree_size"], leaf, path, root)
    with pytest.raises(ProofError):
        verify_inclusion(data["leaf_index"] + 1, data["tree_size"], leaf, path, root)

    first = base64.b64decode(data["consistency_first_root"])
    proof = [base64.b64decode(h) for h in data["consistency"]]
    verify_consistency(data["consistency_first_size"], data["tree_size"], proof, first, root)
    with pytest.raises(ProofError):
        verify_consistency(
            data["consistency_first_size"] + 1, data["tree_size"], proof, first, root
        )


def test_tampered_inclusion_proofs_fail() -> None:
    read = _reader(LEAVES)
    for size in range(1, 40):
        root = tree_root(LEAVES[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, read)
            leaf = LEAVES[index]
            for i in range(len(proof)):
                bad = [*proof[:i], _flip(proof[i]), *proof[i + 1 :]]
                with pytest.raises(ProofError):
                    verify_inclusion(index, size, leaf, bad, root)
            with pytest.raises(ProofError):
                verify_inclusion(index, size, leaf, [*proof, LEAVES[0]], root)
            if proof:
                with pytest.raises(ProofError):
                    verify_inclusion(index, size, leaf, proof[:-1], root)
            with pytest.raises(ProofError):
                verify_inclusion(index, size, _flip(leaf), proof, root)
            with pytest.raises(ProofError):
                verify_inclusion(index, size, leaf, proof, _flip(root))
            if index + 1 < size:
                with pytest.raises(ProofError):
                    verify_inclusion(index + 1, size, leaf, proof, root)


def test_tampered_consistency_proofs_fail() -> None:
    read = _reader(LEAVES)
    roots = [tree_root(LEAVES[:n]) for n in range(41)]
    for size2 in range(2, 41):
        for size1 in range(1, size2):
            proof = consistency_proof(size1, size2, read)
            for i in range(len(proof)):
                bad = [*proof[:i], _flip(proof[i]), *proof[i + 1 :]]
                with pytest.raises(ProofError):
                    verify_consistency(size1, size2, bad, roots[size1], roots[size2])
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, proof[:-1], roots[size1], roots[size2])
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, [*proof, roots[0]], roots[size1], roots[size2])
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, proof, _flip(roots[size1]), roots[size2])
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, proof, roots[size1], _flip(roots[size2]))


def test_consistency_edge_cases() -> None:
    verify_consistency(0, 5, [], ROOTS[3], ROOTS[5])  # root1 is not checked for size 0
    verify_consistency(4, 4, [], ROOTS[4], ROOTS[4])
    verify_consistency(0, 0, [], ROOTS[0], ROOTS[0])
    with pytest.raises(ProofError):
        verify_consistency(0, 5, [ROOTS[1]], ROOTS[0], ROOTS[5])
    with pytest.raises(ProofError):
        verify_consistency(4, 4, [ROOTS[1]], ROOTS[4], ROOTS[4])
    with pytest.raises(ProofError):
        verify_consistency(4, 4, [], ROOTS[4], ROOTS[5])
    with pytest.raises(ProofError):
        verify_consistency(3, 5, [], ROOTS[3], ROOTS[5])
    with pytest.raises(TreeRangeError):
        verify_consistency(6, 5, [], ROOTS[6], ROOTS[5])


def test_inclusion_edge_cases() -> None:
    with pytest.raises(TreeRangeError):
        verify_inclusion(8, 8, LEAF_HASHES[0], [], ROOTS[8])
    with pytest.raises(TreeRangeError):
        verify_inclusion(0, 0, LEAF_HASHES[0], [], ROOTS[0])
    with pytest.raises(ProofError):
        verify_inclusion(0, 1, LEAF_HASHES[0][:31], [], ROOTS[1])
    with pytest.raises(ProofError):
        verify_inclusion(0, 2, LEAF_HASHES[0], [LEAF_HASHES[1][:31]], ROOTS[2])
