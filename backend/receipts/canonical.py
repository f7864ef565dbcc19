"""The canonical document of a receipt: the bytes its ledger commitment is computed over.

Only what never changes after issue is in it (not the status, which a reversal changes), in
canonical JSON: keys sorted, no insignificant whitespace, UTF-8, amounts in fen as integers.
Anyone holding the receipt's document and salt can recompute the commitment in the log.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from backend.issuers.models import Issuer
from backend.receipts.models import LineItem, Receipt


def canonical_json(value: Any) -> bytes:
    """Canonical JSON: sorted keys, compact separators, UTF-8 (RFC 8785 for our value types)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def receipt_document(receipt: Receipt, issuer: Issuer, items: list[LineItem]) -> dict[str, Any]:
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
