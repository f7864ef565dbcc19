"""Key names, key IDs and key strings of signed notes, for every signature type.

Key strings follow golang.org/x/mod/sumdb/note: verifier keys
``<name>+<hex key ID>+<base64(type || public key)>`` and signer keys
``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || secret)>``. Each kind has one parser here,
so every signature type (Ed25519 notes, ML-DSA-44 cosignatures) checks the same things.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from chain.errors import MalformedKeyError

_SIGNER_PREFIX = "PRIVATE+KEY+"


def is_valid_name(name: str) -> bool:
    """Key names MUST be non-empty and contain no Unicode spaces and no ``+``."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, key_type: int, public_key: bytes) -> int:
    """``SHA-256(name || "\\n" || type || public key)[:4]`` as a big-endian uint32."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def b64decode_strict(text: str) -> bytes:
    """Decode standard padded base64, rejecting any character outside the alphabet."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise ValueError(f"invalid base64: {text!r}") from exc


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A parsed verifier key string: name, key ID, type byte and public key bytes."""

    name: str
    key_id: int
    key_type: int
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> VerifierKey:
        """Parse ``<name>+<8 hex>+<base64(type || key)>``; the key ID MUST match the key."""
        # The base64 part may itself contain '+', so split at most twice.
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise MalformedKeyError("verifier key needs name, key ID and key")
        name, hex_id, b64 = parts
        return cls._build(name, hex_id, b64)

    @classmethod
    def _build(cls, name: str, hex_id: str, b64: str) -> VerifierKey:
        try:
            raw = b64decode_strict(b64)
            kid = int(hex_id, 16)
        except ValueError as exc:
            raise MalformedKeyError("malformed key ID or key") from exc
        if len(hex_id) != 8 or not is_valid_name(name) or len(raw) < 2:
            raise MalformedKeyError("malformed key name, key ID or key")
        if kid != key_id(name, raw[0], raw[1:]):
            raise MalformedKeyError("key ID does not match the key")
        return cls(name, kid, raw[0], raw[1:])

    def __str__(self) -> str:
        blob = base64.b64encode(bytes([self.key_type]) + self.public_key).decode()
        return f"{self.name}+{self.key_id:08x}+{blob}"


class _Keyed(Protocol):
    @property
    def key_id(self) -> int: ...


K = TypeVar("K", bound=_Keyed)


def parse_signer_key(
    skey: str,
    *,
    key_type: int,
    secret_size: int,
    algorithm: str,
    build: Callable[[str, bytes], K],
) -> K:
    """The signer ``build(name, secret)`` makes from signer key string ``skey``.

    Guarantees, or ``MalformedKeyError``: ``skey`` starts with ``PRIVATE+KEY+``; its name is a
    valid key name; its key ID is 8 hex digits; its key is strict base64 of the type byte
    ``key_type`` and ``secret_size`` bytes; and the key ID MUST match the key of the signer
    built (the ID is derived from the public key, which only the signer knows).
    """
    parts = skey.split("+", 4)
    if len(parts) != 5 or not skey.startswith(_SIGNER_PREFIX):
        raise MalformedKeyError("signer key must start with PRIVATE+KEY+")
    _, _, name, hex_id, b64 = parts
    try:
        raw = b64decode_strict(b64)
        kid = int(hex_id, 16)
    except ValueError as exc:
        raise MalformedKeyError("malformed signer key") from exc
    if (
        len(hex_id) != 8
        or not is_valid_name(name)
        or len(raw) != 1 + secret_size
        or raw[0] != key_type
    ):
        raise MalformedKeyError(f"malformed {algorithm} signer key")
    signer = build(name, raw[1:])
    if signer.key_id != kid:
        raise MalformedKeyError("key ID does not match the key")
    return signer


def signer_key_string(name: str, kid: int, key_type: int, secret: bytes) -> str:
    """The signer key string of ``secret`` under ``name``; it MUST be kept private."""
    blob = base64.b64encode(bytes([key_type]) + secret).decode()
    return f"{_SIGNER_PREFIX}{name}+{kid:08x}+{blob}"
