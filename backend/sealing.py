"""Personal data at rest: sealed columns (AES-256-GCM) and keyed hashes for finding rows.

A sealed column holds bytes (BLOB on SQLite, BYTEA on PostgreSQL) in one format::

    0xFF 'S' 0x01 || key id (4 bytes) || nonce (12 bytes) || AES-GCM ciphertext and tag

0xFF never starts valid UTF-8, so a sealed value is never mistaken for a clear one left by an
older version, and the key id says which key of the ring opens it, so keys can rotate: the
newest key seals, every key in the ring opens. The additional data is ``table.column``: a value
moved into another column no longer opens. Any change to a sealed value fails loudly
(``SealBroken``), never as a silently different value.

What must be searched is kept beside the sealed column as a keyed hash (HMAC-SHA256 under a key
derived from the same key material, 128 bits, hex): equal values give equal hashes under one
key, and a copy of the database alone cannot confirm a guessed value.

The ring is built from key material (the service secret, or keys given beside it) with HKDF;
it is installed once per process (``install``) before the database is used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tortoise import fields
from tortoise.models import Model

MAGIC = b"\xffS\x01"
_KEY_ID_BYTES = 4
_NONCE_BYTES = 12
_HEADER = len(MAGIC) + _KEY_ID_BYTES + _NONCE_BYTES
_HASH_HEX = 32  # 128 bits of HMAC-SHA256


class SealBroken(Exception):
    """A sealed value cannot be opened: damaged, moved, or sealed under a key not in the ring."""


class SealedColumnFilter(TypeError):
    """A query compared a sealed column with a value: it could never match."""


class SealingNotReady(RuntimeError):
    """The process touched a sealed column before ``install`` gave it its keys."""


def _derive(material: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(material)


@dataclass(frozen=True, slots=True)
class DataKey:
    """One key of the ring: its id, its AES-256 key and its hashing key."""

    key_id: bytes
    cipher: AESGCM
    hash_key: bytes

    @classmethod
    def from_material(cls, material: bytes) -> DataKey:
        """The key of high-entropy material (32 bytes or more: a secret, not a password)."""
        if len(material) < 32:
            raise ValueError("key material must have at least 32 bytes")
        return cls(
            key_id=_derive(material, b"piaojia/sealing/key-id/v1", _KEY_ID_BYTES),
            cipher=AESGCM(_derive(material, b"piaojia/sealing/aes-256-gcm/v1")),
            hash_key=_derive(material, b"piaojia/sealing/keyed-hash/v1"),
        )

    @property
    def name(self) -> str:
        return self.key_id.hex()


class Keyring:
    """The current key (seals, hashes) and older ones (open, find) until rotation is done."""

    def __init__(self, current: DataKey, *older: DataKey) -> None:
        self.current = current
        self._keys = {key.key_id: key for key in (*reversed(older), current)}

    @classmethod
    def from_materials(cls, materials: list[bytes]) -> Keyring:
        """The ring of ``materials``, newest first; repeated material counts once."""
        keys = [DataKey.from_material(m) for m in dict.fromkeys(materials)]
        return cls(keys[0], *keys[1:])

    @property
    def keys(self) -> list[DataKey]:
        """Every key, the current one first."""
        return [self.current, *(k for k in self._keys.values() if k is not self.current)]

    def seal(self, plain: str, context: str) -> bytes:
        """``plain`` sealed under the current key, bound to ``context`` (``table.column``)."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        body = self.current.cipher.encrypt(nonce, plain.encode("utf-8"), context.encode())
        return MAGIC + self.current.key_id + nonce + body

    def open(self, sealed: bytes, context: str) -> str:
        """The clear text of ``sealed``; ``SealBroken`` if it is not exactly what was sealed."""
        if len(sealed) <= _HEADER or not sealed.startswith(MAGIC):
            raise SealBroken(f"{context}: not a sealed value")
        key = self._keys.get(sealed[len(MAGIC) : len(MAGIC) + _KEY_ID_BYTES])
        if key is None:
            raise SealBroken(f"{context}: sealed under key {key_id_of(sealed)}, not in the ring")
        nonce = sealed[len(MAGIC) + _KEY_ID_BYTES : _HEADER]
        try:
            return key.cipher.decrypt(nonce, sealed[_HEADER:], context.encode()).decode("utf-8")
        except (InvalidTag, UnicodeDecodeError):
            raise SealBroken(f"{context}: sealed value is damaged or was moved") from None

    def hash(self, value: str, purpose: str, key: DataKey | None = None) -> str:
        """The keyed hash of ``value`` for ``purpose`` under ``key`` (default: the current)."""
        mac = hmac.new((key or self.current).hash_key, purpose.encode() + b"\0", hashlib.sha256)
        mac.update(value.encode("utf-8"))
        return mac.hexdigest()[:_HASH_HEX]

    def hashes(self, value: str, purpose: str) -> list[str]:
        """The hash of ``value`` under every key: what a search matches while keys rotate."""
        return [self.hash(value, purpose, key) for key in self.keys]


def key_id_of(sealed: bytes) -> str:
    """The key id (hex) a sealed value names, or ``clear`` for a value never sealed."""
    if not sealed.startswith(MAGIC):
        return "clear"
    return sealed[len(MAGIC) : len(MAGIC) + _KEY_ID_BYTES].hex()


_ring: Keyring | None = None


def install(ring: Keyring) -> None:
    """Give this process its keys; every sealed column uses them from now on."""
    global _ring
    _ring = ring


def ring() -> Keyring:
    """The installed ring; ``SealingNotReady`` before ``install``."""
    if _ring is None:
        raise SealingNotReady("sealing keys are not installed (backend.sealing.install)")
    return _ring


def seal(plain: str, context: str) -> bytes:
    return ring().seal(plain, context)


def unseal(sealed: bytes | memoryview | str | None, context: str) -> str | None:
    """What a raw SQL reader calls on a sealed column it selected."""
    if sealed is None:
        return None
    if isinstance(sealed, str):
        raise SealBroken(f"{context}: holds clear text (run: piaojia keys rotate)")
    return ring().open(bytes(sealed), context)


# -- normalising what is hashed, so equal values as people write them hash alike --------------


def name_key(value: str) -> str:
    """A name as compared: NFKC, spaces collapsed (全角 and half-width spaces alike)."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def id_number_key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().upper()


def phone_key(value: str) -> str:
    """A phone number as compared: its digits only (+86 138-0000 0000 == 8613800000000)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdigit())


class SealedTextField(fields.BinaryField):  # type: ignore[type-arg]
    """A text attribute stored sealed: the model reads and writes plain ``str``.

    Values from the database arrive as bytes and are opened; values a program assigns are
    ``str`` and stay as given until written. A filter on a sealed column could never match (each
    seal is different) and raises ``SealedColumnFilter``: filter on its keyed hash instead.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def _context(self) -> str:
        return f"{self.model._meta.db_table}.{self.source_field or self.model_field_name}"

    def to_db_value(self, value: Any, instance: type[Model] | Model) -> bytes | None:
        if isinstance(instance, type):
            # A filter: Tortoise passes the model class. A fresh seal never equals a stored one,
            # so the query would silently find nothing; say so instead.
            raise SealedColumnFilter(
                f"{self._context()} is sealed: filter on its keyed hash column instead"
            )
        if value is None:
            return None
        if isinstance(value, bytes | memoryview):
            return bytes(value)  # already sealed (a copy of a row)
        return seal(str(value), self._context())

    def to_python_value(self, value: Any) -> Any:
        if isinstance(value, bytes | memoryview):
            return ring().open(bytes(value), self._context())
        return value
