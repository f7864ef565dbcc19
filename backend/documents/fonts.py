"""The CJK fonts of the PDFs: loading, coverage, fallback runs, measuring and drawing.

Guarantees:

* Fonts are embedded TrueType subsets (never the unembedded STSong-Light CID font).
* ``FontSet.load()`` reads and registers each font file once per process (about 450 ms for the
  four default faces) and raises ``FontsMissing`` with one line naming the missing file and the
  Debian package that provides it.
* Text is split into runs by glyph coverage, the first font of the set that has a character
  winning: the sans faces first (WenQuanYi Micro Hei, then WenQuanYi Zen Hei of the same family,
  which has all of CJK Ext-A: 䶮), and only then the serif HanaMinA and HanaMinB, for what no
  sans face in Debian that reportlab can embed has (most of CJK Ext-B: 𠮷; Noto Sans CJK has
  them, but in CFF outlines, which reportlab cannot subset). A character no font has is drawn
  as ``SUBSTITUTE`` (□) and logged; it is never dropped silently, which is what reportlab does
  on its own.
* Characters outside the Basic Multilingual Plane (𠮷 U+20BB7) extract whole: the subset fonts
  write UTF-16 surrogate pairs in their ToUnicode CMaps (see ``SurrogateSafeTTFont``).

A ``FontSet`` is shared by every render of a process; reportlab keeps its per-document subset
state keyed by the document, so renders one after another are fine. Run concurrent renders in
separate processes (as the app does), not threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

logger = logging.getLogger(__name__)

SUBSTITUTE = "\u25a1"  # □ WHITE SQUARE, drawn for a character no font of the set has
# Characters drawn as a space: line breaks and tabs have no glyph, and a layout draws one line.
_AS_SPACE = frozenset("\t\n\r\v\f\u00a0\u3000")
_BOLD_STROKE = 0.035  # stroke width of faux bold, as a fraction of the font size (WQY has no bold)

Anchor = Literal["left", "centre", "right"]


class FontsMissing(RuntimeError):
    """A font file of the set is missing or unreadable; the message is one line saying which file
    and which Debian package to install."""


@dataclass(frozen=True)
class FontSpec:
    """One font file of a set: where it is, which face of a collection, and who provides it."""

    name: str  # the name reportlab registers it under
    path: Path
    package: str  # the Debian package that installs ``path``
    subfont_index: int = 0  # the face inside a .ttc collection


DEFAULT_FONTS: tuple[FontSpec, ...] = (
    FontSpec(
        "Piaojia-WQYMicroHei",
        Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        "fonts-wqy-microhei",
    ),
    FontSpec(
        "Piaojia-WQYZenHei",
        Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
        "fonts-wqy-zenhei",
    ),
    FontSpec(
        "Piaojia-HanaMinA",
        Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
        "fonts-hanazono",
    ),
    FontSpec(
        "Piaojia-HanaMinB",
        Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
        "fonts-hanazono",
    ),
)


def _to_unicode_cmap(font_name: str, subset: Sequence[int]) -> str:
    """The ToUnicode CMap of one 256-code subset, each destination in UTF-16BE.

    Same structure as reportlab's ``makeToUnicodeCMap``; the difference is that a code point
    above U+FFFF is written as its surrogate pair (U+20BB7 → ``<D842DFB7>``), as the PDF
    specification (ISO 32000-1 §9.10.3) asks, instead of the odd-length ``<20BB7>``.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({font_name})",
        f"/Ordering ({font_name})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{font_name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
    ]
    lines += [
        f"<{code:02X}> <{chr(point).encode('utf-16-be').hex().upper()}>"
        for code, point in enumerate(subset)
    ]
    lines += [
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


class SurrogateSafeTTFont(TTFont):  # type: ignore[misc]  # reportlab has no type hints
    """A reportlab ``TTFont`` whose subsets map non-BMP characters correctly in ToUnicode.

    reportlab 5.1 formats each ToUnicode destination with ``%04X``, so U+20BB7 (𠮷) becomes
    ``<20BB7>``; readers take the first four digits and extract ₻ (U+20BB). This subclass lets
    reportlab build the subset fonts as usual, then replaces the ToUnicode stream of each subset
    that holds a character above U+FFFF with one written by ``_to_unicode_cmap``. Subsets of BMP
    characters are left byte for byte as reportlab wrote them.
    """

    def addObjects(self, doc: Any) -> None:  # reportlab's name
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        # The names are fixed by now (a subset is only used after getSubsetInternalName).
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        font_dict = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            if max(subset, default=0) <= 0xFFFF:
                continue
            pdf_font = font_dict[name]
            reference = pdf_font.ToUnicode
            if not isinstance(reference, pdfdoc.PDFObjectReference):
                raise TypeError(f"reportlab changed: ToUnicode of {name} is {type(reference)}")
            stream = doc.idToObject[reference.name]
            stream.content = _to_unicode_cmap(pdf_font.BaseFont, subset)


_LOADED: dict[tuple[FontSpec, ...], FontSet] = {}
_LOAD_LOCK = threading.Lock()


def check_fonts(specs: Sequence[FontSpec] = DEFAULT_FONTS) -> None:
    """Raise ``FontsMissing`` if a font file of ``specs`` does not exist; cheap (no parsing)."""
    for spec in specs:
        if not spec.path.is_file():
            raise FontsMissing(
                f"font file {spec.path} is missing: install the Debian package {spec.package}"
                f" (apt-get install {spec.package})"
            )


class FontSet:
    """Fonts in order of preference; the first that has a character draws it."""

    def __init__(self, fonts: Sequence[tuple[FontSpec, TTFont]]) -> None:
        """Use ``FontSet.load``; this takes fonts that are already registered with reportlab."""
        if not fonts:
            raise ValueError("a FontSet needs at least one font")
        self.specs = tuple(spec for spec, _ in fonts)
        self._coverage = [(spec.name, font.face.charToGlyph) for spec, font in fonts]
        self.primary = self.specs[0].name
        self._font_of: dict[str, str | None] = {}  # character → font name, None if no font

    @classmethod
    def load(cls, specs: Sequence[FontSpec] = DEFAULT_FONTS) -> FontSet:
        """The font set of ``specs``, read and registered once per process.

        Raises ``FontsMissing`` (one line: the file and the package) if a file is missing or is
        not a TrueType font reportlab can read.
        """
        key = tuple(specs)
        with _LOAD_LOCK:
            loaded = _LOADED.get(key)
            if loaded is not None:
                return loaded
            check_fonts(key)
            fonts = []
            for spec in key:
                try:
                    font = SurrogateSafeTTFont(
                        spec.name, str(spec.path), subfontIndex=spec.subfont_index
                    )
                except Exception as exc:  # reportlab raises bare TTFError, struct.error, …
                    raise FontsMissing(
                        f"font file {spec.path} cannot be read ({exc}): reinstall the Debian"
                        f" package {spec.package}"
                    ) from exc
                pdfmetrics.registerFont(font)
                # reportlab registers one font object per face: a face registered earlier under
                # another name (as a plain TTFont) would be used instead, without the fix.
                registered = pdfmetrics.getFont(spec.name)
                if not isinstance(registered, SurrogateSafeTTFont):
                    raise RuntimeError(
                        f"the face of {spec.path} was registered with reportlab before"
                        f" FontSet.load() as {type(registered).__name__}; load the FontSet first"
                    )
                fonts.append((spec, registered))
            loaded = _LOADED[key] = cls(fonts)
            return loaded

    def font_for(self, char: str) -> str | None:
        """The name of the first font that has a glyph for ``char``, or None."""
        try:
            return self._font_of[char]
        except KeyError:
            point = ord(char)
            found = next((name for name, cmap in self._coverage if point in cmap), None)
            self._font_of[char] = found
            return found

    def font_file(self, font_name: str) -> FontSpec:
        """The spec of the font registered as ``font_name``."""
        return next(spec for spec in self.specs if spec.name == font_name)

    def missing(self, text: str) -> str:
        """The characters of ``text`` that no font of the set has, in order, each once.

        Call it to refuse a name before issuing rather than print □ on a receipt.
        """
        seen: dict[str, None] = {}
        for char in text:
            if char not in _AS_SPACE and self.font_for(char) is None:
                seen[char] = None
        return "".join(seen)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split ``text`` into ``(font name, text)`` runs that each font can draw entirely.

        Tabs, line breaks and no-break spaces become spaces. A character no font has becomes
        ``SUBSTITUTE`` (in the primary font) and is logged as a warning.
        """
        result: list[tuple[str, str]] = []
        current_font: str | None = None
        current: list[str] = []
        for char in text:
            drawn = " " if char in _AS_SPACE else char
            font = self.font_for(drawn)
            if font is None:
                logger.warning(
                    "no font has U+%04X %r; drawn as %s in %r", ord(char), char, SUBSTITUTE, text
                )
                drawn, font = SUBSTITUTE, self.font_for(SUBSTITUTE) or self.primary
            if font != current_font and current:
                assert current_font is not None
                result.append((current_font, "".join(current)))
                current = []
            current_font = font
            current.append(drawn)
        if current:
            assert current_font is not None
            result.append((current_font, "".join(current)))
        return result

    def width(self, text: str, size: float) -> float:
        """The advance width of ``text`` at ``size`` points, across its runs."""
        return float(sum(pdfmetrics.stringWidth(run, font, size) for font, run in self.runs(text)))

    def fit(self, text: str, size: float, max_width: float, *, min_size: float = 5.0) -> float:
        """The largest size ≤ ``size`` (down to ``min_size``) at which ``text`` fits the width."""
        width = self.width(text, size)
        if width <= max_width or width == 0:
            return size
        return max(min_size, size * max_width / width)

    def draw(
        self,
        canvas: Canvas,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        anchor: Anchor = "left",
        bold: bool = False,
    ) -> float:
        """Draw ``text`` with its baseline at ``y``, anchored at ``x``; return its width.

        The text is filled with the canvas's fill colour; ``bold`` also strokes the outlines
        with its stroke colour (faux bold: the CJK faces have no bold weight), so set both.
        The canvas's graphics state is left as it was.
        """
        runs = self.runs(text)
        width = float(sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs))
        if anchor == "centre":
            x -= width / 2
        elif anchor == "right":
            x -= width
        canvas.saveState()
        text_object = canvas.beginText(x, y)
        if bold:
            canvas.setLineWidth(size * _BOLD_STROKE)
            text_object.setTextRenderMode(2)
        for font, run in runs:
            text_object.setFont(font, size)
            text_object.textOut(run)
        canvas.drawText(text_object)
        canvas.restoreState()
        return width

    def wrap(self, text: str, size: float, max_width: float) -> list[str]:
        """Break ``text`` into lines no wider than ``max_width`` (CJK breaks anywhere; a Latin
        word is kept whole when it fits a line)."""
        lines: list[str] = []
        line = ""
        for char in text:
            candidate = line + char
            if not line or self.width(candidate, size) <= max_width:
                line = candidate
                continue
            # Keep a Latin/digit word together by moving it to the next line when it fits.
            head, _, tail = line.rpartition(" ")
            if head and char.isascii() and char != " " and tail.isascii():
                lines.append(head)
                line = tail + char
            else:
                lines.append(line.rstrip())
                line = char.lstrip()
        if line:
            lines.append(line)
        return lines
