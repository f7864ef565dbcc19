"""What a PDF shows: plain frozen data filled from the database, with nothing to look up.

Amounts are integer fen (分); times are aware datetimes (shown in China time); text is shown as
given. A document whose ``reverses`` is set is a red reversal (冲红) of the receipt it names;
its amounts are shown negative whichever sign they are stored with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ItemLine:
    """One charged item of a medical receipt (e.g. 西药费 · 阿莫西林胶囊 · 2 盒 · 2560)."""

    category: str
    name: str
    quantity: str
    unit: str
    amount_fen: int


@dataclass(frozen=True)
class LedgerBlock:
    """Where the receipt's statement sits in the ledger: origin, leaf index, tree size, root."""

    origin: str
    leaf_index: int
    tree_size: int
    root_hash: bytes


@dataclass(frozen=True)
class Seal:
    """The issuer's round red seal: the name along the arc, the caption under the star."""

    issuer_name: str
    caption: str = "财务专用章"


@dataclass(frozen=True)
class MedicalReceiptDocument:
    """A medical-fee fiscal e-receipt (医疗收费电子票据), or its red reversal."""

    title: str  # e.g. "广东省医疗门诊收费票据（电子）"
    code: str
    number: str
    check_code: str
    issued_at: datetime  # shown in China time
    issuer_name: str
    issuer_credit_code: str
    payer_name: str
    # Masked as on the scan page (4401**********1235): the PDF is a copy that gets passed on.
    payer_id_masked: str | None
    visit_type: str  # "门诊" / "住院"
    visit_number: str
    department: str
    visit_start: date
    visit_end: date | None
    items: tuple[ItemLine, ...]
    fund_fen: int
    other_fen: int
    account_fen: int
    cash_fen: int
    total_fen: int
    cashier: str
    verify_url: str
    seal: Seal
    ledger: LedgerBlock | None = None
    reverses: tuple[str, str] | None = None  # (code, number) of the original, on a 冲红 receipt
    reversal_reason: str | None = None


@dataclass(frozen=True)
class TripLine:
    """One metro trip on a transit invoice."""

    day: date
    entry_station: str
    exit_station: str
    fare_fen: int


@dataclass(frozen=True)
class TransitInvoiceDocument:
    """A metro fare e-invoice (电子发票（普通发票）, a 数电票), or its red reversal."""

    title: str
    number: str  # 发票号码: 20 digits; 10 (with ``code``) on invoices issued before 数电票
    check_code: str
    issued_at: datetime
    seller_name: str
    seller_credit_code: str
    buyer_kind: str  # "个人" / "单位"
    buyer_name: str
    buyer_tax_id: str | None
    item_name: str  # "*运输服务*客运服务费"
    trips: tuple[TripLine, ...]
    tax_rate_label: str  # "9%", "3%" or "免税"
    net_fen: int
    tax_fen: int
    total_fen: int
    drawer: str
    verify_url: str
    seal: Seal
    ledger: LedgerBlock | None = None
    reverses: tuple[str, str] | None = None  # (code, number) of the original; code "" on a 数电票
    reversal_reason: str | None = None
    code: str = ""  # a 数电票 (20-digit number) has none; older invoices an 8-digit one
    red_confirmation: str | None = None  # 红字发票信息确认单编号, on a red 数电票


@dataclass(frozen=True)
class FeeSlipDocument:
    """The fee slip (收费告知单) printed at the cash desk: scan its QR code to open the receipt."""

    hospital_name: str
    patient_masked: str
    amount_fen: int
    issued_at: datetime
    code: str
    number: str
    scan_url: str
