"""The fee slip (收费告知单) for an 80 mm thermal receipt printer, as PDF.

The page is 80 mm wide and as tall as its content. It shows the hospital, the masked patient,
the amount, the time and the receipt's code and number, and a large QR code (``QR_SIZE``, at
least 50 mm) of the scan URL that opens the e-receipt, with "微信扫一扫 查看电子票据" under it.
Everything is black on white: thermal printers have no grey or colour.

All positions below are millimetres from the top of the page or from its left edge.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import Color
from reportlab.lib.units import mm

from backend.documents.drawing import BLACK, Sheet, binary_streams, china_time, new_canvas
from backend.documents.fonts import Anchor, FontSet
from backend.documents.model import FeeSlipDocument
from backend.receipts.money import format_fen

PAGE_WIDTH = 80.0
MARGIN = 4.0  # thermal heads print about 72 mm of the 80 mm paper
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
CENTRE = PAGE_WIDTH / 2
TOP_MARGIN, BOTTOM_MARGIN = 5.0, 6.0

HOSPITAL_SIZE, HOSPITAL_LEADING = 12.0, 5.6
HEADING_SIZE, HEADING_GAP = 10.0, 6.0
FIELD_SIZE, FIELD_LEADING, LABEL_WIDTH = 9.0, 5.2, 13.0
AMOUNT_SIZE, AMOUNT_LEADING = 14.0, 7.0
RULE_GAP = 3.0  # space above and below a dashed rule
QR_SIZE = 56.0  # includes the quiet zone; ≥ 50 mm so a phone reads it at arm's length
SCAN_SIZE, SCAN_GAP = 10.5, 5.5
NOTE_SIZE, NOTE_GAP = 7.0, 4.2
NOTE = "请妥善保管本告知单，扫码可查看、下载或发送电子票据"


def _dashed_rule(sheet: Sheet, top: float) -> None:
    sheet.canvas.saveState()
    sheet.canvas.setDash(2, 2)
    sheet.hline(MARGIN, PAGE_WIDTH - MARGIN, top, width=0.4, color=BLACK)
    sheet.canvas.restoreState()


def _layout(doc: FeeSlipDocument, fonts: FontSet, sheet: Sheet | None) -> float:
    """Draw the slip on ``sheet`` (or only measure it, with None); return its height in mm."""

    def text(
        baseline: float,
        value: str,
        size: float,
        *,
        bold: bool = False,
        x: float = CENTRE,
        anchor: Anchor = "centre",
        color: Color = BLACK,
    ) -> None:
        if sheet is not None:
            sheet.text(
                x,
                baseline,
                value,
                size,
                anchor=anchor,
                bold=bold,
                color=color,
                max_width=PAGE_WIDTH - MARGIN - x if anchor == "left" else CONTENT_WIDTH,
            )

    top = TOP_MARGIN
    for line in fonts.wrap(doc.hospital_name, HOSPITAL_SIZE, (CONTENT_WIDTH - 2) * mm):
        top += HOSPITAL_LEADING
        text(top, line, HOSPITAL_SIZE, bold=True)
    top += HEADING_GAP
    text(top, "收费告知单", HEADING_SIZE, bold=True)
    top += RULE_GAP
    if sheet is not None:
        _dashed_rule(sheet, top)
    top += RULE_GAP

    fields = (
        ("患者", doc.patient_masked, FIELD_SIZE, FIELD_LEADING),
        ("金额", "¥" + format_fen(doc.amount_fen), AMOUNT_SIZE, AMOUNT_LEADING),
        ("时间", china_time(doc.issued_at), FIELD_SIZE, FIELD_LEADING),
        ("票据", f"{doc.code}-{doc.number}", FIELD_SIZE, FIELD_LEADING),
    )
    for label, value, size, leading in fields:
        top += leading
        text(top, label + "：", FIELD_SIZE, x=MARGIN, anchor="left")
        text(top, value, size, x=MARGIN + LABEL_WIDTH, anchor="left", bold=size > FIELD_SIZE)
    top += RULE_GAP
    if sheet is not None:
        _dashed_rule(sheet, top)
    top += 1.0

    if sheet is not None:
        sheet.qr(doc.scan_url, CENTRE - QR_SIZE / 2, top, QR_SIZE)
    top += QR_SIZE + SCAN_GAP - 1.0
    text(top, "微信扫一扫　查看电子票据", SCAN_SIZE, bold=True)
    for line in fonts.wrap(NOTE, NOTE_SIZE, CONTENT_WIDTH * mm):
        top += NOTE_GAP
        text(top, line, NOTE_SIZE)
    return top + BOTTOM_MARGIN


def render_slip(document: FeeSlipDocument, fonts: FontSet) -> bytes:
    """The slip as a one-page PDF 80 mm wide; the same document and fonts give the same bytes."""
    with binary_streams():
        return _pdf(document, fonts)


def _pdf(document: FeeSlipDocument, fonts: FontSet) -> bytes:
    height = _layout(document, fonts, None)
    out = io.BytesIO()
    canvas = new_canvas(
        out, PAGE_WIDTH, height, fonts, f"收费告知单 {document.code}-{document.number}"
    )
    _layout(document, fonts, Sheet(canvas, fonts, height))
    canvas.showPage()
    canvas.save()
    return out.getvalue()
