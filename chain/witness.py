"""The logic of a C2SP tlog-witness (c2sp.org/tlog-witness), without HTTP.

A witness remembers, per log origin, the latest checkpoint it cosigned. It
cosigns a new checkpoint only if the log's trusted key signed it and a
consistency proof links it to that remembered state, so a log that forks (shows
two different trees to two parties) is caught at the first witness that saw
the other branch. Each refusal is a typed error matching a status of the spec:

=============================  ======================================
error                          tlog-witness response
=============================  ======================================
MalformedRequestError          400 Bad Request
UnknownLogError                404 Not Found
UntrustedCheckpointError       403 Forbidden
OldSizeTooLargeError           400 Bad Request
OldSizeMismatchError           409 Conflict, body ``<known size>\\n``
InconsistentCheckpointError    422 Unprocessable Entity
RootMismatchError              409 Conflict
ClockBehindError               503 Service Unavailable
=============================  ======================================

The witness's clock only moves its cosignatures forward: each cosignature says "as of time t
this is the largest tree I have seen", so one for a larger tree dated before an earlier one
would contradict it. When the clock reads earlier than the last cosignature for that log (the
clock was set back, or was ahead before), the witness refuses to cosign until it catches up.
"""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from chain.checkpoint import Checkpoint
from chain.cosignature import CosignatureSigner, CosignatureVerifier
from chain.errors import (
    ChainError,
    ClockBehindError,
    InconsistentCheckpointError,
    MalformedRequestError,
    OldSizeMismatchError,
    OldSizeTooLargeError,
    ProofError,
    RootMismatchError,
    SignatureError,
    UnknownLogError,
    UntrustedCheckpointError,
)
from chain.hashing import EMPTY_ROOT, HASH_SIZE
from chain.keys import b64decode_strict
from chain.mldsa import MLDSACosignatureSigner, MLDSACosignatureVerifier
from chain.note import Signature, Verifier, open_note, split_note
from chain.verify import verify_consistency

MAX_PROOF_LINES = 63
_OLD = re.compile(r"old (0|[1-9][0-9]*)")


@dataclass(frozen=True, slots=True)
class TreeHead:
    """The size and root of the latest checkpoint cosigned for a log."""

    size: int
    root_hash: bytes
    timestamp: int = field(default=0, compare=False)
    """When the witness cosigned it (POSIX seconds; 0 if not recorded)."""


@runtime_checkable
class WitnessState(Protocol):
    """Per-origin record of the latest cosigned tree head."""

    async def read(self, origin: str) -> TreeHead | None:
        """The latest cosigned tree head for ``origin``, or ``None`` if never cosigned."""
        ...

    async def compare_and_set(self, origin: str, old_size: int, new: TreeHead) -> bool:
        """Store ``new`` only if the recorded size is still ``old_size`` (0 if none).

        MUST be atomic and durable before returning True; returns False and
        changes nothing if the recorded size differs. Without this check two
        racing requests could roll the witness back (see the spec).
        """
        ...


class MemoryWitnessState:
    """In-memory :class:`WitnessState`; each call is atomic on one event loop."""

    def __init__(self) -> None:
        self._heads: dict[str, TreeHead] = {}

    async def read(self, origin: str) -> TreeHead | None:
        return self._heads.get(origin)

    async def compare_and_set(self, origin: str, old_size: int, new: TreeHead) -> bool:
        current = self._heads.get(origin)
        if (current.size if current else 0) != old_size:
            return False
        self._heads[origin] = new
        return True


@dataclass(frozen=True, slots=True)
class AddCheckpointRequest:
    """Body of ``POST <prefix>/add-checkpoint``."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes

    def encode(self) -> bytes:
        """``old <N>\\n``, one base64 proof hash per line, a blank line, the checkpoint."""
        lines = [
            f"old {self.old_size}\n",
            *(base64.b64encode(h).decode() + "\n" for h in self.proof),
        ]
        return "".join(lines).encode() + b"\n" + self.checkpoint

    @classmethod
    def parse(cls, body: bytes) -> AddCheckpointRequest:
        """Parse a request body; raises :class:`~chain.errors.MalformedRequestError`.

        Proof lines are never empty, so the first blank line ends the header.
        """
        header, sep, checkpoint = body.partition(b"\n\n")
        if not sep:
            raise MalformedRequestError("request has no blank line before the checkpoint")
        try:
            lines = header.decode("ascii").split("\n")
        except UnicodeDecodeError as exc:
            raise MalformedRequestError("request header is not ASCII") from exc
        old = _OLD.fullmatch(lines[0])
        if old is None:
            raise MalformedRequestError("first line must be 'old <size>'")
        if len(lines) - 1 > MAX_PROOF_LINES:
            raise MalformedRequestError("too many consistency proof lines")
        proof = []
        for line in lines[1:]:
            try:
                h = b64decode_strict(line)
            except ValueError as exc:
                raise MalformedRequestError("proof line is not base64") from exc
            if len(h) != HASH_SIZE:
                raise MalformedRequestError("proof line is not a 32-byte hash")
            proof.append(h)
        return cls(int(old.group(1)), tuple(proof), checkpoint)


class Witness:
    """Verifies consistency of trusted logs' checkpoints and cosigns them.

    ``logs`` maps each trusted origin to the verifiers of its keys. Concurrent
    requests for one origin are serialised here, and the state store's
    compare-and-set keeps several witness processes sharing one store safe.
    """

    def __init__(
        self,
        signer: CosignatureSigner | MLDSACosignatureSigner,
        logs: Mapping[str, Sequence[Verifier]],
        state: WitnessState,
    ) -> None:
        self._signer = signer
        self._logs = {origin: tuple(vs) for origin, vs in logs.items()}
        self._state = state
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def name(self) -> str:
        return self._signer.name

    def verifier(self) -> CosignatureVerifier | MLDSACosignatureVerifier:
        """The verifier of this witness's cosignatures."""
        return self._signer.verifier()

    async def handle_request(self, body: bytes) -> str:
        """Parse an add-checkpoint request body and process it (see :meth:`add_checkpoint`)."""
        request = AddCheckpointRequest.parse(body)
        return await self.add_checkpoint(request.old_size, request.proof, request.checkpoint)

    async def add_checkpoint(
        self, old_size: int, proof: Sequence[bytes], checkpoint_note: bytes
    ) -> str:
        """Cosign ``checkpoint_note`` if it extends the last cosigned checkpoint.

        Returns the cosignature line(s) (``— <name> <base64>\\n``) to append to the
        note. Refusals raise, in this order of checks: MalformedRequestError,
        UnknownLogError, UntrustedCheckpointError, OldSizeTooLargeError,
        OldSizeMismatchError (carrying the recorded size),
        InconsistentCheckpointError (proof fails, or a non-empty proof where it
        MUST be empty), RootMismatchError (same size, different root),
        ClockBehindError (the clock reads before the last cosignature). The new
        state is persisted before the cosignature is returned, and is never
        moved backwards or onto a different branch.
        """
        if old_size < 0 or len(proof) > MAX_PROOF_LINES:
            raise MalformedRequestError("invalid old size or too many proof lines")
        try:
            text, _ = split_note(checkpoint_note)
        except ChainError as exc:
            raise MalformedRequestError("checkpoint is not a signed note") from exc
        origin = text.split("\n", 1)[0]
        verifiers = self._logs.get(origin)
        if verifiers is None:
            raise UnknownLogError(f"unknown log {origin!r}")
        try:
            opened = open_note(checkpoint_note, verifiers)
        except SignatureError as exc:
            raise UntrustedCheckpointError(f"no trusted signature for {origin!r}") from exc
        try:
            checkpoint = Checkpoint.parse(opened.text)
        except ChainError as exc:
            raise MalformedRequestError("note text is not a checkpoint") from exc
        if old_size > checkpoint.size:
            raise OldSizeTooLargeError(f"old size {old_size} > checkpoint size {checkpoint.size}")

        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            known = await self._state.read(origin)
            known_size = known.size if known else 0
            if old_size != known_size:
                raise OldSizeMismatchError(
                    f"old size {old_size} is not the cosigned size {known_size}", known_size
                )
            self._check_consistency(known, checkpoint, proof)
            now = self._signer.now()
            if known is not None and now < known.timestamp:
                raise ClockBehindError(
                    f"the witness clock reads {now}, before its last cosignature for "
                    f"{origin!r} at {known.timestamp}: cosigning waits for the clock"
                )
            new = TreeHead(checkpoint.size, checkpoint.root_hash, now)
            if not await self._state.compare_and_set(origin, old_size, new):
                latest = await self._state.read(origin)
                size = latest.size if latest else 0
                raise OldSizeMismatchError("the witness state moved during the request", size)
        signed = self._signer.sign_at(opened.text.encode(), now)
        return Signature(self._signer.name, self._signer.key_id, signed).line()

    @staticmethod
    def _check_consistency(
        known: TreeHead | None, checkpoint: Checkpoint, proof: Sequence[bytes]
    ) -> None:
        if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
            raise InconsistentCheckpointError("an empty tree has exactly one root")
        if known is None or known.size == 0:
            if proof:
                raise InconsistentCheckpointError("the proof from size 0 must be empty")
            return
        if known.size == checkpoint.size:
            if proof:
                raise InconsistentCheckpointError("the proof between equal sizes must be empty")
            if known.root_hash != checkpoint.root_hash:
                raise RootMismatchError(
                    f"a different root for cosigned size {known.size}", known.size
                )
            return
        try:
            verify_consistency(
                known.size, checkpoint.size, proof, known.root_hash, checkpoint.root_hash
            )
        except ProofError as exc:
            raise InconsistentCheckpointError("consistency proof does not verify") from exc
