"""Cells for CSV files a person opens in a spreadsheet."""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """``text`` as a cell no spreadsheet runs as a formula (CSV injection): a leading ``'``
    before a character that would start one."""
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def digits_cell(text: str) -> str:
    """An all-digit ``text`` (a 票据号码, a 20-digit 发票号码) as text, not a number."""
    # Spreadsheets read all-digit cells as numbers (0000000001 → 1, a 发票号码 keeps 15 digits);
    # with their own text mark, "'", every reader keeps text: no formula, nothing trimmed.
    return "'" + text if text.isascii() and text.isdigit() else text
