"""Merkle tree shape: node addressing, compact ranges and root hashes.

A node ``(level, index)`` is the root of the perfect subtree over leaves
``[index * 2**level, (index + 1) * 2**level)``. Reading hashes through a
:data:`HashReader` keeps the algorithms independent of where hashes live (a
leaf list, tiles in a database, static files).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chain.errors import TreeRangeError
from chain.hashing import EMPTY_ROOT, HASH_SIZE, node_hash

HashReader = Callable[[int, int], bytes]
"""``read(level, index)`` returns the hash of node ``(level, index)``."""


@dataclass(frozen=True, slots=True, order=True)
class NodeId:
    """Address of a perfect subtree: ``level`` 0 is a leaf."""

    level: int
    index: int

    @property
    def begin(self) -> int:
        """First leaf index covered by this node."""
        return self.index << self.level

    @property
    def end(self) -> int:
        """One past the last leaf index covered by this node."""
        return (self.index + 1) << self.level


def range_nodes(begin: int, end: int) -> list[NodeId]:
    """Decompose leaves ``[begin, end)`` into maximal perfect subtrees, left to right.

    The result is the compact range of ``[begin, end)``: every leaf is covered by
    exactly one node and no two adjacent nodes can be merged into a parent.
    """
    if not 0 <= begin <= end:
        raise TreeRangeError(f"invalid leaf range [{begin}, {end})")
    nodes: list[NodeId] = []
    while begin < end:
        # The largest aligned block starting at begin that still fits before end.
        level = (begin & -begin).bit_length() - 1 if begin else (end - begin).bit_length()
        while begin + (1 << level) > end:
            level -= 1
        nodes.append(NodeId(level, begin >> level))
        begin += 1 << level
    return nodes


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """Hash a compact range's node hashes into one, right to left.

    For the compact range of ``[0, n)`` (or of any RFC 9162 subtree) this is the
    Merkle Tree Hash. An empty sequence yields :data:`EMPTY_ROOT`.
    """
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """Root of a perfect subtree given its ``2**k`` bottom hashes (``k >= 0``)."""
    count = len(hashes)
    if count == 0 or count & (count - 1):
        raise ValueError("a perfect subtree needs a power-of-two number of hashes")
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def root_from_reader(size: int, read: HashReader) -> bytes:
    """Merkle Tree Hash of the first ``size`` leaves, reading O(log size) nodes."""
    return fold_right([read(n.level, n.index) for n in range_nodes(0, size)])


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Merkle Tree Hash (RFC 9162 §2.1.1) of a complete list of leaf hashes."""
    return RightEdge.of(leaf_hashes).root()


@dataclass(frozen=True, slots=True)
class RightEdge:
    """The compact range ``[0, size)``: all a writer needs to append and get roots.

    ``hashes`` holds the hashes of :func:`range_nodes(0, size) <range_nodes>`, largest
    subtree first, so the structure is O(log size) whatever the tree size.
    """

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.hashes) != self.size.bit_count():
            raise ValueError("a right edge needs one hash per set bit of its size")
        if any(len(h) != HASH_SIZE for h in self.hashes):
            raise ValueError("right edge hashes must be 32 bytes")

    @classmethod
    def of(cls, leaf_hashes: Sequence[bytes]) -> RightEdge:
        """Right edge of the tree holding exactly ``leaf_hashes``."""
        edge = cls()
        for h in leaf_hashes:
            edge = edge.append(h)
        return edge

    def append(self, leaf_hash: bytes) -> RightEdge:
        """Return the right edge after appending one leaf hash."""
        stack = list(self.hashes)
        merged = leaf_hash
        size = self.size
        # Each trailing one bit of the old size is a subtree of the new leaf's height.
        while size & 1:
            merged = node_hash(stack.pop(), merged)
            size >>= 1
        stack.append(merged)
        return RightEdge(self.size + 1, tuple(stack))

    def root(self) -> bytes:
        """Merkle Tree Hash of the tree this edge describes."""
        return fold_right(self.hashes)
