"""The medical-fee fiscal e-receipt (医疗收费电子票据) and its red reversal (冲红), as PDF.

Page size: 241 × 140 mm, the continuous form (241 mm wide, cut in halves of 140 mm) that
hospital receipt printers use for paper medical receipts, so the PDF reads like the receipt
patients know; it prints 1:1 on an A4 sheet in landscape. Items run in two column groups, as
on the paper form; when they do not fit, they flow onto further pages that repeat the header
(so every page carries the code, number and QR), and the amounts, signature and seal close the
last page.

A document with ``reverses`` set is drawn as a reversal: title, tag and faint diagonal 冲红 in
red, the original's code and number and the reason under the title, and every amount negative.

All positions below are millimetres from the top-left corner of the page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import groupby

from backend.documents.drawing import (
    GROUP_FILL,
    INK,
    MUTED,
    RED,
    WHITE,
    Column,
    Sheet,
    binary_streams,
    china_date,
    china_time,
    new_canvas,
    paginate,
    shown_fen,
)
from backend.documents.fonts import FontSet
from backend.documents.ledger_note import plain_line, technical_line
from backend.documents.model import ItemLine, MedicalReceiptDocument
from backend.documents.seal import seal_png
from backend.receipts.money import format_fen, to_capitals

PAGE_WIDTH, PAGE_HEIGHT = 241.0, 140.0
LEFT, RIGHT = 10.0, 231.0
CONTENT_WIDTH = RIGHT - LEFT

# Header: QR at the top left, title in the middle, identifiers on the right.
QR_TOP, QR_SIZE = 6.5, 29.0
QR_CAPTION_BASELINE = 38.0
TITLE_BASELINE, TITLE_SIZE = 15.5, 15.5
TAG_SIZE = 9.0  # the red 冲红 tag after the title
REVERSAL_LINES = (24.5, 29.5)  # baselines of the original's code/number and of the reason
IDS_LABEL_X, IDS_VALUE_X = 174.0, 190.0
IDS_BASELINES = (12.0, 17.5, 23.0, 28.5)
IDS_SIZE = 8.5

# Payer and visit: two rows of label/value cells.
INFO_TOP, INFO_ROW_HEIGHT, INFO_SIZE, INFO_LABEL_SIZE = 40.0, 6.0, 8.5, 7.5

# Items: two column groups side by side.
TABLE_TOP = 53.0
TABLE_HEADER_HEIGHT, ROW_HEIGHT = 5.5, 4.6
ROWS_PER_COLUMN = 10
TABLE_SIZE, TABLE_HEADER_SIZE = 8.0, 8.0
ITEM_INDENT = "\u3000"  # an ideographic space before an item name under its category
HALF = CONTENT_WIDTH / 2
ITEM_COLUMNS = (
    Column("项目名称", HALF - 14 - 12 - 25, "left"),
    Column("数量", 14, "right"),
    Column("单位", 12, "centre"),
    Column("金额（元）", 25, "right"),
)

# Amounts: the insurance split, then the total in capitals and figures.
SPLIT_TOP, SPLIT_HEIGHT = 105.0, 6.5
TOTAL_TOP, TOTAL_HEIGHT = 111.5, 7.5
AMOUNT_SIZE, AMOUNT_LABEL_SIZE, TOTAL_SIZE = 8.5, 7.5, 10.0

# Signature line, the issuer's seal over its name, ledger line and page number at the foot.
CASHIER_BASELINE = 126.0
ISSUER_X, ISSUER_BASELINE = 150.0, 126.0
SEAL_CENTRE_TOP, SEAL_SIZE = 123.5, 27.0  # centred across the issuer's name
# The ledger: a plain line for every reader, the log's coordinates smaller under it.
LEDGER_BASELINE, LEDGER_SIZE, LEDGER_WIDTH = 131.8, 7.0, 136.0
FOOT_BASELINE, FOOT_SIZE, LOG_SIZE = 136.0, 6.5, 5.5


@dataclass(frozen=True)
class _Row:
    group: bool  # a category heading (with the category's subtotal) rather than an item
    cells: tuple[str, str, str, str]


def _rows(items: tuple[ItemLine, ...], negative: bool) -> list[_Row]:
    """Items grouped by category (in order of first appearance), each group led by a heading
    row carrying the category's subtotal."""
    order = {
        category: index
        for index, category in reversed(list(enumerate(item.category for item in items)))
    }
    ordered = sorted(items, key=lambda item: order[item.category])  # stable within a category
    rows = []
    for category, group in groupby(ordered, key=lambda item: item.category):
        lines = list(group)
        subtotal = shown_fen(sum(item.amount_fen for item in lines), negative=negative)
        rows.append(_Row(True, (category, "", "", format_fen(subtotal))))
        rows += [
            _Row(
                False,
                (
                    ITEM_INDENT + item.name,
                    item.quantity,
                    item.unit,
                    format_fen(shown_fen(item.amount_fen, negative=negative)),
                ),
            )
            for item in lines
        ]
    return rows


def _columns(rows: list[_Row]) -> list[list[_Row]]:
    """Fill columns of ``ROWS_PER_COLUMN``: no heading alone at a column's foot, and a column
    that starts inside a category repeats its heading, marked 续."""
    columns: list[list[_Row]] = []
    current: list[_Row] = []
    heading: _Row | None = None
    for row in rows:
        full = len(current) >= ROWS_PER_COLUMN
        if full or (row.group and len(current) == ROWS_PER_COLUMN - 1):
            columns.append(current)
            current = []
            if not row.group and heading is not None:
                current.append(_Row(True, (heading.cells[0] + "（续）", "", "", "")))
        if row.group:
            heading = row
        current.append(row)
    columns.append(current)
    return columns


def _header(sheet: Sheet, doc: MedicalReceiptDocument, negative: bool) -> None:
    accent = RED if negative else INK
    sheet.qr(doc.verify_url, LEFT - 2.0, QR_TOP, QR_SIZE)  # the quiet zone overhangs the margin
    sheet.text(
        LEFT - 2.0 + QR_SIZE / 2, QR_CAPTION_BASELINE, "扫码查验", 6.5, anchor="centre", color=MUTED
    )
    centre = (LEFT + QR_SIZE + IDS_LABEL_X) / 2
    title_width = sheet.text(
        centre,
        TITLE_BASELINE,
        doc.title,
        TITLE_SIZE,
        anchor="centre",
        bold=True,
        color=accent,
        max_width=IDS_LABEL_X - LEFT - QR_SIZE - 16,
    )
    rule_top = TITLE_BASELINE + 2.0
    sheet.hline(
        centre - title_width / 2, centre + title_width / 2, rule_top, width=0.5, color=accent
    )
    sheet.hline(
        centre - title_width / 2, centre + title_width / 2, rule_top + 0.9, width=0.25, color=accent
    )
    if negative:
        tag_x = centre + title_width / 2 + 2.0
        sheet.box(tag_x, TITLE_BASELINE - 5.0, 10.5, 6.0, stroke=None, fill=RED)
        sheet.cell(
            tag_x,
            TITLE_BASELINE - 5.0,
            10.5,
            6.0,
            "冲红",
            TAG_SIZE,
            align="centre",
            bold=True,
            color=WHITE,
        )
        code, number = doc.reverses or ("", "")
        sheet.text(
            centre,
            REVERSAL_LINES[0],
            f"原票据代码：{code}　原票据号码：{number}",
            8.5,
            anchor="centre",
            color=RED,
        )
        if doc.reversal_reason:
            sheet.text(
                centre,
                REVERSAL_LINES[1],
                f"冲红原因：{doc.reversal_reason}",
                8.5,
                anchor="centre",
                color=RED,
                max_width=IDS_LABEL_X - LEFT - QR_SIZE - 8,
            )
    identifiers = (
        ("票据代码", doc.code),
        ("票据号码", doc.number),
        ("校验码", doc.check_code),
        ("开票日期", china_time(doc.issued_at)),
    )
    for baseline, (label, value) in zip(IDS_BASELINES, identifiers, strict=True):
        sheet.text(IDS_LABEL_X, baseline, label + "：", IDS_SIZE, color=MUTED)
        sheet.text(IDS_VALUE_X, baseline, value, IDS_SIZE, max_width=RIGHT - IDS_VALUE_X)


def _info_rows(doc: MedicalReceiptDocument) -> tuple[tuple[tuple[str, str, float], ...], ...]:
    inpatient = doc.visit_type == "住院"
    dates = china_date(doc.visit_start)
    if doc.visit_end is not None and doc.visit_end != doc.visit_start:
        dates += f" 至 {china_date(doc.visit_end)}"
    return (
        (
            ("交款人", doc.payer_name, 38.0),
            ("证件号码", doc.payer_id_masked or "—", 55.0),
            ("收款单位", doc.issuer_name, 66.0),
            ("统一社会信用代码", doc.issuer_credit_code, CONTENT_WIDTH - 159.0),
        ),
        (
            ("就诊类型", doc.visit_type, 36.0),
            ("住院号" if inpatient else "门诊号", doc.visit_number, 54.0),
            ("科室", doc.department, 46.0),
            ("住院日期" if inpatient else "就诊日期", dates, CONTENT_WIDTH - 136.0),
        ),
    )


def _info(sheet: Sheet, doc: MedicalReceiptDocument) -> None:
    rows = _info_rows(doc)
    sheet.box(LEFT, INFO_TOP, CONTENT_WIDTH, INFO_ROW_HEIGHT * len(rows))
    for index, row in enumerate(rows):
        top = INFO_TOP + index * INFO_ROW_HEIGHT
        if index:
            sheet.hline(LEFT, RIGHT, top)
        x = LEFT
        for label, value, width in row:
            if x > LEFT:
                sheet.vline(x, top, top + INFO_ROW_HEIGHT)
            label_width = sheet.measure(label + "：", INFO_LABEL_SIZE) + 1.5
            sheet.cell(
                x, top, label_width, INFO_ROW_HEIGHT, label + "：", INFO_LABEL_SIZE, color=MUTED
            )
            sheet.cell(
                x + label_width - 1.2,
                top,
                width - label_width + 1.2,
                INFO_ROW_HEIGHT,
                value,
                INFO_SIZE,
            )
            x += width


def _items(sheet: Sheet, columns: list[list[_Row]]) -> None:
    height = TABLE_HEADER_HEIGHT + ROWS_PER_COLUMN * ROW_HEIGHT
    for half in range(2):
        x = LEFT + half * HALF
        sheet.table_header(x, TABLE_TOP, ITEM_COLUMNS, TABLE_HEADER_HEIGHT, TABLE_HEADER_SIZE)
        rows = columns[half] if half < len(columns) else []
        top = TABLE_TOP + TABLE_HEADER_HEIGHT
        for row in rows:
            sheet.table_row(
                x,
                top,
                ITEM_COLUMNS,
                row.cells,
                ROW_HEIGHT,
                TABLE_SIZE,
                bold=row.group,
                fill=GROUP_FILL if row.group else None,
            )
            top += ROW_HEIGHT
        sheet.grid(x, TABLE_TOP, ITEM_COLUMNS, ROW_HEIGHT, ROWS_PER_COLUMN, TABLE_HEADER_HEIGHT)
    sheet.vline(LEFT + HALF, TABLE_TOP, TABLE_TOP + height, width=0.8)


def _amounts(sheet: Sheet, doc: MedicalReceiptDocument, negative: bool) -> None:
    def money(fen: int) -> str:
        return format_fen(shown_fen(fen, negative=negative))

    split = (
        ("医保统筹基金支付", doc.fund_fen),
        ("其他支付", doc.other_fen),
        ("个人账户支付", doc.account_fen),
        ("个人现金支付", doc.cash_fen),
    )
    width = CONTENT_WIDTH / len(split)
    sheet.box(LEFT, SPLIT_TOP, CONTENT_WIDTH, SPLIT_HEIGHT + TOTAL_HEIGHT)
    for index, (label, fen) in enumerate(split):
        x = LEFT + index * width
        if index:
            sheet.vline(x, SPLIT_TOP, SPLIT_TOP + SPLIT_HEIGHT)
        sheet.cell(x, SPLIT_TOP, width, SPLIT_HEIGHT, label + "：", AMOUNT_LABEL_SIZE, color=MUTED)
        sheet.cell(x, SPLIT_TOP, width, SPLIT_HEIGHT, money(fen), AMOUNT_SIZE, align="right")
    sheet.hline(LEFT, RIGHT, TOTAL_TOP)
    total = shown_fen(doc.total_fen, negative=negative)
    accent = RED if negative else INK
    baseline = TOTAL_TOP + TOTAL_HEIGHT / 2 + 1.3
    x = LEFT + 1.2
    x += sheet.text(x, baseline, "合计（大写）", AMOUNT_LABEL_SIZE + 0.5, color=MUTED) + 1.5
    x += sheet.text(x, baseline, to_capitals(total), TOTAL_SIZE, bold=True, color=accent) + 8
    x += sheet.text(x, baseline, "（小写）", AMOUNT_LABEL_SIZE + 0.5, color=MUTED) + 1.0
    sheet.text(x, baseline, "¥" + format_fen(total), TOTAL_SIZE, bold=True, color=accent)


def _foot(sheet: Sheet, doc: MedicalReceiptDocument, page: int, pages: int, last: bool) -> None:
    if last:
        sheet.text(LEFT, CASHIER_BASELINE, f"收款人：{doc.cashier}", 8.5)
        name_x = ISSUER_X + sheet.text(
            ISSUER_X, ISSUER_BASELINE, "收款单位（章）：", 8.5, color=MUTED
        )
        name_width = sheet.text(
            name_x, ISSUER_BASELINE, doc.issuer_name, 8.5, max_width=RIGHT - name_x
        )
        seal_x = min(name_x + name_width / 2, RIGHT - SEAL_SIZE / 2) - SEAL_SIZE / 2
        sheet.image(
            seal_png(doc.seal, sheet.fonts),
            seal_x,
            SEAL_CENTRE_TOP - SEAL_SIZE / 2,
            SEAL_SIZE,
            SEAL_SIZE,
        )
    else:
        sheet.text(
            PAGE_WIDTH / 2, CASHIER_BASELINE, "（续下页）", 8.5, anchor="centre", color=MUTED
        )
    sheet.text(
        LEFT,
        LEDGER_BASELINE,
        plain_line(doc.ledger, doc.verify_url),
        LEDGER_SIZE,
        max_width=LEDGER_WIDTH,
    )
    if doc.ledger is not None:
        sheet.text(
            LEFT,
            FOOT_BASELINE,
            technical_line(doc.ledger),
            LOG_SIZE,
            color=MUTED,
            max_width=LEDGER_WIDTH,
        )
    sheet.text(
        RIGHT,
        FOOT_BASELINE,
        f"第 {page} 页 / 共 {pages} 页",
        FOOT_SIZE,
        anchor="right",
        color=MUTED,
    )


def render_medical(document: MedicalReceiptDocument, fonts: FontSet) -> bytes:
    """The receipt as PDF bytes; the same document and fonts give the same bytes."""
    with binary_streams():
        return _pdf(document, fonts)


def _pdf(document: MedicalReceiptDocument, fonts: FontSet) -> bytes:
    out = io.BytesIO()
    canvas = new_canvas(out, PAGE_WIDTH, PAGE_HEIGHT, fonts, medical_title(document))
    draw_medical(Sheet(canvas, fonts, PAGE_HEIGHT), document)
    canvas.save()
    return out.getvalue()


def medical_title(document: MedicalReceiptDocument) -> str:
    """The document title of the receipt's PDF and OFD copies."""
    return f"{document.title} {document.code}-{document.number}"


def draw_medical(sheet: Sheet, document: MedicalReceiptDocument) -> None:
    """Draw every page of the receipt onto ``sheet`` (a PDF or an OFD one), each closed with
    ``sheet.next_page()``."""
    negative = document.reverses is not None
    columns = _columns(_rows(document.items, negative))
    pages = paginate(columns, 2)
    for index, page_columns in enumerate(pages, start=1):
        last = index == len(pages)
        _header(sheet, document, negative)
        _info(sheet, document)
        _items(sheet, page_columns)
        if last:
            _amounts(sheet, document, negative)
        _foot(sheet, document, index, len(pages), last)
        if negative:
            sheet.watermark("冲红", 110.0)  # over everything, faint
        sheet.next_page()
