"""A checkpoint note judged by a policy (c2sp.org/tlog-policy): which log, which witnesses.

A checkpoint is valid under a policy when one of the policy's logs signed it and the witnesses
whose cosignatures verify meet the quorum. A witness's cosignature counts only if it verifies
under that witness's key *and* is dated no more than :data:`~chain.cosignature.MAX_CLOCK_SKEW`
seconds ahead of the verifier's clock; a bad or future-dated line from one witness never stops
the others from counting (unlike :func:`chain.note.open_note`, which rejects a whole note).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from chain.checkpoint import Checkpoint
from chain.cosignature import MAX_CLOCK_SKEW, future_skew
from chain.errors import (
    InvalidSignatureError,
    MalformedCheckpointError,
    QuorumError,
    UnverifiedNoteError,
)
from chain.note import open_note
from chain.policy import Policy, PolicyWitness


@dataclass(frozen=True, slots=True)
class QuorumResult:
    """How a note fared against a policy's witnesses."""

    cosigned: tuple[str, ...]
    """Policy names of the witnesses whose cosignature counts, in policy order."""
    problems: tuple[str, ...]
    """One line per witness that does not count, saying why."""
    satisfied: bool

    def explain(self) -> str:
        """One line: how many counted and why the others did not."""
        why = f" ({'; '.join(self.problems)})" if self.problems else ""
        verdict = "meet" if self.satisfied else "do not meet"
        return f"{len(self.cosigned)} valid cosignature(s) {verdict} the policy's quorum{why}"


def count_cosignatures(
    note: bytes, policy: Policy, *, now: int | None = None, max_skew: int = MAX_CLOCK_SKEW
) -> QuorumResult:
    """Which of ``policy``'s witnesses validly cosigned ``note``, and whether that is a quorum.

    ``now`` is the verifier's POSIX time (default: the system clock). The log's own signature
    is not checked here (see :func:`open_checkpoint_under`).
    """
    clock = int(time.time()) if now is None else now
    cosigned: list[str] = []
    problems: list[str] = []
    for witness in policy.witnesses:
        problem = _problem(note, witness, clock, max_skew)
        if problem is None:
            cosigned.append(witness.name)
        else:
            problems.append(problem)
    return QuorumResult(tuple(cosigned), tuple(problems), policy.satisfied_by(cosigned))


def _problem(note: bytes, witness: PolicyWitness, now: int, max_skew: int) -> str | None:
    try:
        opened = open_note(note, [witness.verifier])
    except UnverifiedNoteError:
        return f"{witness.name} did not cosign"
    except InvalidSignatureError:
        return f"{witness.name}'s cosignature does not verify"
    ahead = max(future_skew(sig.signature, now) for sig in opened.signatures)
    if ahead > max_skew:
        return (
            f"{witness.name}'s cosignature is dated {ahead} s ahead of this clock "
            f"(at most {max_skew} s allowed)"
        )
    return None


def open_checkpoint_under(
    note: bytes, policy: Policy, *, now: int | None = None, max_skew: int = MAX_CLOCK_SKEW
) -> tuple[Checkpoint, QuorumResult]:
    """Verify ``note`` fully under ``policy``: a listed log signed it, and the quorum is met.

    The signing log's key name MUST equal the checkpoint's origin. Raises
    :class:`~chain.errors.UnverifiedNoteError` / :class:`~chain.errors.InvalidSignatureError`
    for the log signature, :class:`~chain.errors.MalformedCheckpointError` for the body or an
    origin mismatch, and :class:`~chain.errors.QuorumError` (message: :meth:`QuorumResult.explain`)
    when the cosignatures fall short.
    """
    if not policy.logs:
        raise UnverifiedNoteError("the policy lists no log to check the checkpoint against")
    opened = open_note(note, [log.verifier for log in policy.logs])
    checkpoint = Checkpoint.parse(opened.text)
    if not any(sig.name == checkpoint.origin for sig in opened.signatures):
        raise MalformedCheckpointError(
            f"checkpoint origin {checkpoint.origin!r} is not the name of the log that signed it"
        )
    result = count_cosignatures(note, policy, now=now, max_skew=max_skew)
    if not result.satisfied:
        raise QuorumError(result.explain())
    return checkpoint, result
