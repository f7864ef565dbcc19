"""QR codes: PNG and SVG images, and drawing one onto a PDF page.

Guarantees: error correction level M (15 % of the code may be covered, e.g. by a stamp), the
smallest version that holds the text, a quiet zone of four modules, and black on white. The PDF
form is drawn as vector rectangles from the same matrix as the images, so it stays sharp at any
zoom and a 100 dpi render of a 25 mm code decodes with zbar (see tests/documents).
"""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks


def _code(text: str, box: int = 10) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box, border=QUIET_ZONE)
    code.add_data(text)
    code.make(fit=True)
    return code


@lru_cache(maxsize=256)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of the code for ``text``, quiet zone included; True is dark."""
    return tuple(tuple(row) for row in _code(text).get_matrix())


def qr_png(text: str, *, box: int = 10) -> bytes:
    """A black-on-white 1-bit PNG of the code for ``text``, ``box`` pixels per module."""
    image = _code(text, box).make_image()
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def qr_svg(text: str) -> bytes:
    """An SVG of the code for ``text`` (one path, sized in millimetres by the qrcode library)."""
    image = _code(text).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return bytes(image.to_string(encoding="unicode").encode("utf-8"))


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the code for ``text`` as a ``size``-point square with its lower-left corner at
    (``x``, ``y``), quiet zone included, in black on a white background."""
    matrix = qr_matrix(text)
    count = len(matrix)
    module = size / count
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            path.rect(x + start * module, top, (column - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
