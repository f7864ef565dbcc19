"""What a transit invoice adds to its receipt in the rider's folder (given to the folder service,
which sits below transit, as its ``InvoiceLookup``)."""

from __future__ import annotations

from backend.folder.services import FolderInvoice
from backend.receipts.models import Receipt, ReceiptStatus
from backend.transit.models import BuyerKind, TransitInvoice
from backend.verify.claims import ReversalGuard


async def folder_invoice(receipt: Receipt) -> FolderInvoice | None:
    """The invoice detail of ``receipt`` for the folder, None when it is no transit invoice;
    its re-issue refusal is the error code ``TransitService.reissue`` would answer now."""
    detail = await TransitInvoice.get_or_none(receipt_id=receipt.id)
    if detail is None:
        return None
    return FolderInvoice(
        buyer_kind=str(detail.buyer_kind),
        buyer_is_company=detail.buyer_kind == BuyerKind.COMPANY,
        buyer_name=detail.buyer_name,
        buyer_tax_id=detail.buyer_tax_id,
        tax_rate=str(detail.tax_rate),
        net_fen=detail.net_fen,
        tax_fen=detail.tax_fen,
        reissue_refusal=await _reissue_refusal(receipt),
    )


async def _reissue_refusal(receipt: Receipt) -> str | None:
    # The page's hint only: Invoicing.reissue enforces the same rules in its transaction.
    if receipt.status != ReceiptStatus.VALID or receipt.reverses_id is not None:  # type: ignore[attr-defined]
        return "invoice_not_valid"
    refusal = await ReversalGuard().refusal(receipt.id)
    return None if refusal is None else refusal.code
