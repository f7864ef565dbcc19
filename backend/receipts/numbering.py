"""票据代码, 票据号码, 数电票 发票号码 and 校验码.

Two numbering schemes live side by side:

- Fiscal e-receipts (财政电子票据, medical): an 8-digit 票据代码 and a 10-digit 票据号码. The code
  follows the published layout of fiscal e-receipt codes: two digits of the supervising region
  (the province part of the issuer's 行政区划代码), two of the receipt category, two of the kind,
  and the last two digits of the year. Real medical receipts read 44 06 01 22; Piaojia uses
  category 06 for medical fees and kind 01 for outpatient (门诊), 02 for inpatient (住院)
  receipts: the fiscal bureaus do not publish their own kind table.
- Fully digital e-invoices (全面数字化的电子发票, 数电票; 国家税务总局公告2024年第11号): no 发票代码
  and a 20-digit 发票号码 of two digits of the year, two of the province, one of the issuing
  channel and a 15-digit sequence. Piaojia's transit invoices are 数电票 (their ``code`` is
  empty); those issued before carry an 8-digit code (region + ``91`` + ``00`` + year) and a
  10-digit number, and keep them.

Every scheme draws its sequence from one counter row per issuer and *series* (the
``receipt_sequence.code`` column): the 票据代码 itself for fiscal receipts, the 5-digit
prefix of the 发票号码 for 数电票 (one series per issuer and year), and ``H`` + that prefix for
红字发票信息确认单 numbers. The lengths differ, so no two series ever share a counter.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from backend.receipts.models import VisitType

MEDICAL_CATEGORY = "06"
KIND_BY_VISIT = {VisitType.OUTPATIENT: "01", VisitType.INPATIENT: "02"}
CHECK_CODE_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
NUMBER_DIGITS = 10
CODE_DIGITS = 8
INVOICE_NUMBER_DIGITS = 20
INVOICE_SEQUENCE_DIGITS = 15
# The fifth digit, 开具渠道: invoices drawn through the tax bureau's 电子发票服务平台 carry 2. The
# administration publishes the digit's place, not its table, so Piaojia uses that one value.
INVOICE_CHANNEL = "2"
RED_CONFIRMATION_SERIES = "H"


@dataclass(frozen=True, slots=True)
class Numbering:
    """How one receipt is numbered: its ``code`` (empty for a 数电票), the counter ``series``
    its number is drawn from, and the fixed ``prefix`` and sequence ``digits`` of the number."""

    code: str
    series: str
    prefix: str
    digits: int

    def format(self, sequence: int) -> str:
        """The number for the ``sequence``-th draw; ``ValueError`` once the digits run out."""
        if not 0 < sequence < 10**self.digits:
            raise ValueError(f"the series {self.series} has used all {self.digits}-digit numbers")
        return f"{self.prefix}{sequence:0{self.digits}d}"


def medical_receipt_code(region: str, visit_type: VisitType, year: int) -> str:
    """The 票据代码 for a medical receipt of an issuer in ``region`` (6-digit 行政区划代码)."""
    return f"{region[:2]}{MEDICAL_CATEGORY}{KIND_BY_VISIT[visit_type]}{year % 100:02d}"


def fiscal_numbering(code: str) -> Numbering:
    """票据号码 of 10 digits, gapless per issuer and 票据代码."""
    return Numbering(code=code, series=code, prefix="", digits=NUMBER_DIGITS)


def invoice_numbering(region: str, year: int) -> Numbering:
    """数电票 发票号码 of 20 digits (year, province, channel, 15-digit sequence), no 发票代码;
    gapless per issuer and year."""
    prefix = f"{year % 100:02d}{region[:2]}{INVOICE_CHANNEL}"
    return Numbering(code="", series=prefix, prefix=prefix, digits=INVOICE_SEQUENCE_DIGITS)


def red_confirmation_numbering(region: str, year: int) -> Numbering:
    """红字发票信息确认单编号: 20 digits laid out as a 发票号码, in a series of their own."""
    invoice = invoice_numbering(region, year)
    return Numbering(
        code="",
        series=RED_CONFIRMATION_SERIES + invoice.prefix,
        prefix=invoice.prefix,
        digits=INVOICE_SEQUENCE_DIGITS,
    )


def format_number(number: int) -> str:
    """A 票据号码: ten digits, zero-padded."""
    if not 0 < number < 10**NUMBER_DIGITS:
        raise ValueError("receipt numbers run from 1 to 9999999999")
    return f"{number:0{NUMBER_DIGITS}d}"


def is_invoice_number(number: str) -> bool:
    """Whether ``number`` has the shape of a 数电票 发票号码 (20 ASCII digits)."""
    return len(number) == INVOICE_NUMBER_DIGITS and number.isascii() and number.isdigit()


def receipt_label(code: str, number: str) -> str:
    """How a receipt is named to a person: ``44060126-0000000001``, or the 发票号码 alone."""
    return f"{code}-{number}" if code else number


def draw_check_code() -> str:
    """A 6-character 校验码 from the OS CSPRNG, about 31 bits: not derived from the receipt."""
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(6))
