"""A ``Sheet`` that draws into an OFD (GB/T 33190-2016) page tree instead of a PDF canvas.

The layouts (``medical.draw_medical``) drive it exactly as they drive the PDF ``Sheet``: the
primitives it overrides (text, lines, boxes, images, QR codes, the watermark, page breaks) turn
into OFD ``TextObject``, ``PathObject`` and ``ImageObject`` elements at the same millimetre
positions. OFD measures in millimetres from the top-left corner, as the layouts do, so no
coordinate is converted; font sizes are points in the layouts and millimetres in OFD.

Guarantees:

* Text is split into the same font runs as in the PDF (``FontSet.runs``); each run is one
  ``TextObject`` whose glyph advances (``DeltaX``) are reportlab's widths of the same font, so
  a character sits where it sits in the PDF, and the characters are in ``TextCode`` as text
  (they copy out whole, non-BMP ones included).
* Every object gets a document-wide unique ID; ``max_id`` is the largest given out.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics

from backend.documents.drawing import INK, LINE, MM, RED, Sheet
from backend.documents.fonts import Anchor, FontSet
from backend.documents.qr import qr_matrix

NS = "http://www.ofdspec.org/2016"
POINT_MM = 25.4 / 72  # a point in millimetres
_BOLD_STROKE = 0.035  # as ``fonts._BOLD_STROKE``: faux bold, a fraction of the size
_ASCENT = 1.0  # the box of a text object reaches this many ems above its baseline …
_DESCENT = 0.3  # … and this many below
ET.register_namespace("ofd", NS)


def tag(name: str) -> str:
    """``name`` in the OFD namespace, as ElementTree spells it."""
    return f"{{{NS}}}{name}"


def number(value: float) -> str:
    """A length as OFD writes it: at most three decimals, no trailing zeros (``12.5``)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def numbers(*values: float) -> str:
    return " ".join(number(value) for value in values)


def _rgb(color: Color) -> str:
    return " ".join(str(round(channel * 255)) for channel in (color.red, color.green, color.blue))


@dataclass
class EmbeddedImage:
    """A PNG used on the pages: its resource ID and its bytes."""

    id: int
    png: bytes


@dataclass
class OfdFont:
    """A font used on the pages: its resource ID and the characters drawn with it."""

    id: int
    name: str  # the FontSet name (its ``FontSpec``)
    characters: set[str] = field(default_factory=set)


class OfdSheet(Sheet):
    """One OFD document being drawn, one list of page objects per page."""

    def __init__(self, fonts: FontSet, width_mm: float, height_mm: float) -> None:
        # No reportlab canvas: every primitive that would touch one is overridden below.
        self.fonts = fonts
        self.width = width_mm
        self.height = height_mm
        self.pages: list[list[ET.Element]] = []
        self.used_fonts: dict[str, OfdFont] = {}
        self.images: dict[bytes, EmbeddedImage] = {}
        self.max_id = 0
        self._page: list[ET.Element] = []

    def new_id(self) -> int:
        """The next unused object ID of the document."""
        self.max_id += 1
        return self.max_id

    def next_page(self) -> None:
        self.pages.append(self._page)
        self._page = []

    def _font(self, name: str) -> OfdFont:
        font = self.used_fonts.get(name)
        if font is None:
            font = self.used_fonts[name] = OfdFont(self.new_id(), name)
        return font

    def _element(self, name: str, boundary: tuple[float, float, float, float]) -> ET.Element:
        element = ET.Element(tag(name), ID=str(self.new_id()), Boundary=numbers(*boundary))
        self._page.append(element)
        return element

    def draw_text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: float,
        *,
        anchor: Anchor = "left",
        bold: bool = False,
        color: Color = INK,
    ) -> float:
        runs = [
            (font, run, [pdfmetrics.stringWidth(char, font, size) / MM for char in run])
            for font, run in self.fonts.runs(text)
        ]
        width = sum(sum(advances) for _, _, advances in runs)
        if anchor == "centre":
            x -= width / 2
        elif anchor == "right":
            x -= width
        em = size * POINT_MM
        for font, run, advances in runs:
            run_width = sum(advances)
            element = self._element(
                "TextObject",
                (x, baseline - _ASCENT * em, max(run_width, 0.01), (_ASCENT + _DESCENT) * em),
            )
            self._text_body(
                element, font, run, advances, em, (0, _ASCENT * em), bold=bold, color=color
            )
            x += run_width
        return width

    def _text_body(
        self,
        element: ET.Element,
        font: str,
        run: str,
        advances: list[float],
        em: float,
        origin: tuple[float, float],
        *,
        bold: bool,
        color: Color,
    ) -> None:
        """Font, size, colours and the ``TextCode``, its baseline starting at ``origin`` (in
        the object's own coordinates)."""
        self._font(font).characters.update(run)
        element.set("Font", str(self._font(font).id))
        element.set("Size", number(em))
        if bold:  # the CJK faces have no bold weight: stroke the outlines, as the PDF does
            element.set("Stroke", "true")
            element.set("LineWidth", number(em * _BOLD_STROKE))
        ET.SubElement(element, tag("FillColor"), Value=_rgb(color))
        if bold:
            ET.SubElement(element, tag("StrokeColor"), Value=_rgb(color))
        code = ET.SubElement(element, tag("TextCode"), X=number(origin[0]), Y=number(origin[1]))
        if len(run) > 1:
            code.set("DeltaX", numbers(*advances[:-1]))
        code.text = run

    def line(
        self, x1: float, top1: float, x2: float, top2: float, *, width: float, color: Color
    ) -> None:
        self._path(
            f"M {numbers(x1, top1)} L {numbers(x2, top2)}",
            stroke=color,
            fill=None,
            line_width=width,
        )

    def box(
        self,
        x: float,
        top: float,
        width: float,
        height: float,
        *,
        stroke: Color | None = LINE,
        fill: Color | None = None,
        line_width: float = 0.25,
    ) -> None:
        self._path(
            _rectangle(x, top, width, height),
            stroke=stroke,
            fill=fill,
            line_width=line_width,
        )

    def _path(
        self,
        data: str,
        *,
        stroke: Color | None,
        fill: Color | None,
        line_width: float,
    ) -> None:
        """A ``PathObject`` of ``data`` (page coordinates), its boundary the whole page.

        A boundary hugging a rule would be 0 mm high and clip its stroke; the page is always
        big enough, and readers place the path by its coordinates.
        """
        element = self._element("PathObject", (0, 0, self.width, self.height))
        element.set("LineWidth", number(line_width * POINT_MM))
        element.set("Stroke", "true" if stroke is not None else "false")
        element.set("Fill", "true" if fill is not None else "false")
        if stroke is not None:
            ET.SubElement(element, tag("StrokeColor"), Value=_rgb(stroke))
        if fill is not None:
            ET.SubElement(element, tag("FillColor"), Value=_rgb(fill))
        ET.SubElement(element, tag("AbbreviatedData")).text = data

    def image(self, png: bytes, x: float, top: float, width: float, height: float) -> None:
        embedded = self.images.get(png)
        if embedded is None:
            embedded = self.images[png] = EmbeddedImage(self.new_id(), png)
        element = self._element("ImageObject", (x, top, width, height))
        element.set("CTM", numbers(width, 0, 0, height, 0, 0))
        element.set("ResourceID", str(embedded.id))

    def qr(self, text: str, x: float, top: float, size: float) -> None:
        """The code as vector squares from the same matrix as the PDF's (``qr.qr_matrix``)."""
        matrix = qr_matrix(text)
        module = size / len(matrix)
        self._path(_rectangle(x, top, size, size), stroke=None, fill=_WHITE, line_width=0)
        parts = []
        for row_index, row in enumerate(matrix):
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                parts.append(
                    _rectangle(
                        x + start * module,
                        top + row_index * module,
                        (column - start) * module,
                        module,
                    )
                )
        self._path(" ".join(parts), stroke=None, fill=_BLACK, line_width=0)

    def watermark(self, text: str, size: float, *, color: Color = RED, alpha: float = 0.09) -> None:
        width = self.measure(text, size)
        em = size * POINT_MM
        angle = math.radians(24)  # counter-clockwise on the page, as the PDF's rotate(24)
        cos, sin = math.cos(angle), math.sin(angle)
        element = self._element("TextObject", (0, 0, self.width, self.height))
        # y grows downwards in OFD, so a counter-clockwise turn is (cos, -sin, sin, cos).
        element.set("CTM", numbers(cos, -sin, sin, cos, self.width / 2, self.height / 2))
        element.set("Alpha", str(round(alpha * 255)))
        runs = self.fonts.runs(text)
        font, run = runs[0]  # the watermark is a word of one font (冲红)
        advances = [pdfmetrics.stringWidth(char, font, size) / MM for char in run]
        origin = (-width / 2, 0.35 * em)  # centred on the page's centre, as in the PDF
        self._text_body(element, font, run, advances, em, origin, bold=False, color=color)


_WHITE = Color(1, 1, 1)
_BLACK = Color(0, 0, 0)


def _rectangle(x: float, top: float, width: float, height: float) -> str:
    return (
        f"M {numbers(x, top)} L {numbers(x + width, top)} L {numbers(x + width, top + height)}"
        f" L {numbers(x, top + height)} C"
    )
