"""C2SP transparency log proofs (c2sp.org/tlog-proof@v1): the ``.tlog-proof`` file.

A proof is newline-separated text: the line ``c2sp.org/tlog-proof@v1``; optionally
``extra <base64>`` (opaque, unauthenticated data); ``index <decimal>``; zero or more lines, each
the base64 of one SHA-256 hash of the RFC 6962 inclusion proof, leaf side first; an empty line;
then the log's signed checkpoint note, verbatim, with any witness cosignatures.

:func:`verify_tlog_proof` follows the spec's steps: hash the entry as an RFC 6962 leaf, check
the checkpoint's origin and log signature, count the cosignatures of the known witnesses, and
check the inclusion proof against the signed root.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chain.checkpoint import Checkpoint, open_checkpoint
from chain.errors import MalformedError, ProofError, SignatureError, TreeRangeError
from chain.hashing import HASH_SIZE, leaf_hash
from chain.keys import b64decode_strict
from chain.note import Verifier, open_note, split_note
from chain.verify import verify_inclusion

HEADER = "c2sp.org/tlog-proof@v1"
"""The first line of every proof."""

MEDIA_TYPE = "application/octet-stream"
"""The spec names no media type; proofs are served as opaque files with this extension."""

EXTENSION = ".tlog-proof"

MAX_PROOF_HASHES = 64
"""An inclusion proof in a tree of at most 2**63 leaves has at most 63 hashes."""

_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


class MalformedProofError(MalformedError):
    """The bytes are not a ``c2sp.org/tlog-proof@v1`` proof."""


class ProofCheckError(ProofError):
    """The proof is well formed but does not prove the entry (what failed is in the message)."""


class OriginCheckError(ProofCheckError):
    """The checkpoint is of another log than the one expected."""


class QuorumCheckError(ProofCheckError):
    """Too few of the known witnesses cosigned the checkpoint."""


class InclusionCheckError(ProofCheckError):
    """The inclusion proof does not bind the entry to the signed root."""


@dataclass(frozen=True, slots=True)
class TlogProof:
    """One parsed proof: entry ``index``, its inclusion ``hashes`` and the checkpoint note."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: bytes
    """The signed checkpoint note as issued by the log (with cosignature lines), verbatim."""
    extra: bytes | None = None
    """Opaque extra data; ``None`` when the proof has no ``extra`` line. Not authenticated."""

    def __post_init__(self) -> None:
        if self.index < 0:
            raise MalformedProofError("index must be non-negative")
        if len(self.hashes) > MAX_PROOF_HASHES or any(len(h) != HASH_SIZE for h in self.hashes):
            raise MalformedProofError("inclusion proof lines must be 32-byte hashes")
        if self.extra is not None and not self.extra:
            # "extra " with nothing after it has no reading the spec gives: never write one.
            raise MalformedProofError("extra data, when present, must not be empty")
        try:
            split_note(self.checkpoint)
        except MalformedError as exc:
            raise MalformedProofError(f"checkpoint is not a signed note: {exc}") from exc

    def encode(self) -> bytes:
        """The proof file's bytes, exactly in the spec's layout."""
        lines = [HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode())
        lines.append(f"index {self.index}")
        lines.extend(base64.b64encode(h).decode() for h in self.hashes)
        return ("\n".join(lines) + "\n\n").encode() + self.checkpoint

    @classmethod
    def parse(cls, data: bytes) -> TlogProof:
        """Parse a proof file strictly.

        Rejects a wrong first line, an ``extra`` or hash line that is not canonical standard
        base64, an index with a sign, spaces or leading zeros, a missing empty line before
        the checkpoint, and a checkpoint that is not a signed note. Raises
        :class:`MalformedProofError`.
        """
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedProofError("proof is not UTF-8") from exc
        head, sep, note = text.partition("\n\n")
        if not sep:
            raise MalformedProofError("no empty line before the checkpoint")
        lines = head.split("\n")
        if lines[0] != HEADER:
            raise MalformedProofError(f"first line is not {HEADER!r}")
        rest = lines[1:]
        extra = None
        if rest and rest[0].startswith("extra "):
            extra = _base64(rest.pop(0)[len("extra ") :], "extra")
        if not rest:
            raise MalformedProofError("no index line")
        match = _INDEX.fullmatch(rest[0])
        if match is None:
            raise MalformedProofError(f"malformed index line {rest[0]!r}")
        hashes = tuple(_base64(line, "inclusion proof line") for line in rest[1:])
        return cls(int(match.group(1)), hashes, note.encode(), extra)


@dataclass(frozen=True, slots=True)
class VerifiedProof:
    """What a verified proof established."""

    checkpoint: Checkpoint
    index: int
    witnesses: tuple[str, ...]
    """Names of the given witnesses whose cosignature verified, in the order given."""


def verify_tlog_proof(
    proof: TlogProof | bytes,
    entry: bytes,
    *,
    log_verifiers: Sequence[Verifier],
    origin: str | None = None,
    witnesses: Sequence[Verifier] = (),
    quorum: int = 0,
) -> VerifiedProof:
    """Check that ``entry`` is the log entry at ``proof.index`` of a signed, witnessed tree.

    The checkpoint MUST be signed by one of ``log_verifiers`` and its origin MUST be ``origin``
    (default: the signing key's name, as c2sp.org/tlog-checkpoint has it). At least ``quorum``
    of ``witnesses`` MUST have a valid cosignature on it; a witness whose cosignature line is
    missing or does not verify counts for nothing. The leaf hash is
    ``SHA-256(0x00 || entry)``. The cosignature timestamps are not otherwise judged.

    Returns only if every check holds; otherwise raises :class:`MalformedProofError`,
    :class:`~chain.errors.SignatureError` (log signature) or :class:`ProofCheckError`
    (origin, quorum, inclusion), naming the first failure.
    """
    parsed = proof if isinstance(proof, TlogProof) else TlogProof.parse(proof)
    if not 0 <= quorum <= len(witnesses):
        raise ValueError(f"quorum {quorum} cannot be met by {len(witnesses)} witness(es)")
    try:
        signed, opened = open_checkpoint(parsed.checkpoint, log_verifiers)
    except MalformedError as exc:
        raise MalformedProofError(f"checkpoint: {exc}") from exc
    checkpoint = signed.checkpoint
    signer = opened.signatures[0].name
    expected = signer if origin is None else origin
    if checkpoint.origin != expected:
        raise OriginCheckError(f"checkpoint origin {checkpoint.origin!r} is not {expected!r}")
    cosigned = _cosigners(parsed.checkpoint, witnesses)
    if len(cosigned) < quorum:
        raise QuorumCheckError(f"{len(cosigned)} valid witness cosignature(s), {quorum} required")
    try:
        verify_inclusion(
            parsed.index, checkpoint.size, leaf_hash(entry), parsed.hashes, checkpoint.root_hash
        )
    except (ProofError, TreeRangeError) as exc:
        raise InclusionCheckError(
            f"entry is not at index {parsed.index} of the tree of size {checkpoint.size}: {exc}"
        ) from exc
    return VerifiedProof(checkpoint, parsed.index, cosigned)


def _cosigners(note: bytes, witnesses: Sequence[Verifier]) -> tuple[str, ...]:
    names: list[str] = []
    for witness in witnesses:
        # One at a time: a bad cosignature only means this witness does not count.
        try:
            open_note(note, [witness])
        except SignatureError:  # not cosigned by it, or its cosignature does not verify
            continue
        if witness.name not in names:
            names.append(witness.name)
    return tuple(names)


def _base64(text: str, what: str) -> bytes:
    try:
        raw = b64decode_strict(text)
    except ValueError as exc:
        raise MalformedProofError(f"{what} is not base64") from exc
    if base64.b64encode(raw).decode() != text:
        raise MalformedProofError(f"{what} is not canonical base64")
    return raw


__all__ = [
    "EXTENSION",
    "HEADER",
    "MEDIA_TYPE",
    "InclusionCheckError",
    "MalformedProofError",
    "OriginCheckError",
    "ProofCheckError",
    "QuorumCheckError",
    "TlogProof",
    "VerifiedProof",
    "verify_tlog_proof",
]
