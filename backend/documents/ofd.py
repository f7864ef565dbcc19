"""OFD copies (GB/T 33190-2016) of receipts, drawn by the PDF's own layout onto an ``OfdSheet``.

Medical receipts and their reversals only, for now: ``render_ofd`` refuses other documents
with ``TypeError`` (the service answers ``OfdNotAvailable`` before that).
"""

from __future__ import annotations

from datetime import date

from backend.documents.drawing import china_time
from backend.documents.fonts import FontSet
from backend.documents.medical import PAGE_HEIGHT, PAGE_WIDTH, draw_medical, medical_title
from backend.documents.model import MedicalReceiptDocument
from backend.documents.ofd_package import package
from backend.documents.ofd_sheet import OfdSheet


def render_ofd(document: MedicalReceiptDocument, fonts: FontSet) -> bytes:
    """The receipt as an OFD file: the same pages, positions and text as its PDF (unsigned:
    no OFD seal yet); the same document and fonts give the same bytes."""
    if not isinstance(document, MedicalReceiptDocument):
        raise TypeError(f"no OFD layout for {type(document).__name__}")
    sheet = OfdSheet(fonts, PAGE_WIDTH, PAGE_HEIGHT)
    draw_medical(sheet, document)
    issued = date.fromisoformat(china_time(document.issued_at)[:10])
    return package(sheet, title=medical_title(document), created=issued)
