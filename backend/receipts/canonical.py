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
import hashlib
import hmac
import json
from typing import Any

from backend.issuers.models import Issuer
from backend.receipts.models import LineItem, Receipt

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


def personal_values(receipt: Receipt) -> dict[str, str | None]:
    """The receipt's personal fields by path (see ``PERSONAL_FIELDS``); ``None`` when empty."""
    return {
        "payer.name": receipt.payer_name,
        "payer.id_number": receipt.payer_id_number,
        "payer.email": receipt.payer_email,
        "payer.phone": receipt.payer_phone,
        "visit.number": receipt.visit_number,
    }


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


def receipt_document(
    receipt: Receipt, issuer: Issuer, items: list[LineItem], *, key: bytes
) -> dict[str, Any]:
    """The version-2 document: personal fields as commitments under the receipt ``key``."""
    document = legacy_receipt_document(receipt, issuer, items)
    for name, value in personal_values(receipt).items():
        group, field = name.split(".")
        document[group][field] = field_commitment(field_salt(key, name), value)
    document["v"] = DOCUMENT_VERSION
    return document


def openings(receipt: Receipt, *, key: bytes) -> dict[str, dict[str, str | None]]:
    """What opens each personal field of the version-2 document: the value and its salt
    (base64). For whoever already holds the receipt's data: never for a public bundle."""
    return {
        name: {"value": value, "salt": base64.b64encode(field_salt(key, name)).decode()}
        for name, value in personal_values(receipt).items()
    }


def legacy_receipt_document(
    receipt: Receipt, issuer: Issuer, items: list[LineItem]
) -> dict[str, Any]:
    """The first form, personal data in clear: how receipts issued before version 2 were
    committed. Only their issuer may be shown it."""
    return {
        "id": str(receipt.id),
        "kind": str(receipt.kind),
        "issuer": {"credit_code": issuer.credit_code, "name": issuer.name},
        "code": receipt.code,
        "number": receipt.number,
        "check_code": receipt.check_code,
        "issued_at": receipt.issued_at.isoformat(),
        "payer": {
            "name": receipt.payer_name,
            "id_number": receipt.payer_id_number,
            "email": receipt.payer_email,
            "phone": receipt.payer_phone,
        },
        "visit": {
            "type": receipt.visit_type and str(receipt.visit_type),
            "number": receipt.visit_number,
            "department": receipt.department,
            "start_date": receipt.visit_start and receipt.visit_start.isoformat(),
            "end_date": receipt.visit_end and receipt.visit_end.isoformat(),
        },
        "items": [
            {
                "category": item.category,
                "name": item.name,
                "quantity": item.quantity,
                "unit": item.unit,
                "amount_fen": item.amount_fen,
            }
            for item in sorted(items, key=lambda item: item.position)
        ],
        "payment_fen": {
            "fund": receipt.fund_fen,
            "other": receipt.other_fen,
            "account": receipt.account_fen,
            "cash": receipt.cash_fen,
        },
        "total_fen": receipt.total_fen,
        "reverses": str(receipt.reverses_id) if receipt.reverses_id else None,  # type: ignore[attr-defined]
        "reversal_reason": receipt.reversal_reason,
    }


def commitment(salt: bytes, document: bytes) -> str:
    """``sha256:<hex>`` of salt ‖ document: binds the receipt without revealing it."""
    return "sha256:" + hashlib.sha256(salt + document).hexdigest()
