"""Which document, and which salt, each ledger statement about a receipt commits to.

A receipt's statements all commit to one form of its document, the form of its issue
statement, which the length of that statement's stored secret tells: 16 bytes for the first
form (personal data in clear, the secret is the published salt itself), 32 bytes for version 2
(the published salt is derived from it, and the issue statement's secret is the receipt key the
field salts come from). See ``chain.receipt.canonical`` for both forms.

The ledger knows a receipt only as a :class:`Committable`: what its statements name and the
canonical bytes of its document in either form. The receipts domain builds it.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from backend import sealing
from backend.anchoring.models import LedgerEntry
from backend.events import EventType
from chain.receipt.canonical import (
    LEGACY_SALT_SIZE,
    SECRET_SIZE,
    commitment,
    commitment_salt,
    is_legacy_secret,
)


class Committable(Protocol):
    """A receipt as the ledger commits to it."""

    @property
    def receipt_id(self) -> uuid.UUID: ...

    @property
    def credit_code(self) -> str:
        """The issuer's 统一社会信用代码."""
        ...

    @property
    def code(self) -> str: ...

    @property
    def number(self) -> str: ...

    def document(self, key: bytes | None) -> bytes:
        """The canonical document bytes: version 2 under the receipt ``key``, the first form
        (personal data in clear) when ``key`` is ``None``."""
        ...

    def openings(self, key: bytes) -> dict[str, dict[str, str | None]]:
        """The value and field salt of every personal field of the version-2 document."""
        ...


@dataclass(frozen=True, slots=True)
class ReceiptForm:
    """How a receipt is committed: ``key`` is the version-2 receipt key, ``None`` for a
    receipt committed in the first form."""

    key: bytes | None

    @property
    def legacy(self) -> bool:
        return self.key is None

    def document(self, receipt: Committable) -> bytes:
        """The canonical document bytes the receipt's statements commit to."""
        return receipt.document(self.key)


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


def form_of(entries: Iterable[LedgerEntry]) -> ReceiptForm | None:
    """The form of the receipt these are the statements of; ``None`` without an issue
    statement (a receipt the ledger does not know)."""
    issued = next((e for e in entries if e.event == EventType.ISSUED), None)
    if issued is None:
        return None
    secret = stored_secret(issued.salt)
    return ReceiptForm(None if is_legacy_secret(secret) else secret)


def new_entry(form: ReceiptForm | None, receipt: Committable) -> tuple[bytes, str]:
    """A fresh stored secret for a new statement and the commitment the statement carries.

    ``form`` is the receipt's (``None`` for its issue statement, which starts a version-2
    receipt whose key is the secret returned).
    """
    if form is not None and form.legacy:
        salt = secrets.token_bytes(LEGACY_SALT_SIZE)
        return salt, commitment(salt, form.document(receipt))
    secret = secrets.token_bytes(SECRET_SIZE)
    form = form or ReceiptForm(secret)
    return secret, commitment(commitment_salt(secret), form.document(receipt))


def expected_commitment(entry: LedgerEntry, form: ReceiptForm | None, receipt: Committable) -> str:
    """The commitment ``entry``'s statement must carry if the stored receipt is unchanged."""
    secret = stored_secret(entry.salt)
    if is_legacy_secret(secret):
        return commitment(secret, ReceiptForm(None).document(receipt))
    key = form.key if form is not None and form.key is not None else secret
    return commitment(commitment_salt(secret), ReceiptForm(key).document(receipt))
