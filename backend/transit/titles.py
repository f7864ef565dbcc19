"""Which receipts are titled to a company (单位): the pages and emails that mask a payer's name
show a company's name whole, since a company name is no personal data."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from backend.transit.models import BuyerKind, TransitInvoice


async def company_buyers(receipt_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``receipt_ids`` that are transit invoices titled to a company; one query."""
    if not receipt_ids:
        return set()
    found = await TransitInvoice.filter(
        receipt_id__in=list(receipt_ids), buyer_kind=BuyerKind.COMPANY
    ).values_list("receipt_id", flat=True)
    return {uuid.UUID(str(receipt_id)) for receipt_id in found}
