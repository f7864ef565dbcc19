"""ML-DSA-44 (sub)tree cosignatures, signature type 0x06 of c2sp.org/tlog-cosignature.

The signed message is the ``cosigned_message`` structure: the 12-byte label
``subtree/v1\\n\\0``, the cosigner name and the log origin each prefixed by one length byte,
the u64 timestamp, start (0 for a checkpoint) and end (the tree size), and the 32-byte root.
The note signature is ``u64be(timestamp) || 2420-byte ML-DSA-44 signature`` (empty context),
and the key ID is ``SHA-256(name || "\\n" || 0x06 || 1312-byte public key)[:4]``.

Extension lines are not covered, so a checkpoint with extension lines is never signed and
never verifies. Logs sign their own checkpoints in this format too (tlog-checkpoint recommends
it); their timestamp is the signing time. Signer key strings are
``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x06 || 32-byte seed)>``, the shape of the Ed25519
ones (the seed is FIPS 204's ξ).
"""

from __future__ import annotations

import time
from typing import Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PrivateKey, MLDSA44PublicKey

from chain.checkpoint import Checkpoint
from chain.cosignature import MAX_TIMESTAMP, Clock
from chain.errors import ChainError, MalformedCheckpointError, MalformedKeyError
from chain.keys import VerifierKey, is_valid_name, key_id, parse_signer_key, signer_key_string

MLDSA44 = 0x06
PUBLIC_KEY_SIZE = 1312
SIGNATURE_SIZE = 2420
SEED_SIZE = 32
LABEL = b"subtree/v1\n\x00"


def _system_clock() -> int:
    return int(time.time())


def cosigned_message(
    name: str, timestamp: int, origin: str, start: int, end: int, root_hash: bytes
) -> bytes:
    """The exact ``cosigned_message`` bytes; raises ``ValueError`` outside the spec's ranges."""
    name_bytes, origin_bytes = name.encode(), origin.encode()
    if not (0 < len(name_bytes) < 256 and 0 < len(origin_bytes) < 256):
        raise ValueError("cosigner name and log origin must be 1 to 255 bytes")
    if not 0 <= timestamp <= MAX_TIMESTAMP or (start and timestamp) or len(root_hash) != 32:
        raise ValueError("timestamp, start or root hash out of range")
    return b"".join(
        [
            LABEL,
            bytes([len(name_bytes)]),
            name_bytes,
            timestamp.to_bytes(8, "big"),
            bytes([len(origin_bytes)]),
            origin_bytes,
            start.to_bytes(8, "big"),
            end.to_bytes(8, "big"),
            root_hash,
        ]
    )


def _checkpoint_message(name: str, timestamp: int, text: bytes) -> bytes:
    """The message for checkpoint body ``text``; raises for bodies the format cannot cover."""
    try:
        checkpoint = Checkpoint.parse(text.decode())
    except UnicodeDecodeError as exc:
        raise MalformedCheckpointError("checkpoint is not UTF-8") from exc
    if checkpoint.extensions:
        raise MalformedCheckpointError("an ML-DSA-44 cosignature covers no extension lines")
    try:
        return cosigned_message(
            name, timestamp, checkpoint.origin, 0, checkpoint.size, checkpoint.root_hash
        )
    except ValueError as exc:
        raise MalformedCheckpointError(str(exc)) from exc


class MLDSACosignatureVerifier:
    """Verifies type 0x06 cosignatures (or log signatures) of one named ML-DSA-44 key."""

    KEY_TYPE = MLDSA44
    __slots__ = ("_key", "_key_id", "_name", "_public")

    def __init__(self, name: str, public_key: MLDSA44PublicKey) -> None:
        if not is_valid_name(name):
            raise MalformedKeyError(f"invalid key name {name!r}")
        self._name = name
        self._key = public_key
        self._public = public_key.public_bytes_raw()
        self._key_id = key_id(name, MLDSA44, self._public)

    @classmethod
    def from_key_string(cls, vkey: str) -> Self:
        """Build from a vkey of type 0x06 with a 1312-byte public key."""
        parsed = VerifierKey.parse(vkey)
        if parsed.key_type != MLDSA44 or len(parsed.public_key) != PUBLIC_KEY_SIZE:
            raise MalformedKeyError("not a type 0x06 ML-DSA-44 verifier key")
        # FIPS 204's pkDecode has no invalid inputs: every 1312-byte string is a public key,
        # so once the length is checked there is nothing left to refuse.
        return cls(parsed.name, MLDSA44PublicKey.from_public_bytes(parsed.public_key))

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> int:
        return self._key_id

    def key_string(self) -> str:
        """The verifier key string, safe to publish."""
        return str(VerifierKey(self._name, self._key_id, MLDSA44, self._public))

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is a valid 0x06 cosignature over checkpoint body ``message``."""
        if len(signature) != 8 + SIGNATURE_SIZE:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        try:
            signed = _checkpoint_message(self._name, timestamp, message)
            self._key.verify(signature[8:], signed)
        except (ChainError, InvalidSignature):
            return False
        return True


class MLDSACosignatureSigner:
    """Signs checkpoints with type 0x06 cosignatures, timestamped by ``clock``.

    Only well-formed checkpoint bodies without extension lines are signed; anything else
    raises :class:`~chain.errors.MalformedCheckpointError`.
    """

    __slots__ = ("_clock", "_key", "_verifier")

    def __init__(
        self, name: str, private_key: MLDSA44PrivateKey, *, clock: Clock = _system_clock
    ) -> None:
        self._key = private_key
        self._clock = clock
        self._verifier = MLDSACosignatureVerifier(name, private_key.public_key())

    @classmethod
    def generate(cls, name: str, *, clock: Clock = _system_clock) -> MLDSACosignatureSigner:
        return cls(name, MLDSA44PrivateKey.generate(), clock=clock)

    @classmethod
    def from_key_string(cls, skey: str) -> MLDSACosignatureSigner:
        """Build from ``PRIVATE+KEY+<name>+<hex ID>+<base64(0x06 || seed)>``; the ID MUST match."""
        return parse_signer_key(
            skey,
            key_type=MLDSA44,
            secret_size=SEED_SIZE,
            algorithm="ML-DSA-44",
            build=lambda name, seed: cls(name, MLDSA44PrivateKey.from_seed_bytes(seed)),
        )

    @property
    def name(self) -> str:
        return self._verifier.name

    @property
    def key_id(self) -> int:
        return self._verifier.key_id

    def verifier(self) -> MLDSACosignatureVerifier:
        return self._verifier

    def key_string(self) -> str:
        """The secret signer key string. MUST be kept private."""
        return signer_key_string(self.name, self.key_id, MLDSA44, self._key.private_bytes_raw())

    def now(self) -> int:
        return self._clock()

    def sign(self, message: bytes) -> bytes:
        return self.sign_at(message, self._clock())

    def sign_at(self, message: bytes, timestamp: int) -> bytes:
        """Cosign checkpoint body ``message`` dated ``timestamp``."""
        signed = self._key.sign(_checkpoint_message(self.name, timestamp, message))
        return timestamp.to_bytes(8, "big") + signed

    def __repr__(self) -> str:
        return f"MLDSACosignatureSigner({self.name!r}, key_id={self.key_id:08x})"
