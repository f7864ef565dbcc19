"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys.

A note is UTF-8 text ending in a newline, a blank line, then signature lines
``— <key name> <base64(key ID || signature)>``. Key strings follow
golang.org/x/mod/sumdb/note: verifier keys ``<name>+<hex key ID>+<base64(type || public key)>``
and signer keys ``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>``.

Parsing and checking key names, key IDs and key strings is :mod:`chain.keys`'s. Signers and
verifiers are small protocols, so other signature types (such as the timestamped cosignatures
of :mod:`chain.cosignature`) plug into :func:`sign_note` and :func:`open_note` unchanged.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, Self, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from chain.errors import (
    InvalidSignatureError,
    MalformedKeyError,
    MalformedNoteError,
    UnverifiedNoteError,
)
from chain.keys import (
    VerifierKey,
    b64decode_strict,
    is_valid_name,
    key_id,
    parse_signer_key,
    signer_key_string,
)

ED25519 = 0x01
"""Signature type byte of plain Ed25519 note signatures."""

MAX_SIGNATURES = 100
"""Notes with more signature lines are rejected (the spec asks for at least 16)."""

_DASH = "\u2014 "
_SPLIT = b"\n\n"


@runtime_checkable
class Signer(Protocol):
    """Something that signs note text under a key name and key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, message: bytes) -> bytes:
        """Return the signature bytes (without the key ID) over ``message``."""
        ...


@runtime_checkable
class Verifier(Protocol):
    """Something that checks note signatures for one key name and key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` (without the key ID) is valid over ``message``."""
        ...


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line: key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """The signature line, including its trailing newline."""
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{_DASH}{self.name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """An opened note: its text and which signatures verified."""

    text: str
    signatures: tuple[Signature, ...]
    """Signatures from known keys, all verified."""
    unverified: tuple[Signature, ...] = ()
    """Signatures from unknown keys, kept so they can be passed along."""


def ed25519_public_bytes(key: Ed25519PublicKey) -> bytes:
    """Raw 32-byte encoding of an Ed25519 public key."""
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


class Ed25519Verifier:
    """Shared shape of named Ed25519 verifiers; subclasses fix the type byte and check."""

    KEY_TYPE: ClassVar[int]
    __slots__ = ("_key", "_key_id", "_name", "_public")

    def __init__(self, name: str, public_key: Ed25519PublicKey) -> None:
        if not is_valid_name(name):
            raise MalformedKeyError(f"invalid key name {name!r}")
        self._name = name
        self._key = public_key
        self._public = ed25519_public_bytes(public_key)
        self._key_id = key_id(name, self.KEY_TYPE, self._public)

    @classmethod
    def from_key_string(cls, vkey: str) -> Self:
        """Build from a verifier key string; its type byte MUST be this class's ``KEY_TYPE``."""
        parsed = VerifierKey.parse(vkey)
        if parsed.key_type != cls.KEY_TYPE or len(parsed.public_key) != 32:
            raise MalformedKeyError(f"not a type 0x{cls.KEY_TYPE:02x} Ed25519 verifier key")
        return cls(parsed.name, Ed25519PublicKey.from_public_bytes(parsed.public_key))

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> int:
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """Raw 32-byte Ed25519 public key."""
        return self._public

    def key_string(self) -> str:
        """The verifier key string, safe to publish."""
        return str(VerifierKey(self._name, self._key_id, self.KEY_TYPE, self._public))


class NoteVerifier(Ed25519Verifier):
    """Verifies plain Ed25519 note signatures (type 0x01) for one named key."""

    KEY_TYPE = ED25519
    __slots__ = ()

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class NoteSigner:
    """Signs notes with an Ed25519 key (type 0x01) under a key name.

    The private key never appears in ``repr``; :meth:`key_string` is the only
    way to export it.
    """

    __slots__ = ("_key", "_verifier")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self._verifier = NoteVerifier(name, private_key.public_key())

    @classmethod
    def generate(cls, name: str) -> NoteSigner:
        """A signer with a fresh random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_key_string(cls, skey: str) -> NoteSigner:
        """Build from ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``.

        The key ID MUST match the public key derived from the seed.
        """
        return parse_signer_key(
            skey,
            key_type=ED25519,
            secret_size=32,
            algorithm="Ed25519",
            build=lambda name, seed: cls(name, Ed25519PrivateKey.from_private_bytes(seed)),
        )

    @property
    def name(self) -> str:
        return self._verifier.name

    @property
    def key_id(self) -> int:
        return self._verifier.key_id

    def verifier(self) -> NoteVerifier:
        """The matching verifier."""
        return self._verifier

    def key_string(self) -> str:
        """The secret signer key string. MUST be kept private."""
        seed = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return signer_key_string(self.name, self.key_id, ED25519, seed)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"NoteSigner({self.name!r}, key_id={self.key_id:08x})"


def split_note(message: bytes) -> tuple[str, list[Signature]]:
    """Split a signed note into its text and signature lines, checking the framing only.

    Rejects (with :class:`~chain.errors.MalformedNoteError`) invalid UTF-8, control
    characters other than newline, a missing blank line before the signatures,
    a last line without newline, malformed signature lines and more than
    :data:`MAX_SIGNATURES` signatures. No signature is verified here.
    """
    try:
        decoded = message.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedNoteError("note is not valid UTF-8") from exc
    if any(c < " " and c != "\n" for c in decoded):
        raise MalformedNoteError("note contains control characters")
    split = message.rfind(_SPLIT)
    if split < 0:
        raise MalformedNoteError("note has no blank line before its signatures")
    text = message[: split + 1].decode()
    block = message[split + 2 :].decode()
    if not block.endswith("\n"):
        raise MalformedNoteError("note must end with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError("note has too many signatures")
    return text, [_parse_signature_line(line) for line in lines]


def _parse_signature_line(line: str) -> Signature:
    if not line.startswith(_DASH):
        raise MalformedNoteError("signature line must start with an em dash and a space")
    name, sep, b64 = line[len(_DASH) :].partition(" ")
    try:
        raw = b64decode_strict(b64)
    except ValueError as exc:
        raise MalformedNoteError("signature is not base64") from exc
    if not sep or not is_valid_name(name) or len(raw) < 5:
        raise MalformedNoteError("malformed signature line")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def _index(verifiers: Iterable[Verifier]) -> dict[tuple[str, int], Verifier]:
    known: dict[tuple[str, int], Verifier] = {}
    for v in verifiers:
        if (v.name, v.key_id) in known:
            # Two keys with one (name, ID) would make the check ambiguous.
            raise MalformedKeyError(f"duplicate verifier {v.name}+{v.key_id:08x}")
        known[(v.name, v.key_id)] = v
    return known


def open_note(message: bytes, verifiers: Iterable[Verifier]) -> Note:
    """Parse ``message`` and verify its signatures against ``verifiers``.

    Guarantees, following c2sp.org/signed-note and Go's ``note.Open``:

    - signatures whose (name, key ID) matches no verifier are ignored and
      returned in :attr:`Note.unverified`;
    - a signature from a known key that does not verify raises
      :class:`~chain.errors.InvalidSignatureError` (the whole note is rejected);
    - if no known key signed, raises :class:`~chain.errors.UnverifiedNoteError`;
    - repeated signatures by one key are kept once.

    The returned text MUST be the only part of the message trusted by callers.
    """
    text, sigs = split_note(message)
    known = _index(verifiers)
    body = text.encode()
    verified: list[Signature] = []
    unverified: list[Signature] = []
    for sig in sigs:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if any(v.name == sig.name and v.key_id == sig.key_id for v in verified):
            continue
        if not verifier.verify(body, sig.signature):
            raise InvalidSignatureError(sig.name, sig.key_id)
        verified.append(sig)
    if not verified:
        raise UnverifiedNoteError("note has no signature from a known key")
    return Note(text, tuple(verified), tuple(unverified))


def sign_text(text: str, signers: Sequence[Signer]) -> list[Signature]:
    """Sign ``text`` with each signer; ``text`` MUST end with a newline."""
    _check_text(text)
    body = text.encode()
    signatures = []
    for signer in signers:
        if not is_valid_name(signer.name):
            raise MalformedKeyError(f"invalid signer name {signer.name!r}")
        signatures.append(Signature(signer.name, signer.key_id, signer.sign(body)))
    return signatures


def sign_note(text: str, signers: Sequence[Signer], existing: Sequence[Signature] = ()) -> bytes:
    """Return the signed note: ``text``, a blank line, then signature lines.

    ``existing`` signatures are kept ahead of the new ones, except those by a
    key that signs again here. ``text`` MUST end with a newline and MUST NOT
    contain control characters other than newline.
    """
    fresh = sign_text(text, signers)
    replaced = {(s.name, s.key_id) for s in fresh}
    kept = [s for s in existing if (s.name, s.key_id) not in replaced]
    lines = "".join(s.line() for s in [*kept, *fresh])
    return f"{text}\n{lines}".encode()


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    if any(c < " " and c != "\n" for c in text):
        raise MalformedNoteError("note text contains control characters")
