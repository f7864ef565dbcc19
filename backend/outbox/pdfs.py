"""The relay's PDF source in the app: the documents service's signed receipt PDF."""

from __future__ import annotations

import uuid

from backend.documents.services import DocumentService
from backend.receipts.models import Receipt


class DocumentPdfs:
    """``ReceiptPdfSource`` over ``DocumentService``: the same signed PDF (with its ledger proof
    once anchored) that the receipt's download serves, rendered once and kept."""

    def __init__(self, documents: DocumentService) -> None:
        self._documents = documents

    async def receipt_pdf(self, receipt_id: uuid.UUID) -> tuple[str, bytes]:
        """File name and bytes of the receipt's signed PDF."""
        receipt = await Receipt.get(id=receipt_id).select_related("issuer")
        rendered = await self._documents.receipt_pdf(receipt.issuer, receipt_id)
        return rendered.filename, rendered.pdf
