"""The receipt document a proof bundle carries, and the openings of its personal fields.

A bundle carries one of: a version-2 document (``"v": 2``; every personal field a
``sha256:<hex>`` commitment), optionally with ``openings`` of some or all of those fields
(value and field salt) for whoever may see them; a first-form document (no ``"v"``; personal
data in clear, only ever given to its issuer); or no document, with ``withheld`` saying why (a
first-form receipt's public bundle). See ``chain.receipt.canonical`` for the forms.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chain.receipt.canonical import (
    DOCUMENT_VERSION,
    PERSONAL_FIELDS,
    canonical_json,
    field_commitment,
)
from chain.receipt.errors import (
    CommitmentMismatchError,
    MalformedBundleError,
    StatementMismatchError,
)

FIELD_SALT_SIZE = 32
_COMMITMENT = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Identity:
    """The receipt a bundle's statements must name, and what its document proves."""

    issuer: str
    code: str
    number: str
    version: int | None
    """1 or 2: the document's form; ``None`` when the bundle withholds the document."""
    opened: dict[str, str | None]
    """The personal fields whose opening matched their commitment, by path."""


def document_identity(
    bundle: Mapping[str, Any], header: Mapping[str, str], document: bytes | None
) -> Identity:
    """Check the document (if any) against the receipt header and its openings (if any).

    ``header`` holds the bundle's ``receipt`` strings (``id``, ``code``, ``number`` and, in
    bundles made since version 2, ``issuer``).
    """
    if document is None:
        if "openings" in bundle:
            raise MalformedBundleError("openings: a bundle without a document opens nothing")
        issuer = header.get("issuer")
        if issuer is None:
            raise MalformedBundleError("receipt.issuer: needed when the document is withheld")
        return Identity(issuer, header["code"], header["number"], None, {})
    parsed = _parse_document(document)
    issuer = parsed.get("issuer")
    credit_code = issuer.get("credit_code") if isinstance(issuer, dict) else None
    fields = {
        "id": parsed.get("id"),
        "code": parsed.get("code"),
        "number": parsed.get("number"),
        "issuer": credit_code,
    }
    for name, value in fields.items():
        if not isinstance(value, str):
            where = "issuer.credit_code" if name == "issuer" else name
            raise MalformedBundleError(f"document: {where} is not a string")
    for name, value in header.items():
        if fields[name] != value:
            raise StatementMismatchError(
                f"receipt: {name} {value!r} is not the document's {fields[name]!r}"
            )
    version = _version(parsed)
    opened = _check_openings(bundle.get("openings"), parsed) if version == 2 else {}
    if version == 1 and "openings" in bundle:
        raise MalformedBundleError("openings: a first-form document has nothing to open")
    return Identity(str(credit_code), header["code"], header["number"], version, opened)


def _parse_document(document: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(document)
    except ValueError as exc:
        raise MalformedBundleError(f"document: not JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise MalformedBundleError("document: not a JSON object")
    # The commitment binds these exact bytes; canonical form makes sure they have one reading
    # (no duplicate keys), so the code and number read here are the ones committed to.
    if canonical_json(parsed) != document:
        raise MalformedBundleError("document: not canonical JSON")
    return parsed


def _version(document: dict[str, Any]) -> int:
    if "v" not in document:
        return 1
    version = document["v"]
    # type() rather than ==, so that JSON true does not pass for a version.
    if type(version) is not int or version != DOCUMENT_VERSION:
        raise MalformedBundleError(f"document: version {version!r} is not {DOCUMENT_VERSION}")
    for name in PERSONAL_FIELDS:
        value = _at(document, name)
        # A version-2 document holding a personal field in clear is not one.
        if not isinstance(value, str) or not _COMMITMENT.fullmatch(value):
            raise MalformedBundleError(f"document: {name} is not a sha256 commitment")
    return version


def _at(document: dict[str, Any], name: str) -> object:
    group, field = name.split(".")
    part = document.get(group)
    return part.get(field) if isinstance(part, dict) else None


def _check_openings(raw: object, document: dict[str, Any]) -> dict[str, str | None]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise MalformedBundleError("openings: not an object")
    opened: dict[str, str | None] = {}
    for name, opening in raw.items():
        where = f"openings.{name}"
        if name not in PERSONAL_FIELDS:
            raise MalformedBundleError(f"{where}: not a personal field of the document")
        if not isinstance(opening, Mapping) or set(opening) != {"value", "salt"}:
            raise MalformedBundleError(f"{where}: not an object of value and salt")
        value = opening["value"]
        if value is not None and not isinstance(value, str):
            raise MalformedBundleError(f"{where}.value: not a string or null")
        salt = decode_base64(opening["salt"], f"{where}.salt", FIELD_SALT_SIZE)
        if field_commitment(salt, value) != _at(document, name):
            raise CommitmentMismatchError(
                f"{where}: SHA-256(field salt ‖ value) is not the document's commitment to "
                f"{name}; the value or salt was altered"
            )
        opened[name] = value
    return opened


def decode_base64(value: object, where: str, size: int) -> bytes:
    """The ``size`` bytes a bundle's base64 field ``where`` holds; ``MalformedBundleError``
    for anything else."""
    if not isinstance(value, str):
        raise MalformedBundleError(f"{where}: not a base64 string")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise MalformedBundleError(f"{where}: not base64") from exc
    if len(raw) != size:
        raise MalformedBundleError(f"{where}: {len(raw)} bytes, expected {size}")
    return raw
