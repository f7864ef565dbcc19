"""The font set: fallback runs, substitution of what no font has, missing files, ToUnicode."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

from backend.documents.fonts import (
    DEFAULT_FONTS,
    SUBSTITUTE,
    FontSet,
    FontsMissing,
    FontSpec,
    _to_unicode_cmap,
    check_fonts,
)
from tests.documents.support import RARE_NAME, fonts_of, text_of, write

WQY, ZEN, HANA_A, HANA_B = (spec.name for spec in DEFAULT_FONTS)


def _pdf_of(fonts: FontSet, line: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, initialFontName=fonts.primary)
    fonts.draw(canvas, 72, 700, line, 14)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_runs_fall_back_by_coverage(fonts: FontSet) -> None:
    assert fonts.runs("交款人：𠮷䶮堃 张三") == [
        (WQY, "交款人："),
        (HANA_A, "𠮷"),  # Ext-B: no embeddable sans face has it
        (ZEN, "䶮"),  # Ext-A: the sans face of the same family
        (WQY, "堃 张三"),
    ]
    assert fonts.runs("") == []
    assert fonts.missing("张三 𠮷䶮堃喆") == ""


def test_a_character_no_font_has_is_drawn_as_a_visible_substitute_and_logged(
    fonts: FontSet, caplog: pytest.LogCaptureFixture
) -> None:
    private = "\U000f0000"  # Supplementary Private Use Area: in no font
    with caplog.at_level(logging.WARNING, logger="backend.documents.fonts"):
        runs = fonts.runs(f"张{private}三")
    assert runs == [(WQY, f"张{SUBSTITUTE}三")]
    assert "U+F0000" in caplog.text
    assert fonts.missing(f"张{private}三{private}") == private


def test_line_breaks_become_spaces(fonts: FontSet) -> None:
    assert fonts.runs("a\tb\nc") == [(WQY, "a b c")]


def test_width_adds_the_runs_up(fonts: FontSet) -> None:
    expected = pdfmetrics.stringWidth("张", WQY, 10) + pdfmetrics.stringWidth("䶮", ZEN, 10)
    assert fonts.width("张䶮", 10) == pytest.approx(expected)
    assert fonts.fit("张" * 10, 10, 50) == pytest.approx(5.0)


def test_wrap_keeps_lines_within_the_width(fonts: FontSet) -> None:
    lines = fonts.wrap("中山大学孙逸仙纪念医院深汕中心医院", 12, 100)
    assert "".join(lines) == "中山大学孙逸仙纪念医院深汕中心医院"
    assert len(lines) > 1
    assert all(fonts.width(line, 12) <= 100 for line in lines)


def test_load_is_once_per_process() -> None:
    assert FontSet.load() is FontSet.load()


def test_a_missing_font_file_is_one_line_naming_the_file_and_the_package(
    tmp_path: Path,
) -> None:
    absent = tmp_path / "wqy-microhei.ttc"
    specs = (FontSpec("Test-Absent", absent, "fonts-wqy-microhei"), *DEFAULT_FONTS[1:])
    with pytest.raises(FontsMissing) as caught:
        FontSet.load(specs)
    message = str(caught.value)
    assert "\n" not in message
    assert str(absent) in message
    assert "fonts-wqy-microhei" in message
    with pytest.raises(FontsMissing):
        check_fonts(specs)
    check_fonts()  # the machine's own fonts are there


def test_an_unreadable_font_file_is_one_line_too(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    with pytest.raises(FontsMissing) as caught:
        FontSet.load((FontSpec("Test-Broken", broken, "fonts-hanazono"),))
    assert "\n" not in str(caught.value)
    assert str(broken) in str(caught.value)


def test_rare_characters_extract_whole_and_every_font_is_an_embedded_unicode_subset(
    fonts: FontSet, tmp_path: Path
) -> None:
    pdf = write(tmp_path, "rare", _pdf_of(fonts, f"交款人：{RARE_NAME}喆"))
    assert f"交款人：{RARE_NAME}喆" in text_of(pdf)
    used = fonts_of(pdf)
    assert {font["name"].split("+")[1] for font in used} == {
        "WenQuanYiMicroHei-0",
        "WenQuanYiZenHei-0",
        "HanaMinA",
    }
    assert all((f["emb"], f["sub"], f["uni"]) == ("yes", "yes", "yes") for f in used)


def test_tounicode_destinations_are_utf16_surrogate_pairs() -> None:
    """Why ``SurrogateSafeTTFont`` exists: reportlab writes U+20BB7 as ``<20BB7>``, which
    readers cut to U+20BB (₻). If the first assertion fails, reportlab has fixed its ToUnicode
    CMaps and the subclass can go."""
    assert "<01> <20BB7>" in makeToUnicodeCMap("X", [0, 0x20BB7])
    ours = _to_unicode_cmap("X", [0, 0x20BB7, 0x5F20])
    assert "<01> <D842DFB7>" in ours
    assert "<02> <5F20>" in ours
