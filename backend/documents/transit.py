"""The metro fare e-invoice (电子发票（普通发票）, a 数电票) and its red reversal, as PDF.

The 数电票 layout (fields per GB/T 42965.1-2023), in its order: QR code, title, and top right
发票号码 and 开票日期 (an invoice from before 数电票 also shows its 发票代码); 购买方信息 and
销售方信息; the items (项目名称, 规格型号, 单位, 数量, 单价, 金额, 税率/征收率, 税额), 合计 and
价税合计（大写）（小写）; then Piaojia's trip list, 备注 and 开票人. 210 × 140 mm, the 数电票 PDF's
size (1:1 on half an A4 sheet); the invoice block is on every page, the trips flow on.

A 红字发票 (``reverses`` set): title, tag and a faint diagonal 冲红 in red, amounts and quantity
negative, and in 备注 the blue invoice's number and the 红字发票信息确认单编号, then the reason.

All positions below are millimetres from the top-left corner of the page.
"""

from __future__ import annotations

import io
from decimal import ROUND_HALF_EVEN, Decimal

from reportlab.lib.colors import Color

from backend.chinatime import china_day
from backend.documents.drawing import (
    GROUP_FILL,
    INK,
    LINE,
    MUTED,
    RED,
    WHITE,
    Column,
    Sheet,
    binary_streams,
    china_date,
    new_canvas,
    paginate,
    shown_fen,
)
from backend.documents.fonts import FontSet
from backend.documents.ledger_note import plain_line, technical_line
from backend.documents.model import TransitInvoiceDocument, TripLine
from backend.documents.seal import seal_png
from backend.receipts.money import format_fen, to_capitals

# Part of a stored transit PDF's version: a new layout renders stored invoices again.
TRANSIT_LAYOUT = "shudian-1"
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 140.0
LEFT, RIGHT = 10.0, 200.0
CONTENT_WIDTH = RIGHT - LEFT

# Header: QR at the top left, title in the middle, (code,) number and date on the right.
QR_TOP, QR_SIZE = 5.0, 28.0
TITLE_BASELINE, TITLE_SIZE = 15.0, 15.5
TAG_SIZE = 9.0
REVERSAL_BASELINE = 25.0
IDS_LABEL_X, IDS_VALUE_X = 143.0, 158.0
IDS_BASELINES = (12.0, 17.5, 23.0)
IDS_SIZE = 8.5

# Buyer and seller, side by side, each with a vertical caption strip.
PARTY_TOP, PARTY_HEIGHT, PARTY_STRIP = 34.0, 16.0, 6.0
PARTY_LINES = (5.6, 11.6)  # baselines inside the box
PARTY_SIZE, PARTY_LABEL_SIZE = 8.5, 7.5

# The service line, its sum and the total.
ITEM_TOP, ITEM_HEADER_HEIGHT, ITEM_ROW_HEIGHT, TOTAL_ROW_HEIGHT = 50.0, 5.5, 5.5, 7.0
ITEM_SIZE = 8.0
ITEM_COLUMNS = (
    Column("项目名称", 56, "left"),
    Column("规格型号", 16, "centre"),
    Column("单位", 10, "centre"),
    Column("数量", 12, "right"),
    Column("单价", 24, "right"),
    Column("金额", 26, "right"),
    Column("税率/征收率", 20, "centre"),
    Column("税额", 26, "right"),
)
UNIT_PRICE_PLACES = Decimal("0.00000001")  # 单价 without tax, to eight places as issued
TOTAL_SIZE = 10.0

# Trips: two column groups side by side.
TRIPS_TITLE_BASELINE = 77.5
TRIPS_TOP, TRIPS_HEADER_HEIGHT, TRIP_ROW_HEIGHT, TRIP_ROWS = 79.5, 5.0, 4.4, 6
TRIP_SIZE = 7.5
HALF = CONTENT_WIDTH / 2
STATION_WIDTH = (HALF - 9 - 21 - 19) / 2
TRIP_COLUMNS = (
    Column("序号", 9, "right"),
    Column("日期", 21, "centre"),
    Column("进站", STATION_WIDTH, "left"),
    Column("出站", STATION_WIDTH, "left"),
    Column("票价（元）", 19, "right"),
)

# 备注 box, then the drawer, ledger line and page number; the seal sits over the 备注 box.
NOTE_TOP, NOTE_HEIGHT, NOTE_STRIP = 112.0, 14.0, 6.0
NOTE_LINES = (4.6, 9.0, 12.8)
NOTE_SIZE = 7.5
DRAWER_BASELINE = 131.0
FOOT_BASELINE, FOOT_SIZE = 136.5, 6.5
LEDGER_SIZE, LEDGER_WIDTH = 7.0, 150.0  # the plain ledger line at the foot
SEAL_CENTRE_X, SEAL_CENTRE_TOP, SEAL_SIZE = 168.0, 121.0, 27.0


def _header(sheet: Sheet, doc: TransitInvoiceDocument, negative: bool) -> None:
    accent = RED if negative else INK
    sheet.qr(doc.verify_url, LEFT - 2.0, QR_TOP, QR_SIZE)
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
    for offset, width in ((2.0, 0.5), (2.9, 0.25)):
        sheet.hline(
            centre - title_width / 2,
            centre + title_width / 2,
            TITLE_BASELINE + offset,
            width=width,
            color=accent,
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
        sheet.text(
            centre,
            REVERSAL_BASELINE,
            "红字发票 · 对应蓝字发票号码：" + " ".join(filter(None, doc.reverses or ())),
            8.5,
            anchor="centre",
            color=RED,
            max_width=IDS_LABEL_X - LEFT - QR_SIZE - 6,
        )
    for baseline, (label, value) in zip(IDS_BASELINES, _identifiers(doc), strict=False):
        sheet.text(IDS_LABEL_X, baseline, label + "：", IDS_SIZE, color=MUTED)
        sheet.text(IDS_VALUE_X, baseline, value, IDS_SIZE, max_width=RIGHT - IDS_VALUE_X)


def _identifiers(doc: TransitInvoiceDocument) -> tuple[tuple[str, str], ...]:
    """Top right: 发票号码 and 开票日期 (年月日, China time); 发票代码 first where there is one."""
    day = china_day(doc.issued_at)
    issued = ("开票日期", f"{day.year:04d}年{day.month:02d}月{day.day:02d}日")
    if doc.code:
        return (("发票代码", doc.code), ("发票号码", doc.number), issued)
    return (("发票号码", doc.number), issued)


def _red_references(doc: TransitInvoiceDocument) -> str:
    """What 备注 of a 红字发票 names: the blue invoice and the 红字发票信息确认单."""
    code, number = doc.reverses or ("", "")
    # A blue invoice from before 数电票 is named by its code and number.
    blue = (
        f"被红冲蓝字发票代码：{code} 号码：{number}"
        if code
        else f"被红冲蓝字数电发票号码：{number}"
    )
    if doc.red_confirmation:
        blue += f" 红字发票信息确认单编号：{doc.red_confirmation}"
    return blue


def unit_price(net_fen: int, quantity: int) -> str:
    """单价 without tax: 金额 ÷ 数量 to eight places, trailing zeros dropped (two places kept)."""
    if quantity == 0:
        return ""
    price = Decimal(abs(net_fen)) / 100 / abs(quantity)
    text = format(price.quantize(UNIT_PRICE_PLACES, rounding=ROUND_HALF_EVEN), "f").rstrip("0")
    whole, _, places = text.partition(".")
    return f"{whole}.{places.ljust(2, '0')}"


def _strip(sheet: Sheet, x: float, top: float, height: float, caption: str) -> None:
    """A narrow caption column with its characters stacked vertically (购买方信息, 备注)."""
    sheet.vline(x + PARTY_STRIP, top, top + height)
    step = min(3.4, (height - 2.0) / len(caption))
    first = top + height / 2 - step * (len(caption) - 1) / 2 + 1.0
    for index, char in enumerate(caption):
        sheet.text(
            x + PARTY_STRIP / 2,
            first + index * step,
            char,
            PARTY_LABEL_SIZE,
            anchor="centre",
            color=MUTED,
        )


def _party(sheet: Sheet, x: float, caption: str, lines: tuple[tuple[str, str], ...]) -> None:
    width = CONTENT_WIDTH / 2
    sheet.box(x, PARTY_TOP, width, PARTY_HEIGHT)
    _strip(sheet, x, PARTY_TOP, PARTY_HEIGHT, caption)
    for baseline, (label, value) in zip(PARTY_LINES, lines, strict=False):
        text_x = x + PARTY_STRIP + 1.5
        text_x += sheet.text(
            text_x, PARTY_TOP + baseline, label + "：", PARTY_LABEL_SIZE, color=MUTED
        )
        sheet.text(
            text_x, PARTY_TOP + baseline, value, PARTY_SIZE, max_width=x + width - text_x - 1.2
        )


def _parties(sheet: Sheet, doc: TransitInvoiceDocument) -> None:
    buyer_id = doc.buyer_tax_id or "—"
    buyer_name = doc.buyer_name if doc.buyer_kind != "个人" else f"{doc.buyer_name}（个人）"
    _party(
        sheet,
        LEFT,
        "购买方信息",
        (
            ("名称", buyer_name),
            ("统一社会信用代码/纳税人识别号", buyer_id),
        ),
    )
    _party(
        sheet,
        LEFT + CONTENT_WIDTH / 2,
        "销售方信息",
        (
            ("名称", doc.seller_name),
            ("统一社会信用代码/纳税人识别号", doc.seller_credit_code),
        ),
    )


def _invoice_lines(sheet: Sheet, doc: TransitInvoiceDocument, negative: bool) -> None:
    net = format_fen(shown_fen(doc.net_fen, negative=negative))
    tax = format_fen(shown_fen(doc.tax_fen, negative=negative))
    total = shown_fen(doc.total_fen, negative=negative)
    tax_shown = "***" if doc.tax_rate_label == "免税" else tax
    sheet.table_header(LEFT, ITEM_TOP, ITEM_COLUMNS, ITEM_HEADER_HEIGHT, ITEM_SIZE)
    top = ITEM_TOP + ITEM_HEADER_HEIGHT
    quantity = str(-len(doc.trips) if negative else len(doc.trips))
    sheet.table_row(
        LEFT,
        top,
        ITEM_COLUMNS,
        (
            doc.item_name,
            "",
            "次",
            quantity,
            unit_price(doc.net_fen, len(doc.trips)),
            net,
            doc.tax_rate_label,
            tax_shown,
        ),
        ITEM_ROW_HEIGHT,
        ITEM_SIZE,
    )
    top += ITEM_ROW_HEIGHT
    sheet.table_row(
        LEFT,
        top,
        ITEM_COLUMNS,
        (
            "合　　计",
            "",
            "",
            "",
            "",
            "¥" + net,
            "",
            "¥" + tax_shown if tax_shown != "***" else "***",
        ),
        ITEM_ROW_HEIGHT,
        ITEM_SIZE,
        bold=True,
        fill=GROUP_FILL,
    )
    sheet.grid(LEFT, ITEM_TOP, ITEM_COLUMNS, ITEM_ROW_HEIGHT, 2, ITEM_HEADER_HEIGHT)
    top += ITEM_ROW_HEIGHT
    sheet.box(LEFT, top, CONTENT_WIDTH, TOTAL_ROW_HEIGHT)
    accent = RED if negative else INK
    baseline = top + TOTAL_ROW_HEIGHT / 2 + 1.3
    x = LEFT + 1.2
    x += sheet.text(x, baseline, "价税合计（大写）", ITEM_SIZE, color=MUTED) + 2
    sheet.text(x, baseline, to_capitals(total), TOTAL_SIZE, bold=True, color=accent)
    figures = "¥" + format_fen(total)
    figures_width = sheet.measure(figures, TOTAL_SIZE)
    sheet.text(RIGHT - 1.2, baseline, figures, TOTAL_SIZE, anchor="right", bold=True, color=accent)
    sheet.text(
        RIGHT - 2.2 - figures_width, baseline, "（小写）", ITEM_SIZE, anchor="right", color=MUTED
    )


def _trips(sheet: Sheet, trips: list[tuple[int, TripLine]], negative: bool, page: int) -> None:
    columns = TRIP_COLUMNS
    title = "行程明细" if page == 1 else "行程明细（续）"
    sheet.text(LEFT, TRIPS_TITLE_BASELINE, title, 8.0, bold=True, color=LINE)
    halves = paginate(trips, TRIP_ROWS)
    for half in range(2):
        x = LEFT + half * HALF
        sheet.table_header(x, TRIPS_TOP, columns, TRIPS_HEADER_HEIGHT, TRIP_SIZE)
        top = TRIPS_TOP + TRIPS_HEADER_HEIGHT
        for index, trip in halves[half] if half < len(halves) else []:
            fare = format_fen(shown_fen(trip.fare_fen, negative=negative))
            sheet.table_row(
                x,
                top,
                columns,
                (str(index), china_date(trip.day), trip.entry_station, trip.exit_station, fare),
                TRIP_ROW_HEIGHT,
                TRIP_SIZE,
            )
            top += TRIP_ROW_HEIGHT
        sheet.grid(x, TRIPS_TOP, columns, TRIP_ROW_HEIGHT, TRIP_ROWS, TRIPS_HEADER_HEIGHT)
    sheet.vline(
        LEFT + HALF,
        TRIPS_TOP,
        TRIPS_TOP + TRIPS_HEADER_HEIGHT + TRIP_ROWS * TRIP_ROW_HEIGHT,
        width=0.8,
    )


def _notes(sheet: Sheet, doc: TransitInvoiceDocument, negative: bool) -> None:
    sheet.box(LEFT, NOTE_TOP, CONTENT_WIDTH, NOTE_HEIGHT)
    _strip(sheet, LEFT, NOTE_TOP, NOTE_HEIGHT, "备注")
    lines: list[tuple[str, Color]] = []
    trips = f"行程 {len(doc.trips)} 次，购买方：{doc.buyer_kind}，查验校验码：{doc.check_code}"
    if negative:
        lines.append((_red_references(doc), RED))
        if doc.reversal_reason:
            trips = f"冲红原因：{doc.reversal_reason}；{trips}"
    lines.append((trips, INK))
    if doc.ledger is not None:
        lines.append((technical_line(doc.ledger), MUTED))
    x = LEFT + NOTE_STRIP + 1.5
    for baseline, (text, color) in zip(NOTE_LINES, lines, strict=False):
        sheet.text(
            x,
            NOTE_TOP + baseline,
            text,
            NOTE_SIZE,
            color=color,
            max_width=SEAL_CENTRE_X - SEAL_SIZE / 2 - x,
        )


def render_transit(document: TransitInvoiceDocument, fonts: FontSet) -> bytes:
    """The invoice as PDF bytes; the same document and fonts give the same bytes."""
    with binary_streams():
        return _pdf(document, fonts)


def _pdf(document: TransitInvoiceDocument, fonts: FontSet) -> bytes:
    negative = document.reverses is not None
    numbered = list(enumerate(document.trips, start=1))
    pages = paginate(numbered, 2 * TRIP_ROWS)
    out = io.BytesIO()
    canvas = new_canvas(out, PAGE_WIDTH, PAGE_HEIGHT, fonts, f"{document.title} {document.number}")
    sheet = Sheet(canvas, fonts, PAGE_HEIGHT)
    for page, trips in enumerate(pages, start=1):
        _header(sheet, document, negative)
        _parties(sheet, document)
        _invoice_lines(sheet, document, negative)
        _trips(sheet, trips, negative, page)
        _notes(sheet, document, negative)
        sheet.text(LEFT, DRAWER_BASELINE, f"开票人：{document.drawer}", 8.5)
        sheet.text(
            LEFT,
            FOOT_BASELINE,
            plain_line(document.ledger, document.verify_url),
            LEDGER_SIZE,
            max_width=LEDGER_WIDTH,
        )
        sheet.image(
            seal_png(document.seal, fonts),
            SEAL_CENTRE_X - SEAL_SIZE / 2,
            SEAL_CENTRE_TOP - SEAL_SIZE / 2,
            SEAL_SIZE,
            SEAL_SIZE,
        )
        sheet.text(
            RIGHT,
            FOOT_BASELINE,
            f"第 {page} 页 / 共 {len(pages)} 页",
            FOOT_SIZE,
            anchor="right",
            color=MUTED,
        )
        if negative:
            sheet.watermark("冲红", 100.0)  # over everything, faint
        canvas.showPage()
    canvas.save()
    return out.getvalue()
