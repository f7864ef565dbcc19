"""The transit invoice PDF, read back with poppler and zbar."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.documents.fonts import FontSet
from backend.documents.transit import render_transit
from tests.documents.support import (
    RARE_NAME,
    decode_qr,
    fonts_of,
    ink_fraction,
    page_size_of,
    pages_of,
    render_page,
    text_of,
    transit,
    trips,
    write,
)


@pytest.fixture(scope="module")
def invoice(fonts: FontSet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("transit"), "transit", render_transit(transit(), fonts))


def test_text_has_the_invoice_fields(invoice: Path) -> None:
    text = text_of(invoice)
    document = transit()
    for expected in (
        "电子发票（普通发票）",
        "26442000000012345678",
        "8f3a2c",
        "2026年11月27日",
        "广州某某科技有限公司",
        "91440106MA5CXXXX1K",
        "广州地铁集团有限公司",
        "91440101190479478Y",
        "*运输服务*客运服务费",
        "9%",
        "33.03",  # 36.00 / 1.09
        "2.97",
        "36.00",
        "叁拾陆元整",
        "开票人：系统",
        "行程明细",
        "体育西路",
        "第 99 号 / 共 5678 条",
        f"本票据已登记在公开账本，可扫码或访问 {document.verify_url} 核验",
    ):
        assert expected in text, expected
    assert document.net_fen + document.tax_fen == document.total_fen == 3600
    assert "冲红" not in text


def test_fonts_page_and_qr(invoice: Path) -> None:
    fonts = fonts_of(invoice)
    assert fonts and all((f["emb"], f["sub"], f["uni"]) == ("yes",) * 3 for f in fonts)
    width, height = page_size_of(invoice)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 140)
    png = render_page(invoice, dpi=100)
    assert ink_fraction(png) > 0.05
    assert decode_qr(png) == [transit().verify_url]


def test_personal_title_with_a_rare_name(fonts: FontSet, tmp_path: Path) -> None:
    document = transit(buyer_kind="个人", buyer_name=RARE_NAME, buyer_tax_id=None)
    text = text_of(write(tmp_path, "personal", render_transit(document, fonts)))
    assert RARE_NAME in text
    assert "个人" in text


def test_exempt_invoice_shows_stars_for_tax(fonts: FontSet, tmp_path: Path) -> None:
    document = transit(tax_rate_label="免税", net_fen=3600, tax_fen=0)
    text = text_of(write(tmp_path, "exempt", render_transit(document, fonts)))
    assert "免税" in text and "***" in text


def test_reversal_is_marked_and_negative(fonts: FontSet, tmp_path: Path) -> None:
    document = transit(
        number="26442000000012399999",
        reverses=("", "26442000000012345678"),
        reversal_reason="开票有误",
    )
    pdf = write(tmp_path, "red", render_transit(document, fonts))
    text = text_of(pdf)
    assert "冲红" in text
    assert "26442000000012345678" in text and "26442000000012399999" in text
    assert "开票有误" in text
    assert "-36.00" in text and "-33.03" in text and "-2.97" in text
    assert "负叁拾陆元整" in text
    assert decode_qr(render_page(pdf, dpi=100)) == [document.verify_url]


def test_many_trips_flow_onto_more_pages(fonts: FontSet, tmp_path: Path) -> None:
    lines = trips(60)
    total = sum(trip.fare_fen for trip in lines)
    document = transit(trips=lines, net_fen=total, tax_fen=0, total_fen=total)
    pdf = write(tmp_path, "many", render_transit(document, fonts))
    pages = pages_of(pdf)
    assert pages >= 2
    text = text_of(pdf)
    listed = [line.split()[0] for line in text.splitlines() if " 2026-11-" in line]
    assert listed == [str(index) for index in range(1, 61)]  # every trip once, in order
    assert f"第 {pages} 页 / 共 {pages} 页" in text
    assert ink_fraction(render_page(pdf, page=pages, dpi=100)) > 0.03


def test_same_document_same_bytes(fonts: FontSet) -> None:
    assert render_transit(transit(), fonts) == render_transit(transit(), fonts)
