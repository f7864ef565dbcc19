"""After a restore: is the restored ledger the log the world saw, or a log rolled back?

What the world saw is the newest checkpoint published: what each configured witness cosigned
(asked over C2SP tlog-witness, the way the sequencer asks) and any checkpoint files the operator
kept (``piaojia ledger audit --state`` writes one; a mirror holds ``ledger/checkpoint``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from backend.anchoring.witness_client import WitnessClient
from chain.checkpoint import SignedCheckpoint, open_checkpoint
from chain.errors import ChainError
from chain.hashing import EMPTY_ROOT
from chain.log import Log
from chain.note import Verifier
from chain.policy import Policy
from chain.witness import AddCheckpointRequest


class Outcome(enum.IntEnum):
    """How a restore ended; the values are ``piaojia restore``'s exit codes."""

    CONSISTENT = 0
    """Every published checkpoint is the restored tree or a prefix of it: the same log."""
    ROLLED_BACK = 3
    """A published checkpoint is larger than the restored tree: witnesses refuse it for good."""
    ANOTHER_LOG = 4
    """A published checkpoint has another root at its size: not this log's history."""
    UNCHECKED = 5
    """Nothing published could be compared: no witness answered and no file was given."""


@dataclass(frozen=True, slots=True)
class Finding:
    """What one source of published checkpoints says about the restored tree."""

    source: str
    outcome: Outcome
    size: int | None
    """The published size it knows, when it said one."""
    detail: str


@dataclass(frozen=True, slots=True)
class Verdict:
    restored_size: int
    findings: tuple[Finding, ...]

    @property
    def outcome(self) -> Outcome:
        """The worst finding: another log, then rolled back, then consistent."""
        said = {f.outcome for f in self.findings}
        for worst in (Outcome.ANOTHER_LOG, Outcome.ROLLED_BACK, Outcome.CONSISTENT):
            if worst in said:
                return worst
        return Outcome.UNCHECKED

    @property
    def published_size(self) -> int:
        """The largest size any source published (0 if none said one)."""
        return max((f.size or 0 for f in self.findings), default=0)

    @property
    def lost(self) -> int:
        """Entries published that the restored tree no longer has."""
        return max(0, self.published_size - self.restored_size)


class Judge:
    """Compares the restored ledger with what was published."""

    def __init__(
        self, *, ledger: Log, verifiers: list[Verifier], policy: Policy, client: WitnessClient
    ) -> None:
        self._ledger = ledger
        self._verifiers = verifiers
        self._policy = policy
        self._client = client

    async def verdict(self, published: list[Path]) -> Verdict:
        """Ask every witness of the policy and read every file in ``published``.

        A witness whose cosigned size is below the restored tree's is offered the restored
        checkpoint with a consistency proof, exactly as the sequencer would offer it: the
        witness either cosigns (same log) or refuses (not the tree it cosigned).
        """
        latest = await self._ledger.latest_checkpoint()
        size = latest.checkpoint.size if latest is not None else 0
        findings = [await self._file(path, size) for path in published]
        for witness in self._policy.witnesses:
            name = f"witness {witness.verifier.name}"
            if latest is None:
                findings.append(
                    Finding(name, Outcome.UNCHECKED, None, "the restored ledger has no checkpoint")
                )
            else:
                findings.append(await self._witness(name, witness.url or "", latest))
        return Verdict(size, tuple(findings))

    async def _file(self, path: Path, size: int) -> Finding:
        source = f"checkpoint file {path}"
        try:
            signed, _ = open_checkpoint(path.read_bytes(), self._verifiers)
        except OSError as exc:
            return Finding(source, Outcome.UNCHECKED, None, f"cannot read it: {exc.strerror}")
        except ChainError as exc:
            return Finding(source, Outcome.ANOTHER_LOG, None, f"not this log's checkpoint: {exc}")
        published = signed.checkpoint
        if published.size > size:
            return Finding(source, Outcome.ROLLED_BACK, published.size, "published a larger tree")
        if await self._root_at(published.size) != published.root_hash:
            return Finding(source, Outcome.ANOTHER_LOG, published.size, "another root at that size")
        return Finding(source, Outcome.CONSISTENT, published.size, "a prefix of the restored tree")

    async def _root_at(self, size: int) -> bytes:
        if size == 0:
            return EMPTY_ROOT
        return (await self._ledger.consistency_proof(size)).root1

    async def _witness(self, name: str, url: str, latest: SignedCheckpoint) -> Finding:
        size = latest.checkpoint.size
        reply = await self._client.add_checkpoint(url, AddCheckpointRequest(size, (), latest.note))
        if reply.status == 200:
            return Finding(name, Outcome.CONSISTENT, size, "cosigned the restored checkpoint")
        if reply.status == 409 and reply.known_size is None:
            return Finding(name, Outcome.ANOTHER_LOG, size, "cosigned another root at that size")
        if reply.status != 409 or reply.known_size is None:
            said = reply.message.strip() or "no answer"
            return Finding(name, Outcome.UNCHECKED, None, f"answered {reply.status}: {said}")
        known = reply.known_size
        if known > size:
            return Finding(name, Outcome.ROLLED_BACK, known, f"cosigned size {known} already")
        proof = () if known == 0 else (await self._ledger.consistency_proof(known)).hashes
        again = await self._client.add_checkpoint(
            url, AddCheckpointRequest(known, tuple(proof), latest.note)
        )
        if again.status == 200:
            return Finding(name, Outcome.CONSISTENT, known, "cosigned the restored checkpoint")
        if again.status == 422:
            return Finding(name, Outcome.ANOTHER_LOG, known, "cosigned another tree at that size")
        said = again.message.strip() or "no answer"
        return Finding(name, Outcome.UNCHECKED, None, f"answered {again.status}: {said}")
