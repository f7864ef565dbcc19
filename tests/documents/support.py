"""Sample documents and the real tools (poppler, zbar) that the document tests read PDFs with."""

from __future__ import annotations

import re
import subprocess
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image
from starlette.applications import Starlette

from backend.chinatime import CHINA_STANDARD_TIME
from backend.documents.model import (
    FeeSlipDocument,
    ItemLine,
    LedgerBlock,
    MedicalReceiptDocument,
    Seal,
    TransitInvoiceDocument,
    TripLine,
)
from backend.documents.pki import DeploymentCA

CHINA = CHINA_STANDARD_TIME
RARE_NAME = "𠮷䶮堃"  # Ext-B, Ext-A and a BMP character WenQuanYi has: three fonts' worth
ROOT_HASH = bytes.fromhex("1a2b3c4d5e6f" * 5 + "0a0b")

ITEMS = (
    ItemLine("西药费", "阿莫西林胶囊", "2", "盒", 2560),
    ItemLine("检查费", "血常规", "1", "次", 6000),
    ItemLine("西药费", "布洛芬缓释胶囊", "1", "盒", 1850),
    ItemLine("诊察费", "普通门诊诊察费", "1", "次", 1000),
    ItemLine("化验费", "C反应蛋白测定（CRP）", "1", "项", 3500),
)
ITEMS_TOTAL = sum(item.amount_fen for item in ITEMS)  # 14910: 壹佰肆拾玖元壹角整


def medical(**changes: object) -> MedicalReceiptDocument:
    document = MedicalReceiptDocument(
        title="广东省医疗门诊收费票据（电子）",
        code="44060126",
        number="0000012345",
        check_code="a1b2c3",
        issued_at=datetime(2026, 11, 27, 2, 0, 5, tzinfo=UTC),
        issuer_name="广州市第一人民医院",
        issuer_credit_code="12440100455350868X",
        payer_name="张三",
        payer_id_masked="4401**********1234",
        visit_type="门诊",
        visit_number="MZ20261127001",
        department="内科",
        visit_start=date(2026, 11, 27),
        visit_end=None,
        items=ITEMS,
        fund_fen=5000,
        other_fen=0,
        account_fen=2000,
        cash_fen=ITEMS_TOTAL - 7000,
        total_fen=ITEMS_TOTAL,
        cashier="李四",
        verify_url="https://piaojia.example.cn/v/44060126/0000012345?c=a1b2c3",
        seal=Seal("广州市第一人民医院"),
        ledger=LedgerBlock("piaojia.example.cn/ledger", 1234, 5678, ROOT_HASH),
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def reversal(**changes: object) -> MedicalReceiptDocument:
    return medical(
        number="0000012399",
        reverses=("44060126", "0000012345"),
        reversal_reason="开票有误",
        **changes,
    )


STATIONS = ("体育西路", "珠江新城", "客村", "广州塔", "公园前", "纪念堂", "天河客运站", "嘉禾望岗")


def trips(count: int) -> tuple[TripLine, ...]:
    return tuple(
        TripLine(
            date(2026, 11, 1 + index % 27),
            STATIONS[index % 8],
            STATIONS[(index * 3 + 1) % 8],
            300 + 100 * (index % 4),
        )
        for index in range(count)
    )


def transit(**changes: object) -> TransitInvoiceDocument:
    lines = trips(8)
    total = sum(trip.fare_fen for trip in lines)  # 3600
    net = round(total * 100 / 109)
    document = TransitInvoiceDocument(
        title="电子发票（普通发票）",
        number="26442000000012345678",
        check_code="8f3a2c",
        issued_at=datetime(2026, 11, 27, 10, 30, tzinfo=CHINA),
        seller_name="广州地铁集团有限公司",
        seller_credit_code="91440101190479478Y",
        buyer_kind="单位",
        buyer_name="广州某某科技有限公司",
        buyer_tax_id="91440106MA5CXXXX1K",
        item_name="*运输服务*客运服务费",
        trips=lines,
        tax_rate_label="9%",
        net_fen=net,
        tax_fen=total - net,
        total_fen=total,
        drawer="系统",
        verify_url="https://piaojia.example.cn/v/t/26442000000012345678?c=8f3a2c",
        seal=Seal("广州地铁集团有限公司", "发票专用章"),
        ledger=LedgerBlock("piaojia.example.cn/ledger", 99, 5678, ROOT_HASH),
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def slip(**changes: object) -> FeeSlipDocument:
    document = FeeSlipDocument(
        hospital_name="广州市第一人民医院",
        patient_masked="张*",
        amount_fen=ITEMS_TOTAL,
        issued_at=datetime(2026, 11, 27, 10, 0, tzinfo=CHINA),
        code="44060126",
        number="0000012345",
        scan_url="https://piaojia.example.cn/s/Xk3LqP9aB2mZr7TvWc4YhN8eJd6Fs1Gu",
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def write(tmp_path: Path, name: str, pdf: bytes) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def text_of(pdf: Path) -> str:
    """pdftotext's reading of the whole PDF (raw order, so a table row stays on one line)."""
    return _run("pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-")


def pdf_text(pdf: bytes) -> str:
    """pdftotext's reading of ``pdf`` in its layout."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def fonts_of(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, emb, sub, uni of each font."""
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    fonts = []
    for row in rows:
        fields = row.split()
        # name type… encoding emb sub uni object-id generation: read from the right.
        fonts.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return fonts


def pages_of(pdf: Path) -> int:
    for line in _run("pdfinfo", str(pdf)).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


def page_size_of(pdf: Path) -> tuple[float, float]:
    """The first page's size in points."""
    for line in _run("pdfinfo", str(pdf)).splitlines():
        if line.startswith("Page size:"):
            fields = line.split()
            return float(fields[2]), float(fields[4])
    raise AssertionError("pdfinfo printed no page size")


def render_page(pdf: Path, page: int = 1, dpi: int = 100) -> Path:
    """pdftoppm's PNG of one page."""
    prefix = pdf.with_name(f"{pdf.stem}-{dpi}dpi-p{page}")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


def ink_fraction(png: Path) -> float:
    """The share of pixels that are not (nearly) white."""
    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
        return sum(histogram[:240]) / (grey.width * grey.height)


def decode_qr(png: Path) -> list[str]:
    """What zbarimg reads from the image, one entry per symbol (its dbus noise ignored)."""
    result = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=False
    )
    return [line for line in result.stdout.splitlines() if line]


_BFCHAR = re.compile(rb"<[0-9A-F]+> <([0-9A-F]+)>")


def characters_by_font(pdf: Path) -> dict[str, set[str]]:
    """Which characters beyond ASCII each embedded font draws, read from the ToUnicode CMaps of
    its subsets (reportlab's first subset maps the ASCII range whether it is used or not): font
    name (without the subset tag) → characters."""
    data = pdf.read_bytes()
    found: dict[str, set[str]] = {}
    for stream in re.finditer(rb"stream\r?\n", data):
        try:
            text = zlib.decompressobj().decompress(data[stream.end() :])
        except zlib.error:
            continue  # not a Flate stream
        name = re.search(rb"/CMapName /[A-Z]{6}\+(\S+) def", text)
        if name is None or b"beginbfchar" not in text:
            continue
        chars = found.setdefault(name.group(1).decode(), set())
        body = text.split(b"beginbfchar", 1)[1].split(b"endbfchar", 1)[0]
        decoded = (bytes.fromhex(h.decode()).decode("utf-16-be") for h in _BFCHAR.findall(body))
        chars.update(char for char in decoded if not char.isascii())
    return found


def ca_of(app: Starlette) -> DeploymentCA:
    """The deployment CA ``app``'s documents are signed under."""
    return app.state.services.documents._credentials.ca  # type: ignore[no-any-return]


def detach(pdf: bytes, directory: Path) -> dict[str, bytes]:
    """Every file attached to ``pdf``, by name, as poppler's pdfdetach saves them."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "receipt.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdfdetach", "-saveall", "-o", str(directory), str(path)], check=True)
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.name != "receipt.pdf"}


def detach_xml(pdf: bytes, directory: Path) -> bytes:
    """``receipt.xml`` as poppler's pdfdetach saves it out of ``pdf``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "r.pdf").write_bytes(pdf)
    out = directory / "out.xml"
    subprocess.run(
        ["pdfdetach", "-savefile", "receipt.xml", "-o", str(out), str(directory / "r.pdf")],
        check=True,
    )
    return out.read_bytes()
