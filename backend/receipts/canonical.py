"""A stored receipt's canonical document, in both forms (see ``chain.receipt.canonical``).

The document format, its commitments and the statement format live in ``chain.receipt``, which
the offline verifier uses too; here is only the reading of a receipt's rows into it, and the
:class:`ReceiptDocument` the ledger (``backend.anchoring``) commits to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from backend.issuers.models import Issuer
from backend.receipts.models import LineItem, Receipt
from chain.receipt import canonical


def personal_values(receipt: Receipt) -> dict[str, str | None]:
    """The receipt's personal fields by path (see ``PERSONAL_FIELDS``); ``None`` when empty."""
    return {
        "payer.name": receipt.payer_name,
        "payer.id_number": receipt.payer_id_number,
        "payer.email": receipt.payer_email,
        "payer.phone": receipt.payer_phone,
        "visit.number": receipt.visit_number,
    }


def receipt_document(
    receipt: Receipt, issuer: Issuer, items: list[LineItem], *, key: bytes
) -> dict[str, Any]:
    """The version-2 document: personal fields as commitments under the receipt ``key``."""
    return canonical.commit_personal_fields(
        legacy_receipt_document(receipt, issuer, items), personal_values(receipt), key=key
    )


def openings(receipt: Receipt, *, key: bytes) -> dict[str, dict[str, str | None]]:
    """What opens each personal field of the version-2 document: the value and its salt
    (base64). For whoever already holds the receipt's data: never for a public bundle."""
    return canonical.openings(personal_values(receipt), key=key)


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


@dataclass(frozen=True, slots=True)
class ReceiptDocument:
    """A stored receipt as the ledger commits to it (``anchoring.commitments.Committable``).

    ``items`` are the receipt's line items; the document orders them by position.
    """

    receipt: Receipt
    issuer: Issuer
    items: list[LineItem]

    @property
    def receipt_id(self) -> uuid.UUID:
        return self.receipt.id

    @property
    def credit_code(self) -> str:
        return self.issuer.credit_code

    @property
    def code(self) -> str:
        return self.receipt.code

    @property
    def number(self) -> str:
        return self.receipt.number

    def document(self, key: bytes | None) -> bytes:
        """The canonical bytes: version 2 under ``key``, the first form when ``None``."""
        if key is None:
            return canonical.canonical_json(
                legacy_receipt_document(self.receipt, self.issuer, self.items)
            )
        return canonical.canonical_json(
            receipt_document(self.receipt, self.issuer, self.items, key=key)
        )

    def openings(self, key: bytes) -> dict[str, dict[str, str | None]]:
        return openings(self.receipt, key=key)
