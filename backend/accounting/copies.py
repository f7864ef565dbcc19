"""Which copy of a receipt's accounting data to make, from its document and its stored row."""

from __future__ import annotations

from backend.accounting.voucher import Personal, medical_xml, transit_xml
from backend.documents.model import MedicalReceiptDocument, TransitInvoiceDocument
from backend.receipts.models import Receipt


def accounting_xml(
    document: MedicalReceiptDocument | TransitInvoiceDocument, receipt: Receipt, *, public: bool
) -> bytes:
    """The XML of ``receipt`` drawn as ``document``: the public copy (masked, the one the PDF
    embeds) or the issuer's copy (the payer's data whole, read from the sealed row)."""
    status = str(receipt.status)
    if isinstance(document, TransitInvoiceDocument):
        return transit_xml(document, status=status, public=public)
    personal = None
    if not public:
        personal = Personal(
            id_number=receipt.payer_id_number,
            visit_number=receipt.visit_number,
            email=receipt.payer_email,
            phone=receipt.payer_phone,
        )
    return medical_xml(document, status=status, personal=personal)
