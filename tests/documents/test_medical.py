"""The medical receipt PDF, read back with poppler and zbar."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from backend.documents.fonts import FontSet
from backend.documents.medical import render_medical
from backend.documents.model import ItemLine
from tests.documents.support import (
    ITEMS,
    RARE_NAME,
    characters_by_font,
    decode_qr,
    fonts_of,
    ink_fraction,
    medical,
    page_size_of,
    pages_of,
    render_page,
    reversal,
    text_of,
    write,
)


@pytest.fixture(scope="module")
def receipt(fonts: FontSet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("medical"), "medical", render_medical(medical(), fonts))


def test_text_has_the_identifiers_amounts_and_people(receipt: Path) -> None:
    text = text_of(receipt)
    for expected in (
        "广东省医疗门诊收费票据（电子）",
        "44060126",
        "0000012345",
        "a1b2c3",
        "2026-11-27 10:00:05",  # 02:00:05 UTC, shown in China time
        "张三",
        "4401**********1234",
        "广州市第一人民医院",
        "12440100455350868X",
        "MZ20261127001",
        "149.10",
        "壹佰肆拾玖元壹角整",
        "医保统筹基金支付",
        "个人现金支付",
        "79.10",
        "收款人：李四",
        "第 1234 号 / 共 5678 条",
        "根哈希 1a2b3c4d5e6f",
    ):
        assert expected in text, expected
    for item in ITEMS:
        assert item.name in text
    assert "冲红" not in text


def test_items_are_grouped_by_category_with_subtotals(receipt: Path) -> None:
    lines = text_of(receipt).splitlines()
    western = next(i for i, line in enumerate(lines) if line.startswith("西药费"))
    assert "44.10" in lines[western]  # 25.60 + 18.50, the two 西药费 lines that were apart
    assert "阿莫西林胶囊" in lines[western + 1] and "布洛芬缓释胶囊" in lines[western + 2]


def test_fonts_are_embedded_unicode_subsets(receipt: Path) -> None:
    fonts = fonts_of(receipt)
    assert fonts, "no fonts listed"
    assert all((f["emb"], f["sub"], f["uni"]) == ("yes", "yes", "yes") for f in fonts), fonts
    assert not any("Helvetica" in f["name"] for f in fonts)


def test_page_renders_and_its_qr_gives_back_the_verify_url(receipt: Path) -> None:
    width, height = page_size_of(receipt)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (241, 140)
    png = render_page(receipt, dpi=100)
    assert ink_fraction(png) > 0.05
    assert decode_qr(png) == [medical().verify_url]


def test_a_rare_name_is_drawn_and_extracts_whole(fonts: FontSet, tmp_path: Path) -> None:
    pdf = write(tmp_path, "rare", render_medical(medical(payer_name=RARE_NAME), fonts))
    assert RARE_NAME in text_of(pdf)
    # Sans wherever a sans face has the character: 堃 in Micro Hei, 䶮 (Ext-A) in Zen Hei of
    # the same family; only 𠮷 (Ext-B), which no embeddable sans face has, in serif HanaMin.
    drawn = characters_by_font(pdf)
    assert "堃" in drawn["WenQuanYiMicroHei-0"]
    assert "䶮" in drawn["WenQuanYiZenHei-0"] and "䶮" not in drawn["HanaMinA"]
    assert drawn["HanaMinA"] == {"𠮷"}
    assert set(drawn) == {font["name"].split("+")[1] for font in fonts_of(pdf)}


def test_reversal_is_marked_and_negative(fonts: FontSet, tmp_path: Path) -> None:
    pdf = write(tmp_path, "reversal", render_medical(reversal(payer_name=RARE_NAME), fonts))
    text = text_of(pdf)
    assert "冲红" in text
    assert "原票据代码：44060126" in text
    assert "原票据号码：0000012345" in text
    assert "冲红原因：开票有误" in text
    assert "0000012399" in text
    assert "-149.10" in text
    assert "负壹佰肆拾玖元壹角整" in text
    assert "-25.60" in text and "-50.00" in text
    assert RARE_NAME in text
    assert not re.search(r"(?<![-\d.])149\.10", text)  # no positive total anywhere
    png = render_page(pdf, dpi=100)
    assert decode_qr(png) == [reversal().verify_url]


def test_reversal_amounts_are_negative_whichever_sign_they_are_stored_with(
    fonts: FontSet, tmp_path: Path
) -> None:
    stored_negative = reversal(
        items=tuple(ItemLine(i.category, i.name, i.quantity, i.unit, -i.amount_fen) for i in ITEMS),
        total_fen=-14910,
        fund_fen=-5000,
        account_fen=-2000,
        cash_fen=-7910,
    )
    assert text_of(write(tmp_path, "a", render_medical(stored_negative, fonts))) == text_of(
        write(tmp_path, "b", render_medical(reversal(), fonts))
    )


def test_sixty_items_flow_onto_more_pages(fonts: FontSet, tmp_path: Path) -> None:
    categories = ("西药费", "检查费", "化验费", "治疗费", "卫生材料费")
    items = tuple(
        ItemLine(categories[i % 5], f"项目{i:02d}号", "1", "次", 100 + i) for i in range(60)
    )
    document = medical(items=items, total_fen=sum(i.amount_fen for i in items))
    pdf = write(tmp_path, "sixty", render_medical(document, fonts))
    pages = pages_of(pdf)
    assert pages >= 2
    text = text_of(pdf)
    for item in items:
        assert text.count(item.name) == 1, item.name  # each item once, none cut off
    assert f"第 {pages} 页 / 共 {pages} 页" in text
    assert text.count("合计（大写）") == 1  # the total closes the last page only
    for page in range(1, pages + 1):
        png = render_page(pdf, page=page, dpi=100)
        assert ink_fraction(png) > 0.03
        assert decode_qr(png) == [document.verify_url]  # every page can be verified


def test_inpatient_visit_shows_the_stay(fonts: FontSet, tmp_path: Path) -> None:
    document = medical(visit_type="住院", visit_number="ZY2026001", visit_end=date(2026, 12, 3))
    text = text_of(write(tmp_path, "inpatient", render_medical(document, fonts)))
    assert "住院号" in text and "ZY2026001" in text
    assert "2026-11-27 至 2026-12-03" in text


def test_same_document_same_bytes(fonts: FontSet) -> None:
    assert render_medical(medical(), fonts) == render_medical(medical(), fonts)


def test_the_ledger_line_is_plain_chinese(receipt: Path, fonts: FontSet, tmp_path: Path) -> None:
    document = medical()
    lines = text_of(receipt).splitlines()
    plain = f"本票据已登记在公开账本，可扫码或访问 {document.verify_url} 核验"
    assert plain in lines
    # The log's coordinates stay on the page, on their own line after the plain one.
    technical = next(line for line in lines if line.startswith("账本记录："))
    assert lines.index(technical) > lines.index(plain)
    assert "piaojia.example.cn/ledger" in technical
    assert not any(jargon in line for line in lines for jargon in ("root ", "叶 ", "树 "))
    # Not yet in the ledger: how to check it, and no claim that it is recorded.
    pending = text_of(write(tmp_path, "pending", render_medical(medical(ledger=None), fonts)))
    assert f"可扫码或访问 {document.verify_url} 核验本票据真伪" in pending
    assert "已登记" not in pending and "账本记录" not in pending
