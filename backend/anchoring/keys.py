"""The log's signing keys: from settings, or from a key file that demo mode creates.

A log signs every checkpoint with an Ed25519 key (the first key) and, when configured, with an
ML-DSA-44 key beside it (c2sp.org/tlog-cosignature type 0x06, which tlog-checkpoint recommends).
``PIAOJIA_LEDGER_KEY`` and the key file hold the signer key strings separated by whitespace
(one per line in the file), the Ed25519 one first.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from backend.config import Settings, SettingsError
from backend.witness_settings import PolicySetupError, configured_policy
from chain.errors import ChainError
from chain.mldsa import MLDSACosignatureSigner
from chain.note import NoteSigner
from chain.policy import Policy

ALGORITHMS = ("ed25519", "ml-dsa-44")
"""What ``piaojia ledger init --algorithms`` takes; ed25519 is always the first key."""


def default_origin(public_base_url: str) -> str:
    """The log origin for a service at ``public_base_url``: its host and ``/ledger``."""
    return f"{urlsplit(public_base_url).netloc}/ledger"


def parse_algorithms(text: str) -> tuple[str, ...]:
    """``ed25519`` or ``ed25519,ml-dsa-44``; raises ``ValueError`` naming what is wrong."""
    chosen = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [a for a in chosen if a not in ALGORITHMS]
    if unknown or not chosen or chosen[0] != "ed25519" or len(set(chosen)) != len(chosen):
        raise ValueError(f"expected ed25519, optionally followed by ml-dsa-44 (got {text!r})")
    return chosen


def create_key_file(
    path: Path, origin: str, algorithms: Sequence[str] = ("ed25519",)
) -> tuple[NoteSigner, tuple[MLDSACosignatureSigner, ...]]:
    """Write new signer keys to ``path`` (owner-only), one per line; refuses to overwrite."""
    signer = NoteSigner.generate(origin)
    also = tuple(MLDSACosignatureSigner.generate(origin) for a in algorithms if a == "ml-dsa-44")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(
            "".join(key + "\n" for key in (signer.key_string(), *(a.key_string() for a in also)))
        )
    return signer, also


def _key_strings(settings: Settings) -> list[str] | None:
    if settings.ledger_key is not None:
        return settings.ledger_key.reveal().split()
    path = Path(settings.ledger_key_file)
    return path.read_text().split() if path.exists() else None


def load_log_signers(settings: Settings) -> tuple[NoteSigner, tuple[MLDSACosignatureSigner, ...]]:
    """The log's Ed25519 signer and the signers beside it (ML-DSA-44), from settings or file.

    ``PIAOJIA_LEDGER_KEY`` wins; else the key file is read; in demo mode a missing key file is
    created. Otherwise start-up stops with one line saying what to do.
    """
    try:
        keys = _key_strings(settings)
        if keys is not None:
            if not keys:
                raise SettingsError("the ledger signing key is empty")
            signer = NoteSigner.from_key_string(keys[0])
            return signer, tuple(MLDSACosignatureSigner.from_key_string(k) for k in keys[1:])
    except ChainError as exc:
        raise SettingsError(f"the ledger signing key is malformed: {exc}") from exc
    path = Path(settings.ledger_key_file)
    if settings.demo:
        return create_key_file(path, default_origin(settings.public_base_url))
    raise SettingsError(
        f"PIAOJIA_LEDGER_KEY is not set and {path} does not exist: "
        "create a key with `piaojia ledger init`"
    )


def load_log_signer(settings: Settings) -> NoteSigner:
    """The log's Ed25519 signer (see :func:`load_log_signers`)."""
    return load_log_signers(settings)[0]


def witness_policy(settings: Settings, log_keys: Sequence[str]) -> Policy:
    """The witnesses the log of ``log_keys`` answers to, as the settings name them (a policy
    file, or witnesses and a quorum); ``SettingsError`` naming the setting when unusable."""
    try:
        return configured_policy(
            settings.witness_policy,
            settings.witnesses,
            settings.witness_quorum,
            log_keys=log_keys,
            log_url=f"{settings.public_base_url}/ledger",
        )
    except PolicySetupError as exc:
        raise SettingsError(f"PIAOJIA_WITNESS_POLICY: {exc}") from exc
