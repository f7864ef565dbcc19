"""Verify RFC 9162 inclusion and consistency proofs.

The algorithms follow transparency-dev/merkle's ``proof/verify.go``, which is
RFC 9162 §2.1.3.2 and §2.1.4.2 plus the edge rules the RFC leaves implicit:
equal sizes need an empty proof and equal roots, size 0 needs an empty proof,
and a first size larger than the second never verifies.
"""

from __future__ import annotations

from collections.abc import Sequence

from chain.errors import ProofError, TreeRangeError
from chain.hashing import HASH_SIZE, node_hash


def _decompose(index: int, size: int) -> tuple[int, int]:
    """Split a proof for ``index`` in ``size`` into (inner, border) lengths."""
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner, border


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        seed = node_hash(seed, h) if (index >> i) & 1 == 0 else node_hash(h, seed)
    return seed


def _chain_inner_right(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        if (index >> i) & 1:
            seed = node_hash(h, seed)
    return seed


def _chain_border_right(seed: bytes, proof: Sequence[bytes]) -> bytes:
    for h in proof:
        seed = node_hash(h, seed)
    return seed


def _check_hashes(proof: Sequence[bytes]) -> None:
    if any(len(h) != HASH_SIZE for h in proof):
        raise ProofError("proof hashes must be 32 bytes")


def root_from_inclusion_proof(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """Compute the root that ``proof`` binds leaf ``index`` of a ``size``-leaf tree to.

    Raises :class:`~chain.errors.TreeRangeError` unless ``0 <= index < size`` and
    :class:`~chain.errors.ProofError` when the proof has the wrong shape.
    """
    if not 0 <= index < size:
        raise TreeRangeError(f"index {index} is not in a tree of size {size}")
    if len(leaf_hash) != HASH_SIZE:
        raise ProofError("leaf hash must be 32 bytes")
    _check_hashes(proof)
    inner, border = _decompose(index, size)
    if len(proof) != inner + border:
        raise ProofError(f"wrong proof length {len(proof)}, want {inner + border}")
    root = _chain_inner(leaf_hash, proof[:inner], index)
    return _chain_border_right(root, proof[inner:])


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that leaf ``index`` with ``leaf_hash`` is in the tree of ``size`` with ``root``.

    Returns only if the proof verifies; MUST NOT be treated as verified otherwise
    (raises :class:`~chain.errors.ProofError` or :class:`~chain.errors.TreeRangeError`).
    """
    if root_from_inclusion_proof(index, size, leaf_hash, proof) != root:
        raise ProofError("inclusion proof does not lead to the expected root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of ``size2`` with ``root2`` extends that of ``size1`` with ``root1``.

    Returns only if the proof verifies. As in transparency-dev/merkle, ``root1`` is
    not checked when ``size1`` is 0 (every tree extends the empty tree).
    """
    _check_hashes(proof)
    if size1 < 0 or size2 < size1:
        raise TreeRangeError(f"no consistency proof from size {size1} to size {size2}")
    if size1 == size2:
        if proof:
            raise ProofError("proof between equal sizes must be empty")
        if root1 != root2:
            raise ProofError("roots differ for equal tree sizes")
        return
    if size1 == 0:
        if proof:
            raise ProofError("proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("empty consistency proof")

    inner, border = _decompose(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1
    inner -= shift
    # The proof starts with the subtree of size 2**shift ending at size1, unless
    # size1 is exactly that subtree, whose root the verifier already has.
    if size1 == 1 << shift:
        seed, rest = root1, proof
    else:
        seed, rest = proof[0], proof[1:]
    if len(rest) != inner + border:
        want = inner + border + (len(proof) - len(rest))
        raise ProofError(f"wrong proof length {len(proof)}, want {want}")

    mask = (size1 - 1) >> shift
    hash1 = _chain_border_right(_chain_inner_right(seed, rest[:inner], mask), rest[inner:])
    if hash1 != root1:
        raise ProofError("consistency proof does not lead to the first root")
    hash2 = _chain_border_right(_chain_inner(seed, rest[:inner], mask), rest[inner:])
    if hash2 != root2:
        raise ProofError("consistency proof does not lead to the second root")
