"""Drawing primitives shared by the layouts, in millimetres measured from the top of the page.

Layouts read top-down like the forms they copy, so a ``Sheet`` takes every position as
(x from the left edge, distance from the top edge) in millimetres and converts to reportlab's
bottom-up points. Text goes through the ``FontSet`` (fallback runs, □ for what no font has).
Nothing here knows a document kind.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Literal, TypeVar

from reportlab import rl_config
from reportlab.lib import units
from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from backend.chinatime import second_text
from backend.documents.fonts import Anchor, FontSet
from backend.documents.qr import draw_qr

MM: float = float(units.mm)  # points in a millimetre
BLACK = Color(0, 0, 0)
WHITE = Color(1, 1, 1)
INK = Color(0.12, 0.12, 0.14)
LINE = Color(0.42, 0.30, 0.22)  # the brown rules of Chinese receipt forms
MUTED = Color(0.40, 0.40, 0.42)
RED = Color(0.80, 0.10, 0.12)
HEADER_FILL = Color(0.96, 0.93, 0.88)
GROUP_FILL = Color(0.985, 0.97, 0.95)
ELLIPSIS = "…"
MIN_TEXT_SIZE = 5.5  # points: text is shrunk to fit a cell down to this, then cut with …

Align = Literal["left", "centre", "right"]
T = TypeVar("T")


def china_time(moment: datetime) -> str:
    """``2026-11-27 10:00:00`` in China time; a naive datetime is taken as China time already."""
    if moment.tzinfo is not None:
        return second_text(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def china_date(day: date) -> str:
    """``2026-11-27``."""
    return day.strftime("%Y-%m-%d")


def shown_fen(fen: int, *, negative: bool) -> int:
    """The amount as shown: on a reversal (``negative``) always ≤ 0, whatever sign it is stored
    with; otherwise as given."""
    return -abs(fen) if negative else fen


@lru_cache(maxsize=64)
def _image_reader(png: bytes) -> ImageReader:
    return ImageReader(io.BytesIO(png))


@dataclass(frozen=True)
class Column:
    """A table column: its heading, width in millimetres and the alignment of its cells."""

    title: str
    width: float
    align: Align = "left"


class Sheet:
    """One PDF being drawn, with top-down millimetre coordinates.

    Everything reaches the page through ``draw_text``, ``line``, ``box``, ``image``, ``qr``,
    ``watermark`` and ``next_page``; another backend (``ofd_sheet.OfdSheet``) overrides those
    and so draws the very same layout into another format.
    """

    def __init__(self, canvas: Canvas, fonts: FontSet, height_mm: float) -> None:
        self.canvas = canvas
        self.fonts = fonts
        self.height = height_mm

    def y(self, top: float) -> float:
        """reportlab's y (points, from the bottom) of a line ``top`` mm below the top edge."""
        return (self.height - top) * MM

    def measure(self, text: str, size: float) -> float:
        """The width of ``text`` at ``size`` points, in millimetres."""
        return float(self.fonts.width(text, size) / MM)

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: float,
        *,
        anchor: Anchor = "left",
        bold: bool = False,
        color: Color = INK,
        max_width: float | None = None,
    ) -> float:
        """Draw ``text`` with its baseline ``baseline`` mm from the top; return its width in mm.

        With ``max_width`` (mm) the text is shrunk to fit, down to ``MIN_TEXT_SIZE``, and cut
        with … past that.
        """
        if max_width is not None:
            limit = max_width * MM
            size = self.fonts.fit(text, size, limit, min_size=MIN_TEXT_SIZE)
            if self.fonts.width(text, size) > limit:
                while text and self.fonts.width(text + ELLIPSIS, size) > limit:
                    text = text[:-1]
                text += ELLIPSIS
        return self.draw_text(x, baseline, text, size, anchor=anchor, bold=bold, color=color)

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
        """The one place text reaches the page (as it is, no fitting); its width in mm."""
        self.canvas.setFillColor(color)
        self.canvas.setStrokeColor(color)
        width = self.fonts.draw(
            self.canvas, x * MM, self.y(baseline), text, size, anchor=anchor, bold=bold
        )
        return float(width / MM)

    def cell(
        self,
        x: float,
        top: float,
        width: float,
        height: float,
        text: str,
        size: float,
        *,
        align: Align = "left",
        bold: bool = False,
        color: Color = INK,
        padding: float = 1.2,
    ) -> None:
        """Draw ``text`` inside a box, vertically centred, shrunk or cut to fit its width."""
        baseline = top + height / 2 + size * 0.34 / MM  # CJK glyphs sit about 0.34 em above
        inner = width - 2 * padding
        if align == "left":
            anchor_x = x + padding
        elif align == "right":
            anchor_x = x + width - padding
        else:
            anchor_x = x + width / 2
        self.text(
            anchor_x, baseline, text, size, anchor=align, bold=bold, color=color, max_width=inner
        )

    def hline(
        self, x1: float, x2: float, top: float, *, width: float = 0.25, color: Color = LINE
    ) -> None:
        self.line(x1, top, x2, top, width=width, color=color)

    def vline(
        self, x: float, top1: float, top2: float, *, width: float = 0.25, color: Color = LINE
    ) -> None:
        self.line(x, top1, x, top2, width=width, color=color)

    def line(
        self, x1: float, top1: float, x2: float, top2: float, *, width: float, color: Color
    ) -> None:
        """A straight rule from (x1, top1) to (x2, top2), ``width`` points wide."""
        self.canvas.setStrokeColor(color)
        self.canvas.setLineWidth(width)
        self.canvas.line(x1 * MM, self.y(top1), x2 * MM, self.y(top2))

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
        if stroke is not None:
            self.canvas.setStrokeColor(stroke)
            self.canvas.setLineWidth(line_width)
        if fill is not None:
            self.canvas.setFillColor(fill)
        self.canvas.rect(
            x * MM,
            self.y(top + height),
            width * MM,
            height * MM,
            stroke=int(stroke is not None),
            fill=int(fill is not None),
        )

    def image(self, png: bytes, x: float, top: float, width: float, height: float) -> None:
        """Draw a PNG (with its transparency) into the box."""
        self.canvas.drawImage(
            _image_reader(png), x * MM, self.y(top + height), width * MM, height * MM, mask="auto"
        )

    def qr(self, text: str, x: float, top: float, size: float) -> None:
        """A QR code of ``text``, ``size`` mm square including its quiet zone."""
        draw_qr(self.canvas, text, x * MM, self.y(top + size), size * MM)

    def watermark(self, text: str, size: float, *, color: Color = RED, alpha: float = 0.09) -> None:
        """``text`` large, faint and diagonal across the middle of the page."""
        canvas = self.canvas
        width_mm = canvas._pagesize[0] / MM
        canvas.saveState()
        canvas.translate(width_mm / 2 * MM, self.y(self.height / 2))
        canvas.rotate(24)
        canvas.setFillColor(color)
        canvas.setFillAlpha(alpha)
        self.fonts.draw(canvas, 0, -size * 0.35, text, size, anchor="centre")
        canvas.restoreState()

    def next_page(self) -> None:
        """Close the page drawn so far; what is drawn next goes onto a new page."""
        self.canvas.showPage()

    def table_header(
        self, x: float, top: float, columns: Sequence[Column], height: float, size: float
    ) -> None:
        """The heading row of a table, shaded, with a rule under it."""
        total = sum(column.width for column in columns)
        self.box(x, top, total, height, stroke=None, fill=HEADER_FILL)
        for column in columns:
            self.cell(x, top, column.width, height, column.title, size, align="centre", bold=True)
            x += column.width

    def table_row(
        self,
        x: float,
        top: float,
        columns: Sequence[Column],
        cells: Sequence[str],
        height: float,
        size: float,
        *,
        bold: bool = False,
        color: Color = INK,
        fill: Color | None = None,
    ) -> None:
        """One row of a table; ``cells`` are aligned as their columns say."""
        if fill is not None:
            self.box(x, top, sum(c.width for c in columns), height, stroke=None, fill=fill)
        for column, value in zip(columns, cells, strict=True):
            if value:
                self.cell(
                    x,
                    top,
                    column.width,
                    height,
                    value,
                    size,
                    align=column.align,
                    bold=bold,
                    color=color,
                )
            x += column.width

    def grid(
        self,
        x: float,
        top: float,
        columns: Sequence[Column],
        height: float,
        rows: int,
        header: float,
    ) -> None:
        """The rules of a table: frame, heading rule, column rules (no rules between rows)."""
        total = sum(column.width for column in columns)
        bottom = top + header + height * rows
        self.box(x, top, total, bottom - top)
        self.hline(x, x + total, top + header)
        edge = x
        for column in columns[:-1]:
            edge += column.width
            self.vline(edge, top, bottom)


def paginate(rows: Sequence[T], per_page: int) -> list[list[T]]:
    """``rows`` cut into pages of ``per_page``; at least one (maybe empty) page."""
    if per_page < 1:
        raise ValueError("a page must hold at least one row")
    pages = [list(rows[start : start + per_page]) for start in range(0, len(rows), per_page)]
    return pages or [[]]


@contextmanager
def binary_streams() -> Iterator[None]:
    """Within the block, reportlab writes streams Flate-compressed only, without its default
    ASCII85 armour (pure Python here): PDFs about 15 % smaller and a page about 5 ms faster.

    ``rl_config.useA85`` is process-wide, so the block sets and restores it; renders run one at
    a time per process (see ``backend.documents.fonts``).
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def new_canvas(
    out: io.BytesIO, width_mm: float, height_mm: float, fonts: FontSet, title: str
) -> Canvas:
    """A canvas writing deterministic PDFs (invariant: fixed dates and document id), whose
    initial font is the primary CJK font so no unembedded Helvetica is listed."""
    canvas = Canvas(
        out,
        pagesize=(width_mm * MM, height_mm * MM),
        invariant=1,
        initialFontName=fonts.primary,
        pageCompression=1,
        lang="zh-CN",
    )
    canvas.setTitle(title)
    canvas.setCreator("Piaojia")
    canvas.setAuthor("Piaojia")
    return canvas
