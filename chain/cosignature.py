"""C2SP timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature, type 0x04).

A cosigner (usually a witness) signs ``cosignature/v1\\ntime <t>\\n`` followed by
the checkpoint body, and the note signature is ``u64be(t) || Ed25519 signature``.
Its meaning: as of time ``t`` this is the largest consistent tree the cosigner
has seen for that origin. Signers and verifiers here plug into
:func:`chain.note.sign_note` and :func:`chain.note.open_note`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.checkpoint import Checkpoint
from chain.errors import MalformedCheckpointError
from chain.note import Ed25519Verifier

COSIGNATURE_V1 = 0x04
"""Key type byte of timestamped Ed25519 cosignatures."""

MAX_TIMESTAMP = (1 << 63) - 1

MAX_CLOCK_SKEW = 600
"""Seconds a cosignature may be dated ahead of the verifier's clock and still count.

The spec lets verifiers reject cosignatures from the future. Ten minutes absorbs ordinary
clock drift between a witness and its verifiers; a witness further ahead is misconfigured,
and what it says about "as of time t" cannot be relied on, so its cosignature does not count.
"""

Clock = Callable[[], int]
"""Returns the current POSIX time in whole seconds."""


def _system_clock() -> int:
    return int(time.time())


def cosignature_message(checkpoint_text: bytes, timestamp: int) -> bytes:
    """The exact bytes a v1 cosignature signs for ``checkpoint_text`` at ``timestamp``."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError("cosignature timestamp out of range")
    return b"cosignature/v1\ntime %d\n" % timestamp + checkpoint_text


def cosignature_timestamp(signature: bytes) -> int:
    """The timestamp carried by a 72-byte cosignature (after the key ID)."""
    if len(signature) != 72:
        raise ValueError("a cosignature is 8 timestamp bytes and 64 signature bytes")
    return int.from_bytes(signature[:8], "big")


def future_skew(signature: bytes, now: int) -> int:
    """Seconds the timestamped cosignature ``signature`` is dated ahead of ``now`` (0 if not).

    Every timestamped cosignature type (0x04, 0x06) starts with the u64 big-endian timestamp.
    """
    if len(signature) < 8:
        raise ValueError("a timestamped cosignature starts with 8 timestamp bytes")
    return max(0, int.from_bytes(signature[:8], "big") - now)


class CosignatureVerifier(Ed25519Verifier):
    """Verifies type 0x04 cosignatures from one named cosigner key."""

    KEY_TYPE = COSIGNATURE_V1
    __slots__ = ()

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Check a cosignature over checkpoint text ``message``.

        Returns False for anything but a valid 72-byte cosignature with a
        timestamp of at most 2**63 - 1.
        """
        if len(signature) != 72:
            return False
        timestamp = cosignature_timestamp(signature)
        if timestamp > MAX_TIMESTAMP:
            return False
        try:
            self._key.verify(signature[8:], cosignature_message(message, timestamp))
        except InvalidSignature:
            return False
        return True


class CosignatureSigner:
    """Produces type 0x04 cosignatures, timestamped by ``clock``.

    :meth:`sign` MUST only be given a well-formed checkpoint body; anything else
    raises :class:`~chain.errors.MalformedCheckpointError`, so the key can never
    be made to cosign arbitrary text.
    """

    __slots__ = ("_clock", "_key", "_verifier")

    def __init__(
        self, name: str, private_key: Ed25519PrivateKey, *, clock: Clock = _system_clock
    ) -> None:
        self._key = private_key
        self._clock = clock
        self._verifier = CosignatureVerifier(name, private_key.public_key())

    @property
    def name(self) -> str:
        return self._verifier.name

    @property
    def key_id(self) -> int:
        return self._verifier.key_id

    def verifier(self) -> CosignatureVerifier:
        """The matching verifier."""
        return self._verifier

    def now(self) -> int:
        """The time this signer's clock reads: what :meth:`sign` would date a cosignature."""
        return self._clock()

    def sign(self, message: bytes) -> bytes:
        return self.sign_at(message, self._clock())

    def sign_at(self, message: bytes, timestamp: int) -> bytes:
        """Cosign checkpoint body ``message`` dated ``timestamp`` (8 timestamp bytes, then 64)."""
        try:
            Checkpoint.parse(message.decode())
        except UnicodeDecodeError as exc:
            raise MalformedCheckpointError("checkpoint is not UTF-8") from exc
        signed = self._key.sign(cosignature_message(message, timestamp))
        return timestamp.to_bytes(8, "big") + signed

    def __repr__(self) -> str:
        return f"CosignatureSigner({self.name!r}, key_id={self.key_id:08x})"
