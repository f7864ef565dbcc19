"""Shared helpers of the witness tests: a log to witness and requests to send."""

from __future__ import annotations

from chain.checkpoint import SignedCheckpoint
from chain.log import Log
from chain.witness import AddCheckpointRequest

ORIGIN = "example.com/piaojia-witness-test"


async def grow(log: Log, prefix: bytes, count: int) -> SignedCheckpoint:
    """Append ``count`` entries to ``log``, integrate them and return the new checkpoint."""
    for i in range(count):
        await log.append(prefix + b"%d" % i)
    return await log.integrate()


async def request_body(log: Log, old_size: int, checkpoint: SignedCheckpoint) -> bytes:
    """An add-checkpoint body for ``checkpoint`` with ``log``'s proof from ``old_size``."""
    size = checkpoint.checkpoint.size
    proof = () if old_size in (0, size) else (await log.consistency_proof(old_size, size)).hashes
    return AddCheckpointRequest(old_size, proof, checkpoint.note).encode()
