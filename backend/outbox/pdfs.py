"""The relay's PDF source in the app: the documents service's signed receipt PDF, and the
receipt's accounting data beside it."""

from __future__ import annotations

import uuid

from backend.accounting.voucher import FILE_NAME as ACCOUNTING_FILE
from backend.accounting.voucher import MEDIA_TYPE as XML_MEDIA_TYPE
from backend.documents.services import DocumentService
from backend.outbox.composer import Attachment, ReceiptFiles
from backend.receipts.models import Receipt


class DocumentPdfs:
    """``ReceiptPdfSource`` over ``DocumentService``: the same signed PDF (with its ledger proof
    once anchored) that the receipt's download serves, rendered once and kept."""

    def __init__(self, documents: DocumentService) -> None:
        self._documents = documents

    async def receipt_pdf(self, receipt_id: uuid.UUID) -> ReceiptFiles:
        """File name and bytes of the receipt's signed PDF, then ``receipt.xml``: the public
        copy of its accounting data, the bytes the PDF embeds and ``/s/{token}/receipt.xml``
        serves (masked, since a mailbox may be anyone's)."""
        receipt = await Receipt.get(id=receipt_id).select_related("issuer")
        pdf, xml = await self._documents.receipt_files(receipt.issuer, receipt_id)
        return pdf.filename, pdf.pdf, Attachment(ACCOUNTING_FILE, xml.xml, XML_MEDIA_TYPE)
