"""A transit invoice as the PDF shows it: receipt + line items + invoice detail → document.

For ``DocumentService``: it renders the result with ``backend.documents.transit.render_transit``.
"""

from __future__ import annotations

from datetime import date

from backend.documents.model import LedgerBlock, Seal, TransitInvoiceDocument, TripLine
from backend.receipts.models import LineItem, Receipt
from backend.transit.invoices import ITEM_NAME
from backend.transit.models import BuyerKind, TransitInvoice

TITLE = "电子发票（普通发票）"
BUYER_KINDS = {BuyerKind.PERSONAL: "个人", BuyerKind.COMPANY: "单位"}


def trip_line(item: LineItem) -> TripLine:
    """The trip a line item stands for; its name reads ``2026-11-27 体育西路→珠江新城``."""
    day, _, stations = item.name.partition(" ")
    entry, _, exit_ = stations.partition("→")
    return TripLine(
        day=date.fromisoformat(day),
        entry_station=entry,
        exit_station=exit_,
        fare_fen=abs(item.amount_fen),
    )


def transit_document(
    receipt: Receipt,
    items: list[LineItem],
    detail: TransitInvoice,
    *,
    verify_url: str,
    ledger: LedgerBlock | None = None,
    reverses: tuple[str, str] | None = None,
) -> TransitInvoiceDocument:
    """The document of one transit invoice (or its red reversal when ``reverses`` is set).

    ``receipt.issuer`` and ``receipt.staff`` must be loaded. A 数电票 shows its 20-digit 发票号码
    alone; an invoice issued before shows its 8-digit code and 10-digit number, the pair 查验
    asks for. A red 数电票 names its 红字发票信息确认单 (stored with its ``detail``).
    """
    issuer = receipt.issuer
    return TransitInvoiceDocument(
        title=TITLE,
        number=receipt.number,
        code=receipt.code,
        red_confirmation=detail.red_confirmation,
        check_code=receipt.check_code,
        issued_at=receipt.issued_at,
        seller_name=issuer.name,
        seller_credit_code=issuer.credit_code,
        buyer_kind=BUYER_KINDS[BuyerKind(detail.buyer_kind)],
        buyer_name=detail.buyer_name,
        buyer_tax_id=detail.buyer_tax_id,
        item_name=ITEM_NAME,
        trips=tuple(trip_line(i) for i in sorted(items, key=lambda item: item.position)),
        tax_rate_label=str(detail.tax_rate),
        net_fen=detail.net_fen,
        tax_fen=detail.tax_fen,
        total_fen=receipt.total_fen,
        drawer=receipt.staff.name,
        verify_url=verify_url,
        seal=Seal(issuer.name, caption="发票专用章"),
        ledger=ledger,
        reverses=reverses,
        reversal_reason=receipt.reversal_reason,
    )
