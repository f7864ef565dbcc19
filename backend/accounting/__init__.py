"""Accounting data (电子凭证会计数据) of receipts and invoices: the XML a reimburser books from."""

from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schema"
"""``efi.xsd`` (财政电子票据) and ``einv.xsd`` (数电票), written from the standard's tables."""
