"""Which document, and which salt, each ledger statement about a receipt commits to.

A receipt's statements all commit to one form of its document, the form of its issue
statement, which the length of that statement's stored secret tells: 16 bytes for the first
form (personal data in clear, the secret is the published salt itself), 32 bytes for version 2
(the published salt is derived from it, and the issue statement's secret is the receipt key the
field salts come from). See ``backend.receipts.canonical`` for both forms.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from backend import sealing
from backend.anchoring.models import LedgerEntry
from backend.issuers.models import Issuer
from backend.receipts.canonical import (
    LEGACY_SALT_SIZE,
    SECRET_SIZE,
    canonical_json,
    commitment,
    commitment_salt,
    legacy_receipt_document,
    receipt_document,
)
from backend.receipts.models import LineItem, Receipt


@dataclass(frozen=True, slots=True)
class ReceiptForm:
    """How a receipt is committed: ``key`` is the version-2 receipt key, ``None`` for a
    receipt committed in the first form."""

    key: bytes | None

    @property
    def legacy(self) -> bool:
        return self.key is None

    def document(self, receipt: Receipt, issuer: Issuer, items: list[LineItem]) -> bytes:
        """The canonical document bytes the receipt's statements commit to."""
        if self.key is None:
            return canonical_json(legacy_receipt_document(receipt, issuer, items))
        return canonical_json(receipt_document(receipt, issuer, items, key=self.key))


# Where a statement's secret is kept, as sealing names the column it binds a sealed value to.
SECRET_COLUMN = "ledger_entry.salt"


def sealed_secret(secret: bytes) -> bytes:
    """What ``ledger_entry.salt`` keeps of ``secret``: sealed like the payer's fields.

    A version-2 receipt key opens its personal fields' commitments, which are public: kept in
    clear, a copy of the database alone would let the masked ID number or phone be guessed
    against them. First-form salts are public anyway, and are sealed all the same.
    """
    return sealing.seal(base64.b64encode(secret).decode(), SECRET_COLUMN)


def stored_secret(stored: bytes | memoryview) -> bytes:
    """The secret ``ledger_entry.salt`` holds, sealed or (written before sealing) as is."""
    raw = bytes(stored)
    if not raw.startswith(sealing.MAGIC):
        return raw
    opened = sealing.unseal(raw, SECRET_COLUMN)
    assert opened is not None
    return base64.b64decode(opened)


def is_legacy_secret(secret: bytes) -> bool:
    return len(secret) == LEGACY_SALT_SIZE


def published_salt(secret: bytes) -> bytes:
    """The salt a statement's commitment is taken with, shown in proof bundles."""
    return secret if is_legacy_secret(secret) else commitment_salt(secret)


def form_of(entries: Iterable[LedgerEntry]) -> ReceiptForm | None:
    """The form of the receipt these are the statements of; ``None`` without an issue
    statement (a receipt the ledger does not know)."""
    issued = next((e for e in entries if e.event == "issued"), None)
    if issued is None:
        return None
    secret = stored_secret(issued.salt)
    return ReceiptForm(None if is_legacy_secret(secret) else secret)


def new_entry(
    form: ReceiptForm | None, receipt: Receipt, issuer: Issuer, items: list[LineItem]
) -> tuple[bytes, str]:
    """A fresh stored secret for a new statement and the commitment the statement carries.

    ``form`` is the receipt's (``None`` for its issue statement, which starts a version-2
    receipt whose key is the secret returned).
    """
    if form is not None and form.legacy:
        salt = secrets.token_bytes(LEGACY_SALT_SIZE)
        return salt, commitment(salt, form.document(receipt, issuer, items))
    secret = secrets.token_bytes(SECRET_SIZE)
    form = form or ReceiptForm(secret)
    return secret, commitment(commitment_salt(secret), form.document(receipt, issuer, items))


def expected_commitment(
    entry: LedgerEntry,
    form: ReceiptForm | None,
    receipt: Receipt,
    issuer: Issuer,
    items: list[LineItem],
) -> str:
    """The commitment ``entry``'s statement must carry if the stored receipt is unchanged."""
    secret = stored_secret(entry.salt)
    if is_legacy_secret(secret):
        return commitment(secret, ReceiptForm(None).document(receipt, issuer, items))
    key = form.key if form is not None and form.key is not None else secret
    return commitment(commitment_salt(secret), ReceiptForm(key).document(receipt, issuer, items))
