"""Getting checkpoints cosigned by the configured witnesses, and serving them cosigned.

After each integration the sequencer offers the new checkpoint to every witness with a
consistency proof from the size that witness last cosigned. A witness that knows another size
(409) is answered again with a proof from that size. Cosignatures are verified with the
witness's configured key, and dated no further ahead of this clock than
:data:`chain.cosignature.MAX_CLOCK_SKEW`, before they are kept; a checkpoint is *witnessed* once
the cosignatures kept for it meet the witness policy's quorum (c2sp.org/tlog-policy).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from backend.anchoring.models import LedgerCheckpoint, LedgerCosignature, LedgerWitness
from backend.anchoring.witness_client import WitnessClient
from backend.db import connection, dialect_sql
from backend.instruments import WITNESS_FAILURES
from chain.checkpoint import SignedCheckpoint
from chain.cosignature import MAX_CLOCK_SKEW, future_skew
from chain.errors import ChainError
from chain.log import Log
from chain.note import Verifier, open_note
from chain.policy import Policy
from chain.witness import AddCheckpointRequest

log = logging.getLogger("piaojia.ledger")


@dataclass(frozen=True, slots=True)
class Witness:
    url: str
    verifier: Verifier

    @property
    def name(self) -> str:
        return self.verifier.name


class Witnessing:
    def __init__(
        self,
        *,
        ledger: Log,
        policy: Policy,
        client: WitnessClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ledger = ledger
        self.policy = policy
        # The log asks every witness of the policy; cosignatures are stored by key name.
        self.witnesses = tuple(Witness(w.url or "", w.verifier) for w in policy.witnesses)
        self._names = {w.name: w.verifier.name for w in policy.witnesses}
        self._client = client
        self._clock = clock

    async def close(self) -> None:
        await self._client.aclose()

    async def offer(self, signed: SignedCheckpoint) -> int:
        """Offer ``signed`` to every witness that has not cosigned it; returns cosignatures kept."""
        kept = 0
        for witness in self.witnesses:
            try:
                kept += await self._offer_one(witness, signed)
            except ChainError as exc:
                WITNESS_FAILURES.labels(witness.name).inc()
                log.warning("witness %s: %s", witness.name, exc)
        return kept

    async def _offer_one(self, witness: Witness, signed: SignedCheckpoint) -> int:
        size = signed.checkpoint.size
        if await LedgerCosignature.exists(size=size, witness=witness.name):
            return 0
        state, _ = await LedgerWitness.get_or_create(name=witness.name)
        old_size = int(state.size)
        for _attempt in range(2):
            if old_size > size:
                return 0  # the witness has seen a newer checkpoint of ours already
            proof = (
                ()
                if old_size in (0, size)
                else (await self._ledger.consistency_proof(old_size, size)).hashes
            )
            reply = await self._client.add_checkpoint(
                witness.url, AddCheckpointRequest(old_size, tuple(proof), signed.note)
            )
            if reply.status == 409 and reply.known_size is not None:
                old_size = reply.known_size
                continue
            if reply.status != 200:
                WITNESS_FAILURES.labels(witness.name).inc()
                log.warning("witness %s answered %s: %s", witness.name, reply.status, reply.message)
                return 0
            line = self._verified_line(witness, signed, reply.cosignature)
            try:
                await LedgerCosignature.create(size=size, witness=witness.name, line=line)
            except IntegrityError:
                return 0  # another process stored it first
            await LedgerWitness.filter(name=witness.name).update(size=size)
            return 1
        return 0

    def _verified_line(self, witness: Witness, signed: SignedCheckpoint, reply: bytes) -> str:
        # Keep only a line that verifies under the configured key: a witness that answers
        # with garbage must not make a checkpoint look witnessed.
        for line in reply.decode("utf-8", "replace").splitlines():
            candidate = signed.note + (line + "\n").encode()
            try:
                note = open_note(candidate, [witness.verifier])
            except ChainError:
                continue
            ahead = max(future_skew(sig.signature, int(self._clock())) for sig in note.signatures)
            if ahead > MAX_CLOCK_SKEW:
                # A witness whose clock runs ahead states "as of" a time that has not come yet.
                raise _BadCosignature(
                    f"the cosignature of {witness.name} is dated {ahead} s ahead of this clock"
                )
            return line
        raise _BadCosignature(f"no valid cosignature from {witness.name}")

    async def cosigned_note(self, size: int | None = None) -> tuple[bytes, int] | None:
        """The checkpoint note of ``size`` (default: latest) with its cosignature lines appended,
        and how many witnesses cosigned it."""
        query = LedgerCheckpoint.all()
        row = await (
            query.get_or_none(size=size) if size is not None else query.order_by("-size").first()
        )
        if row is None:
            return None
        cosignatures = await LedgerCosignature.filter(size=row.size).order_by("witness")
        lines = [cosignature.line for cosignature in cosignatures]
        note = bytes(row.note) + "".join(line + "\n" for line in lines).encode()
        return note, len(lines)

    async def latest_witnessed_size(self) -> int | None:
        """The largest size whose kept cosignatures meet the policy (any size for ``none``)."""
        need = self.policy.minimum()
        if need == 0 and self.policy.satisfied_by(()):
            latest = await LedgerCheckpoint.all().order_by("-size").first()
            return int(latest.size) if latest else None
        conn = connection()
        # Sizes with too few cosignatures cannot meet the quorum: only the others are judged,
        # newest first, a page at a time (the first one that meets it is nearly always the top).
        below: int | None = None
        while True:
            sql = _CANDIDATES if below is None else _CANDIDATES_BELOW
            params = [need, _PAGE] if below is None else [below, need, _PAGE]
            _, rows = await conn.execute_query(dialect_sql(conn, sql), params)
            if not rows:
                return None
            sizes = [int(row["size"]) for row in rows]
            signers = await LedgerCosignature.filter(size__in=sizes).values_list("size", "witness")
            by_size: dict[int, set[str]] = {}
            for size, name in signers:
                by_size.setdefault(int(size), set()).add(str(name))
            for size in sizes:
                if self.policy.satisfied_by(
                    n for n, key_name in self._names.items() if key_name in by_size.get(size, ())
                ):
                    return size
            below = sizes[-1]


_PAGE = 64
# The unique (size, witness) index serves these backwards.
_CANDIDATES = """
SELECT size FROM ledger_cosignature GROUP BY size HAVING COUNT(*) >= $1
 ORDER BY size DESC LIMIT $2
"""
_CANDIDATES_BELOW = """
SELECT size FROM ledger_cosignature WHERE size < $1 GROUP BY size HAVING COUNT(*) >= $2
 ORDER BY size DESC LIMIT $3
"""


class _BadCosignature(ChainError):
    pass
