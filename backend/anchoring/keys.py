"""The log's signing key: from settings, or from a key file that demo mode creates."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from backend.config import Settings, SettingsError
from chain.errors import ChainError
from chain.note import NoteSigner


def default_origin(public_base_url: str) -> str:
    """The log origin for a service at ``public_base_url``: its host and ``/ledger``."""
    return f"{urlsplit(public_base_url).netloc}/ledger"


def create_key_file(path: Path, origin: str) -> NoteSigner:
    """Write a new signer key to ``path`` (owner-only); refuses to overwrite one."""
    signer = NoteSigner.generate(origin)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(signer.key_string() + "\n")
    return signer


def load_log_signer(settings: Settings) -> NoteSigner:
    """The signer of this service's log.

    ``PIAOJIA_LEDGER_KEY`` wins; else the key file is read; in demo mode a missing key file is
    created. Otherwise start-up stops with one line saying what to do.
    """
    try:
        if settings.ledger_key is not None:
            return NoteSigner.from_key_string(settings.ledger_key.reveal())
        path = Path(settings.ledger_key_file)
        if path.exists():
            return NoteSigner.from_key_string(path.read_text().strip())
    except ChainError as exc:
        raise SettingsError(f"the ledger signing key is malformed: {exc}") from exc
    if settings.demo:
        return create_key_file(path, default_origin(settings.public_base_url))
    raise SettingsError(
        f"PIAOJIA_LEDGER_KEY is not set and {path} does not exist: "
        "create a key with `piaojia ledger init`"
    )
