"""A transit invoice as the PDF shows it: receipt + invoice detail + the trips it covers →
document.

For ``DocumentService``: it renders the result with ``backend.documents.transit.render_transit``.
The trips come from the trips themselves (``invoice_trips``), never from the line items' names.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend.chinatime import china_day
from backend.documents.model import LedgerBlock, Seal, TransitInvoiceDocument, TripLine
from backend.documents.sources import DocumentSource, Drawing
from backend.documents.transit import TRANSIT_LAYOUT
from backend.receipts.models import Receipt
from backend.receipts.numbering import receipt_label
from backend.receipts.services import LoadedReceipt
from backend.transit.invoices import ITEM_NAME
from backend.transit.models import BuyerKind, TransitInvoice, TransitInvoiceLine

TITLE = "电子发票（普通发票）"
BUYER_KINDS = {BuyerKind.PERSONAL: "个人", BuyerKind.COMPANY: "单位"}


async def invoice_trips(receipt: Receipt) -> tuple[TripLine, ...]:
    """The trips ``receipt`` covers, in the order of its lines, as they were imported (a trip
    is never edited); a red reversal covers the trips of the invoice it reverses."""
    covered = receipt.reverses_id or receipt.id  # type: ignore[attr-defined]
    lines = (
        await TransitInvoiceLine.filter(receipt_id=covered)
        .order_by("position")
        .select_related("trip")
    )
    return tuple(
        TripLine(
            day=china_day(line.trip.exit_at),
            entry_station=line.trip.entry_station,
            exit_station=line.trip.exit_station,
            fare_fen=line.trip.fare_fen,
        )
        for line in lines
    )


async def load_transit_document(
    loaded: LoadedReceipt,
    *,
    verify_url: str,
    ledger: LedgerBlock | None = None,
    reverses: tuple[str, str] | None = None,
) -> TransitInvoiceDocument:
    """The document of the transit invoice ``loaded`` (its issuer and staff loaded), its detail
    and trips read from the database; see ``invoice_document``."""
    receipt = loaded.receipt
    detail = await TransitInvoice.get(receipt_id=receipt.id)
    return invoice_document(
        receipt,
        detail,
        await invoice_trips(receipt),
        verify_url=verify_url,
        ledger=ledger,
        reverses=reverses,
    )


def invoice_document(
    receipt: Receipt,
    detail: TransitInvoice,
    trips: Sequence[TripLine],
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
        trips=tuple(trips),
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


async def _drawn(loaded: LoadedReceipt, drawing: Drawing) -> TransitInvoiceDocument:
    return await load_transit_document(
        loaded, verify_url=drawing.verify_url, ledger=drawing.ledger, reverses=drawing.reverses
    )


TRANSIT_SOURCE = DocumentSource(
    document=_drawn,
    filename=lambda receipt: f"电子发票-{receipt_label(receipt.code, receipt.number)}.pdf",
    layout=TRANSIT_LAYOUT,
)
"""How the documents service draws transit invoices (电子发票): registered by
``backend.services``, so documents never import transit."""
