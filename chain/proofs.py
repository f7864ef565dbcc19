"""Build RFC 9162 inclusion and consistency proofs from any hash source.

Building is split in two: a :class:`ProofPlan` says which nodes a proof needs
(pure arithmetic on indexes and sizes), and :meth:`ProofPlan.assemble` reads them
through a :data:`~chain.tree.HashReader`. Callers backed by slow storage fetch
``plan.nodes()`` (O(log n) of them) in one go, then assemble synchronously.
"""

from __future__ import annotations

from dataclasses import dataclass

from chain.errors import TreeRangeError
from chain.tree import HashReader, NodeId, fold_right, range_nodes


@dataclass(frozen=True, slots=True)
class ProofPlan:
    """The nodes behind each proof hash, in proof order (leaf side first).

    Each element is a compact range whose hashes fold (right to left) into one
    proof hash; most elements are a single perfect subtree.
    """

    elements: tuple[tuple[NodeId, ...], ...]

    def nodes(self) -> frozenset[NodeId]:
        """Every node the proof reads."""
        return frozenset(n for element in self.elements for n in element)

    def assemble(self, read: HashReader) -> list[bytes]:
        """Read the planned nodes and return the proof hashes."""
        return [fold_right([read(n.level, n.index) for n in e]) for e in self.elements]


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtree(begin: int, end: int) -> tuple[NodeId, ...]:
    return tuple(range_nodes(begin, end))


def inclusion_plan(index: int, size: int) -> ProofPlan:
    """Plan ``PATH(index, D[0:size])`` of RFC 9162 §2.1.3.1.

    MUST be called with ``0 <= index < size``; otherwise raises
    :class:`~chain.errors.TreeRangeError`.
    """
    if not 0 <= index < size:
        raise TreeRangeError(f"index {index} is not in a tree of size {size}")
    elements: list[tuple[NodeId, ...]] = []
    begin, end = 0, size
    # Walk from the root down, then reverse so the proof runs leaf to root.
    while end - begin > 1:
        k = _split(end - begin)
        if index - begin < k:
            elements.append(_subtree(begin + k, end))
            end = begin + k
        else:
            elements.append(_subtree(begin, begin + k))
            begin += k
    elements.reverse()
    return ProofPlan(tuple(elements))


def consistency_plan(size1: int, size2: int) -> ProofPlan:
    """Plan ``PROOF(size1, D[0:size2])`` of RFC 9162 §2.1.4.1.

    The proof is empty when ``size1`` is 0 or equals ``size2``, as in
    transparency-dev/merkle. MUST be called with ``0 <= size1 <= size2``;
    otherwise raises :class:`~chain.errors.TreeRangeError`.
    """
    if not 0 <= size1 <= size2:
        raise TreeRangeError(f"no consistency proof from size {size1} to size {size2}")
    if size1 in (0, size2):
        return ProofPlan(())
    elements: list[tuple[NodeId, ...]] = []
    begin, end = 0, size2
    known = True  # SUBPROOF's b: is MTH(D[begin:size1]) already known to the verifier?
    while size1 != end:
        k = _split(end - begin)
        if size1 - begin <= k:
            elements.append(_subtree(begin + k, end))
            end = begin + k
        else:
            elements.append(_subtree(begin, begin + k))
            begin += k
            known = False
    if not known:
        elements.append(_subtree(begin, end))
    elements.reverse()
    return ProofPlan(tuple(elements))


def inclusion_proof(index: int, size: int, read: HashReader) -> list[bytes]:
    """Inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    return inclusion_plan(index, size).assemble(read)


def consistency_proof(size1: int, size2: int, read: HashReader) -> list[bytes]:
    """Consistency proof from the tree of ``size1`` leaves to that of ``size2``."""
    return consistency_plan(size1, size2).assemble(read)
