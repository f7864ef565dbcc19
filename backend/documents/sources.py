"""Where a receipt's document comes from, one source per kind of receipt, and the data file
its PDF carries.

The documents service draws and signs; what a receipt of each kind shows is its source's
business. The medical source is built in; a domain above (transit) hands its own to the
service when the app is put together, so documents never import it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from backend.documents.model import (
    ItemLine,
    LedgerBlock,
    MedicalReceiptDocument,
    Seal,
    TransitInvoiceDocument,
)
from backend.documents.provinces import province_of
from backend.masking import mask_id_number
from backend.receipts.models import Receipt, VisitType
from backend.receipts.services import LoadedReceipt

ReceiptDocument = MedicalReceiptDocument | TransitInvoiceDocument
VISIT_NAMES = {VisitType.OUTPATIENT: "门诊", VisitType.INPATIENT: "住院"}


@dataclass(frozen=True, slots=True)
class Drawing:
    """What the documents service adds to every receipt's own data."""

    verify_url: str
    ledger: LedgerBlock | None
    reverses: tuple[str, str] | None


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """How receipts of one kind become a document and a PDF file name.

    ``layout`` is part of a stored PDF's version: changing it renders that kind's PDFs again.
    """

    document: Callable[[LoadedReceipt, Drawing], Awaitable[ReceiptDocument]]
    filename: Callable[[Receipt], str]
    layout: str = ""


class DataContent(Protocol):
    def __call__(self, document: ReceiptDocument, receipt: Receipt, *, public: bool) -> bytes:
        """The file's bytes for ``receipt`` drawn as ``document``: the public copy (the one
        the PDF embeds) or the issuer's copy."""
        ...


@dataclass(frozen=True, slots=True)
class DataFile:
    """The machine-readable copy of a receipt's content, an associated file (/Data) of its
    PDF under ``name`` (see ``backend.documents.associated``), also served on its own."""

    name: str
    content: DataContent


def medical_document(loaded: LoadedReceipt, drawing: Drawing) -> MedicalReceiptDocument:
    """The document of a medical receipt (or its reversal); ``issuer`` and ``staff`` loaded."""
    receipt, issuer = loaded.receipt, loaded.receipt.issuer
    visit = VISIT_NAMES.get(VisitType(receipt.visit_type or "outpatient"), "门诊")
    return MedicalReceiptDocument(
        title=f"{province_of(issuer.region)}医疗{visit}收费票据（电子）",
        code=receipt.code,
        number=receipt.number,
        check_code=receipt.check_code,
        issued_at=receipt.issued_at,
        issuer_name=issuer.name,
        issuer_credit_code=issuer.credit_code,
        payer_name=receipt.payer_name,
        payer_id_masked=mask_id_number(receipt.payer_id_number),
        visit_type=visit,
        visit_number=receipt.visit_number or "",
        department=receipt.department or "",
        visit_start=receipt.visit_start or receipt.issued_at.date(),
        visit_end=receipt.visit_end,
        items=tuple(
            ItemLine(i.category, i.name, i.quantity, i.unit, i.amount_fen)
            for i in sorted(loaded.items, key=lambda item: item.position)
        ),
        fund_fen=receipt.fund_fen,
        other_fen=receipt.other_fen,
        account_fen=receipt.account_fen,
        cash_fen=receipt.cash_fen,
        total_fen=receipt.total_fen,
        cashier=receipt.staff.name,
        verify_url=drawing.verify_url,
        seal=Seal(issuer.name),
        ledger=drawing.ledger,
        reverses=drawing.reverses,
        reversal_reason=receipt.reversal_reason,
    )


async def _medical(loaded: LoadedReceipt, drawing: Drawing) -> ReceiptDocument:
    return medical_document(loaded, drawing)


MEDICAL = DocumentSource(
    document=_medical,
    filename=lambda receipt: f"电子票据-{receipt.code}-{receipt.number}.pdf",
)
"""The built-in source of medical receipts (医疗收费票据)."""
