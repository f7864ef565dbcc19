"""RFC 9162 (and RFC 6962) Merkle tree hashing with SHA-256.

Leaves and interior nodes are domain-separated by a one-byte prefix, so a leaf
can never be passed off as a node (second-preimage protection).
"""

from __future__ import annotations

import hashlib

HASH_SIZE = 32
"""Length in bytes of every hash in the tree."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root hash of the empty tree: ``SHA-256("")``."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(entry: bytes) -> bytes:
    """Return ``SHA-256(0x00 || entry)``, the hash of a leaf holding ``entry``."""
    return hashlib.sha256(_LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return ``SHA-256(0x01 || left || right)``, the hash of an interior node.

    Both children MUST be :data:`HASH_SIZE` bytes; anything else raises ``ValueError``
    rather than silently hashing a different tree.
    """
    if len(left) != HASH_SIZE or len(right) != HASH_SIZE:
        raise ValueError("child hashes must be 32 bytes")
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()
