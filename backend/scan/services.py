"""Scan-to-open: a receipt found by the token in its QR code, shown with personal data masked.

Opens are counted in memory and written to the receipt's event trail by ``flush_opens`` (the
app calls it every second and at shutdown), one ``opened`` event per receipt and flush with
the number of opens, so a busy page costs no write per request.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from backend.receipts.models import ReceiptEvent
from backend.receipts.money import format_fen, to_capitals
from backend.receipts.schemas import china_time
from backend.receipts.services import Clock, LoadedReceipt, ReceiptService
from backend.scan.errors import UnknownScanToken
from backend.scan.masking import mask_id_number, mask_name
from backend.scan.ratelimit import UnknownTokenLimiter

VISIT_TYPES = {"outpatient": "门诊", "inpatient": "住院"}


class ScanService:
    def __init__(
        self, *, receipts: ReceiptService, limiter: UnknownTokenLimiter, clock: Clock
    ) -> None:
        self._receipts = receipts
        self._limiter = limiter
        self._clock = clock
        self._opens: Counter[uuid.UUID] = Counter()
        self._first_open: dict[uuid.UUID, datetime] = {}

    async def find(self, token: str, *, client: str, count_open: bool = True) -> LoadedReceipt:
        """The receipt ``token`` opens, for ``client`` (its address).

        Unknown and revoked tokens raise ``UnknownScanToken`` and count against the client;
        a client with too many is slowed, then refused (``TooManyUnknownTokens``).
        """
        delay = self._limiter.admit(client)
        if delay:
            await asyncio.sleep(delay)
        loaded = await self._receipts.by_scan_token(token) if _plausible(token) else None
        if loaded is None:
            self._limiter.failed(client)
            raise UnknownScanToken("no receipt opens with this code")
        if count_open:
            receipt_id = loaded.receipt.id
            self._opens[receipt_id] += 1
            self._first_open.setdefault(receipt_id, self._clock())
        return loaded

    async def flush_opens(self) -> int:
        """Write the opens counted so far to the event trail; returns the receipts touched."""
        opens, self._opens = self._opens, Counter()
        first, self._first_open = self._first_open, {}
        if opens:
            await ReceiptEvent.bulk_create(
                [
                    ReceiptEvent(
                        receipt_id=receipt_id,
                        type="opened",
                        at=first[receipt_id],
                        detail={"times": str(times)},
                    )
                    for receipt_id, times in opens.items()
                ]
            )
        return len(opens)


def _plausible(token: str) -> bool:
    # Anything that is not 32 URL-safe characters cannot be a token: no query needed.
    return len(token) == 32 and token.replace("-", "").replace("_", "").isalnum()


def scan_view(loaded: LoadedReceipt, *, token: str) -> dict[str, Any]:
    """What anyone holding the QR code may see: personal data masked, links to the rest."""
    receipt, issuer = loaded.receipt, loaded.receipt.issuer
    base = f"/s/{token}"
    return {
        "receipt": {
            "kind": str(receipt.kind),
            "code": receipt.code,
            "number": receipt.number,
            "issued_at": china_time(receipt.issued_at),
            "status": str(receipt.status),
            "issuer": {"name": issuer.name},
            "payer": {
                "name": mask_name(receipt.payer_name),
                "id_number": mask_id_number(receipt.payer_id_number),
            },
            "visit": {
                "type": VISIT_TYPES.get(str(receipt.visit_type)),
                "department": receipt.department,
                "date": receipt.visit_start.isoformat() if receipt.visit_start else None,
            },
            "items": [
                {
                    "category": i.category,
                    "name": i.name,
                    "quantity": i.quantity,
                    "unit": i.unit,
                    "amount": format_fen(i.amount_fen),
                }
                for i in sorted(loaded.items, key=lambda item: item.position)
            ],
            "payment": {
                "fund": format_fen(receipt.fund_fen),
                "other": format_fen(receipt.other_fen),
                "account": format_fen(receipt.account_fen),
                "cash": format_fen(receipt.cash_fen),
            },
            "total": format_fen(receipt.total_fen),
            "total_in_capitals": to_capitals(receipt.total_fen),
            "reverses": (
                {"code": loaded.reverses.code, "number": loaded.reverses.number}
                if loaded.reverses
                else None
            ),
            "reversed": loaded.reversed_by is not None,
        },
        "ledger": {"state": loaded.ledger.state, "leaf_index": loaded.ledger.leaf_index},
        "links": {"pdf": f"{base}/receipt.pdf", "proof": f"{base}/proof", "email": f"{base}/email"},
    }
