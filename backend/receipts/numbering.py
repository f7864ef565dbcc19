"""票据代码, 票据号码 and 校验码.

The 8-digit 票据代码 follows the published layout of fiscal e-receipt codes: two digits of the
supervising region (the province part of the issuer's 行政区划代码), two of the receipt category,
two of the kind, and the last two digits of the year. Real medical receipts read 44 06 01 22;
Piaojia uses category 06 for medical fees and kind 01 for outpatient (门诊), 02 for inpatient
(住院) receipts: the fiscal bureaus do not publish their own kind table.
"""

from __future__ import annotations

import secrets

from backend.receipts.models import VisitType

MEDICAL_CATEGORY = "06"
KIND_BY_VISIT = {VisitType.OUTPATIENT: "01", VisitType.INPATIENT: "02"}
CHECK_CODE_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
NUMBER_DIGITS = 10


def medical_receipt_code(region: str, visit_type: VisitType, year: int) -> str:
    """The 票据代码 for a medical receipt of an issuer in ``region`` (6-digit 行政区划代码)."""
    return f"{region[:2]}{MEDICAL_CATEGORY}{KIND_BY_VISIT[visit_type]}{year % 100:02d}"


def format_number(number: int) -> str:
    """A 票据号码: ten digits, zero-padded."""
    if not 0 < number < 10**NUMBER_DIGITS:
        raise ValueError("receipt numbers run from 1 to 9999999999")
    return f"{number:0{NUMBER_DIGITS}d}"


def draw_check_code() -> str:
    """A 6-character 校验码 from the OS CSPRNG, about 31 bits: not derived from the receipt."""
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(6))
