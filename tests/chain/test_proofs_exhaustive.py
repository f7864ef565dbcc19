"""Every (index, size) and (size1, size2) pair up to 300 leaves, cross-checked against the
recursive definitions of RFC 9162 §2.1.3.1 and §2.1.4.1, verified, and tampered with."""

from __future__ import annotations

import random
from functools import cache

import pytest

from chain.errors import ProofError
from chain.hashing import leaf_hash, node_hash
from chain.proofs import consistency_proof, inclusion_proof
from chain.verify import verify_consistency, verify_inclusion

MAX_SIZE = 300
LEAVES = tuple(leaf_hash(b"leaf %d" % i) for i in range(MAX_SIZE))


def _split(n: int) -> int:
    """The largest power of two smaller than n (RFC 9162's k)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


@cache
def mth(start: int, end: int) -> bytes:
    """MTH(D[start:end]) by the RFC's recursion."""
    if end - start == 1:
        return LEAVES[start]
    k = _split(end - start)
    return node_hash(mth(start, start + k), mth(start + k, end))


def path(m: int, start: int, end: int) -> list[bytes]:
    """PATH(m, D[start:end])."""
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*path(m, start, start + k), mth(start + k, end)]
    return [*path(m - k, start + k, end), mth(start, start + k)]


def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[start:end], b)."""
    n = end - start
    if m == n:
        return [] if whole else [mth(start, end)]
    k = _split(n)
    if m <= k:
        return [*subproof(m, start, start + k, whole), mth(start + k, end)]
    return [*subproof(m - k, start + k, end, False), mth(start, start + k)]


def read(level: int, index: int) -> bytes:
    return mth(index << level, (index + 1) << level)


def _tampered(proof: list[bytes], rng: random.Random) -> list[bytes]:
    position = rng.randrange(len(proof))
    byte = rng.randrange(32)
    changed = bytearray(proof[position])
    changed[byte] ^= 1 << rng.randrange(8)
    return [*proof[:position], bytes(changed), *proof[position + 1 :]]


def test_every_inclusion_proof_up_to_300() -> None:
    rng = random.Random(9162)
    for size in range(1, MAX_SIZE + 1):
        root = mth(0, size)
        for index in range(size):
            proof = inclusion_proof(index, size, read)
            assert proof == path(index, 0, size)
            verify_inclusion(index, size, LEAVES[index], proof, root)
            if proof and rng.random() < 0.05:
                with pytest.raises(ProofError):
                    verify_inclusion(index, size, LEAVES[index], _tampered(proof, rng), root)


def test_every_consistency_proof_up_to_300() -> None:
    rng = random.Random(6962)
    for size2 in range(1, MAX_SIZE + 1):
        root2 = mth(0, size2)
        for size1 in range(1, size2 + 1):
            proof = consistency_proof(size1, size2, read)
            assert proof == subproof(size1, 0, size2, True)
            root1 = mth(0, size1)
            verify_consistency(size1, size2, proof, root1, root2)
            if proof and rng.random() < 0.05:
                with pytest.raises(ProofError):
                    verify_consistency(size1, size2, _tampered(proof, rng), root1, root2)
