"""C2SP checkpoints (c2sp.org/tlog-checkpoint): a log's signed tree head.

The body is the origin line, the tree size in decimal, the base64 root hash
and optional extension lines, each ending in a newline. A checkpoint travels
as a signed note whose key name SHOULD equal the origin.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chain.errors import MalformedCheckpointError
from chain.hashing import HASH_SIZE
from chain.keys import b64decode_strict
from chain.note import Note, Signer, Verifier, open_note, sign_note

_SIZE = re.compile(r"0|[1-9][0-9]*")
MAX_TREE_SIZE = (1 << 63) - 1
"""Sizes are bounded like Go's int64 so checkpoints interoperate."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or any(c < " " for c in self.origin):
            raise MalformedCheckpointError("origin must be a non-empty line")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise MalformedCheckpointError(f"tree size {self.size} out of range")
        if len(self.root_hash) != HASH_SIZE:
            raise MalformedCheckpointError("root hash must be 32 bytes")
        if any(not ext or any(c < " " for c in ext) for ext in self.extensions):
            raise MalformedCheckpointError("extension lines must be non-empty lines")

    def text(self) -> str:
        """The note text (body) of this checkpoint, ending in a newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "".join(f"{line}\n" for line in [*lines, *self.extensions])

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body.

        Rejects fewer than three lines, empty lines, a size with a sign, spaces or
        leading zeros, and a root that is not the canonical base64 of 32 bytes.
        """
        if not text.endswith("\n"):
            raise MalformedCheckpointError("checkpoint must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3 or any(not line for line in lines):
            raise MalformedCheckpointError("checkpoint needs at least three non-empty lines")
        origin, size, root, *extensions = lines
        if not _SIZE.fullmatch(size):
            raise MalformedCheckpointError(f"malformed tree size {size!r}")
        try:
            root_hash = b64decode_strict(root)
        except ValueError as exc:
            raise MalformedCheckpointError("root hash is not base64") from exc
        if base64.b64encode(root_hash).decode() != root:
            raise MalformedCheckpointError("root hash is not canonical base64")
        return cls(origin, int(size), root_hash, tuple(extensions))


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint together with the exact signed note it came from."""

    checkpoint: Checkpoint
    note: bytes


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[Signer]) -> SignedCheckpoint:
    """Sign ``checkpoint`` with ``signers`` and return it with its note bytes."""
    return SignedCheckpoint(checkpoint, sign_note(checkpoint.text(), signers))


def open_checkpoint(
    note: bytes, verifiers: Iterable[Verifier], *, origin: str | None = None
) -> tuple[SignedCheckpoint, Note]:
    """Verify a checkpoint note and parse its body.

    At least one of ``verifiers`` MUST have signed (see :func:`chain.note.open_note`);
    when ``origin`` is given the checkpoint MUST carry exactly that origin, else
    :class:`~chain.errors.MalformedCheckpointError` is raised.
    """
    opened = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(opened.text)
    if origin is not None and checkpoint.origin != origin:
        raise MalformedCheckpointError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    return SignedCheckpoint(checkpoint, note), opened
