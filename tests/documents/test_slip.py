"""The 80 mm fee slip: fitted height, large QR that decodes from a 100 dpi render."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from backend.documents.fonts import FontSet
from backend.documents.slip import QR_SIZE, render_slip
from tests.documents.support import (
    RARE_NAME,
    decode_qr,
    fonts_of,
    ink_fraction,
    page_size_of,
    pages_of,
    render_page,
    slip,
    text_of,
    write,
)

POINTS_PER_MM = 72 / 25.4


def test_slip_is_80_mm_wide_one_page_and_scannable(fonts: FontSet, tmp_path: Path) -> None:
    pdf = write(tmp_path, "slip", render_slip(slip(), fonts))
    assert pages_of(pdf) == 1
    width, height = page_size_of(pdf)
    assert round(width / POINTS_PER_MM, 1) == 80.0
    assert 100 < height / POINTS_PER_MM < 160  # fitted to the content
    assert QR_SIZE >= 50
    text = text_of(pdf)
    for expected in (
        "广州市第一人民医院",
        "收费告知单",
        "张*",
        "149.10",
        "2026-11-27 10:00:00",
        "44060126-0000012345",
        "微信扫一扫",
        "查看电子票据",
    ):
        assert expected in text, expected
    assert all(f["emb"] == "yes" and f["uni"] == "yes" for f in fonts_of(pdf))
    png = render_page(pdf, dpi=100)
    assert ink_fraction(png) > 0.05
    assert decode_qr(png) == [slip().scan_url]
    with Image.open(png) as image:
        assert image.width == round(80 / 25.4 * 100)


def test_a_long_hospital_name_wraps_and_the_slip_grows(fonts: FontSet, tmp_path: Path) -> None:
    short = write(tmp_path, "short", render_slip(slip(), fonts))
    long_name = "中山大学孙逸仙纪念医院深汕中心医院（深圳市深汕特别合作区中心医院）"
    long = write(tmp_path, "long", render_slip(slip(hospital_name=long_name), fonts))
    assert page_size_of(long)[1] > page_size_of(short)[1]
    assert "".join(text_of(long).split()).count(long_name) == 1


def test_rare_patient_name(fonts: FontSet, tmp_path: Path) -> None:
    pdf = write(tmp_path, "rare", render_slip(slip(patient_masked=RARE_NAME[0] + "*"), fonts))
    assert RARE_NAME[0] + "*" in text_of(pdf)
