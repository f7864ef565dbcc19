"""The witness's own key, and the log keys it trusts.

The witness key is an Ed25519 or ML-DSA-44 private key in a PEM (PKCS#8, unencrypted) file, so
standard tools read it (``openssl pkey -in FILE -pubout``); an Ed25519 key makes type 0x04
cosignatures, an ML-DSA-44 key type 0x06 (c2sp.org/tlog-cosignature, which recommends ML-DSA-44
for new witnesses). Guarantees:

- :func:`load_or_create_key` creates the file only if absent, atomically: the key is written and
  fsynced under a temporary name with mode 0600, then hard-linked into place, so a crash or a
  second process starting at the same moment never leaves a half-written or replaced key;
- a key file readable or writable by group or others is refused, as ssh refuses one;
- the witness's public identity is its verifier key string ``<name>+<key ID>+<base64(0x04 ||
  public key)>`` (type 0x04: timestamped cosignatures, c2sp.org/tlog-cosignature), produced by
  :func:`verifier_key`;
- :func:`parse_log_keys` turns ``--log`` verifier key strings (type 0x01 Ed25519 note keys,
  name = origin) into the ``logs`` mapping of :class:`chain.witness.Witness`, refusing malformed
  and repeated keys.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from backend.witness.errors import KeyFileError, LogKeyError, WitnessNameError
from chain.cosignature import Clock, CosignatureSigner
from chain.errors import MalformedKeyError
from chain.keys import is_valid_name
from chain.mldsa import MLDSACosignatureSigner
from chain.note import NoteVerifier, Verifier

KEY_FILE_MODE = 0o600
ALGORITHMS = ("ed25519", "ml-dsa-44")

WitnessKey = Ed25519PrivateKey | MLDSA44PrivateKey
MAX_KEY_FILE_BYTES = 4096


def load_key(path: Path) -> WitnessKey:
    """Read the private key at ``path``; raises :class:`KeyFileError` with the reason."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"key file {path} is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise KeyFileError(
                f"key file {path} is accessible by others (mode {mode:04o}); chmod 600 it"
            )
        data = os.read(fd, MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileError(f"key file {path} is too large to be an Ed25519 key")
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFileError(f"key file {path} is not an unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey | MLDSA44PrivateKey):
        raise KeyFileError(f"key file {path} holds neither an Ed25519 nor an ML-DSA-44 key")
    return key


def load_or_create_key(path: Path, algorithm: str = "ed25519") -> tuple[WitnessKey, bool]:
    """The key at ``path``, creating it (mode 0600) first if absent; also says if it was created.

    A new key is of ``algorithm`` (``ed25519`` or ``ml-dsa-44``); an existing key is used
    whatever its algorithm. Missing parent folders are created (mode 0700). Never overwrites
    an existing file.
    """
    if os.path.lexists(path):
        return load_key(path), False
    key: WitnessKey = (
        MLDSA44PrivateKey.generate() if algorithm == "ml-dsa-44" else Ed25519PrivateKey.generate()
    )
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        created = _publish(path, pem)
    except OSError as exc:
        raise KeyFileError(f"cannot create key file {path}: {exc.strerror or exc}") from exc
    if not created:  # another process created it first: use theirs
        return load_key(path), False
    return key, True


def _publish(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` unless it exists; True if this call created it."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, KEY_FILE_MODE)
    try:
        try:
            os.fchmod(fd, KEY_FILE_MODE)  # exactly 0600, whatever the umask
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
    finally:
        os.unlink(temporary)
    _fsync_directory(path.parent)
    return True


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_witness_name(name: str) -> str:
    """Return ``name`` if it can name a key, else raise :class:`WitnessNameError`."""
    if not is_valid_name(name):
        raise WitnessNameError(
            f"invalid witness name {name!r}: it must be non-empty, without spaces or '+'"
        )
    return name


def witness_signer(
    name: str, key: WitnessKey, *, clock: Clock | None = None
) -> CosignatureSigner | MLDSACosignatureSigner:
    """The cosignature signer of witness ``name`` (checked by :func:`check_witness_name`):
    type 0x04 for an Ed25519 key, type 0x06 for an ML-DSA-44 key."""
    check_witness_name(name)
    if isinstance(key, Ed25519PrivateKey):
        return (
            CosignatureSigner(name, key)
            if clock is None
            else CosignatureSigner(name, key, clock=clock)
        )
    if clock is None:
        return MLDSACosignatureSigner(name, key)
    return MLDSACosignatureSigner(name, key, clock=clock)


def verifier_key(signer: CosignatureSigner | MLDSACosignatureSigner) -> str:
    """The witness's public verifier key string, for logs and clients to configure."""
    return signer.verifier().key_string()


def parse_log_keys(keys: Iterable[str]) -> dict[str, tuple[Verifier, ...]]:
    """Map each trusted log origin to its verifiers, from Ed25519 note verifier key strings.

    A log may have several keys (rotation); the key name is the origin. Raises
    :class:`LogKeyError` naming the first malformed or repeated key.
    """
    logs: dict[str, list[Verifier]] = {}
    seen: set[tuple[str, int]] = set()
    for text in keys:
        vkey = text.strip()
        try:
            verifier = NoteVerifier.from_key_string(vkey)
        except MalformedKeyError as exc:
            raise LogKeyError(f"log key {text!r} is not an Ed25519 verifier key: {exc}") from exc
        if (verifier.name, verifier.key_id) in seen:
            raise LogKeyError(f"log key {vkey!r} is given twice")
        seen.add((verifier.name, verifier.key_id))
        logs.setdefault(verifier.name, []).append(verifier)
    return {origin: tuple(verifiers) for origin, verifiers in logs.items()}
