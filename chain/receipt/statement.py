"""Ledger statements: what the log says about a receipt, with no personal data in it.

A statement is canonical JSON naming the event, the issuer's 统一社会信用代码, the receipt's
票据代码 and 票据号码, the time, and a salted commitment to the receipt's canonical document. The
log can never delete anything, so names, ID numbers, phones and emails never enter it.

:func:`check_statement` is the one check of a statement against the receipt it is about: the
issuing server runs it on its stored receipt (查验), an offline verifier on a proof bundle.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chain.receipt.canonical import canonical_json
from chain.receipt.errors import MalformedBundleError

STATEMENT_VERSION = 1
STATEMENT_FIELDS = frozenset({"v", "event", "issuer", "code", "number", "at", "commitment"})
# What check_statement compares, in the order it reports.
CHECKED_FIELDS = ("event", "issuer", "code", "number", "commitment")


def statement(
    *, event: str, credit_code: str, code: str, number: str, at: datetime, commitment: str
) -> bytes:
    """The canonical bytes of the statement of ``event`` about a receipt."""
    return canonical_json(
        {
            "v": STATEMENT_VERSION,
            "event": event,
            "issuer": credit_code,
            "code": code,
            "number": number,
            "at": at.isoformat(),
            "commitment": commitment,
        }
    )


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A statement field that does not say what the receipt does."""

    field: str
    """One of ``CHECKED_FIELDS``."""
    stated: object
    """What the statement says (``None`` when it says nothing)."""
    expected: str


def check_statement(
    fields: Mapping[str, Any],
    *,
    event: str,
    issuer: str,
    code: str,
    number: str,
    commitment: str | None,
) -> list[Mismatch]:
    """Every field of the statement ``fields`` that does not name this receipt and event.

    ``issuer`` is the receipt's 统一社会信用代码; ``commitment`` the one the statement must
    carry, computed from the receipt's document and the statement's salt (``None``: no
    document to compute it from, so the commitment is not checked). Returns the mismatches
    in the order of ``CHECKED_FIELDS``; empty when the statement is about this receipt.
    """
    expected = {"event": event, "issuer": issuer, "code": code, "number": number}
    if commitment is not None:
        expected["commitment"] = commitment
    return [
        Mismatch(name, fields.get(name), value)
        for name, value in expected.items()
        if fields.get(name) != value
    ]


def loose_fields(statement: bytes) -> dict[str, Any]:
    """The fields of a stored statement as far as they read; empty when it is not a JSON
    object (what a tampered row holds is reported as a mismatch, never raised)."""
    try:
        fields = json.loads(statement)
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


def read_statement(statement: bytes, where: str) -> dict[str, Any]:
    """The fields of a v1 statement in canonical form, every one a string but ``v``.

    Raises ``MalformedBundleError``, prefixed with ``where``, for anything else.
    """
    try:
        fields = json.loads(statement)
    except ValueError as exc:
        raise MalformedBundleError(f"{where}: statement is not JSON") from exc
    # Canonical form rules out duplicate keys and other readings that differ from the leaf.
    if not isinstance(fields, dict) or canonical_json(fields) != statement:
        raise MalformedBundleError(f"{where}: statement is not a canonical JSON object")
    version = fields.get("v")
    # type() rather than ==, so that JSON true does not pass for version 1.
    if set(fields) != STATEMENT_FIELDS or type(version) is not int or version != STATEMENT_VERSION:
        raise MalformedBundleError(f"{where}: statement is not a v{STATEMENT_VERSION} statement")
    if not all(isinstance(fields[k], str) for k in STATEMENT_FIELDS - {"v"}):
        raise MalformedBundleError(f"{where}: statement fields are not strings")
    return fields
