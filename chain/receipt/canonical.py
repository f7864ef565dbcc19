"""The canonical document of a receipt: the bytes its ledger commitment is computed over.

Only what never changes after issue is in it (not the status, which a reversal changes), in
canonical JSON: keys sorted, no insignificant whitespace, UTF-8, amounts in fen as integers.

Two forms exist. The version-2 document (``"v": 2``, every receipt issued since) holds each
personal field only as a salted commitment, so the document itself can be shown to anyone
holding the receipt's QR code; whoever holds the value and its field salt can *open* the field
(prove the value) without opening the others. The first form (no ``"v"``) held those fields in
clear; it is still read, to check the receipts committed that way, but never published.

Field salts come from the receipt key (the secret stored with the receipt's issue statement):
``HMAC-SHA256(key, "piaojia/field/" + name)``. The salt a statement's commitment is taken with
is ``HMAC-SHA256(entry secret, "piaojia/commitment")[:16]``: the published salt reveals nothing
of the field salts, and a guessed name or ID number cannot be checked against a commitment
without them.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

DOCUMENT_VERSION = 2
# What a stored ledger secret is by its length: the first form stored the commitment salt
# itself (16 bytes); a version-2 entry stores a 32-byte secret the published salt comes from.
LEGACY_SALT_SIZE = 16
SECRET_SIZE = 32
COMMITMENT_SALT_SIZE = 16
# The personal fields, by their path in the document: never in clear in a version-2 document.
PERSONAL_FIELDS = (
    "payer.name",
    "payer.id_number",
    "payer.email",
    "payer.phone",
    "visit.number",
)


def canonical_json(value: Any) -> bytes:
    """Canonical JSON: sorted keys, compact separators, UTF-8 (RFC 8785 for our value types)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def field_salt(key: bytes, name: str) -> bytes:
    """The salt of personal field ``name`` (a path such as ``payer.name``) under ``key``."""
    return hmac.new(key, b"piaojia/field/" + name.encode(), hashlib.sha256).digest()


def field_commitment(salt: bytes, value: str | None) -> str:
    """``sha256:<hex>`` of field salt ‖ canonical JSON of the value (``null`` when empty).

    An empty field is committed too: its commitment proves the field was empty, and a reader
    of the document cannot tell an empty field from a filled one.
    """
    return "sha256:" + hashlib.sha256(salt + canonical_json(value)).hexdigest()


def commitment_salt(secret: bytes) -> bytes:
    """The published salt of a version-2 ledger entry whose stored secret is ``secret``."""
    return hmac.new(secret, b"piaojia/commitment", hashlib.sha256).digest()[:COMMITMENT_SALT_SIZE]


def commitment(salt: bytes, document: bytes) -> str:
    """``sha256:<hex>`` of salt ‖ document: binds the receipt without revealing it."""
    return "sha256:" + hashlib.sha256(salt + document).hexdigest()


def is_legacy_secret(secret: bytes) -> bool:
    """Whether a stored entry secret is a first-form one (the published salt itself)."""
    return len(secret) == LEGACY_SALT_SIZE


def published_salt(secret: bytes) -> bytes:
    """The salt a statement's commitment is taken with, shown in proof bundles."""
    return secret if is_legacy_secret(secret) else commitment_salt(secret)


def commit_personal_fields(
    legacy: Mapping[str, Any], personal: Mapping[str, str | None], *, key: bytes
) -> dict[str, Any]:
    """The version-2 document of the first-form document ``legacy``: every personal field
    (``personal``, by path) replaced by its commitment under the receipt ``key``.

    ``legacy`` is not changed.
    """
    document = copy.deepcopy(dict(legacy))
    for name, value in personal.items():
        group, field = name.split(".")
        document[group][field] = field_commitment(field_salt(key, name), value)
    document["v"] = DOCUMENT_VERSION
    return document


def openings(personal: Mapping[str, str | None], *, key: bytes) -> dict[str, dict[str, str | None]]:
    """What opens each personal field of the version-2 document: the value and its salt
    (base64). For whoever already holds the receipt's data: never for a public bundle."""
    return {
        name: {"value": value, "salt": base64.b64encode(field_salt(key, name)).decode()}
        for name, value in personal.items()
    }
