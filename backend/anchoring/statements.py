"""Ledger statements: what the log says about a receipt, with no personal data in it.

A statement is canonical JSON naming the event, the issuer's 统一社会信用代码, the receipt's
票据代码 and 票据号码, the time, and a salted commitment to the receipt's canonical document. The
log can never delete anything, so names, ID numbers, phones and emails never enter it.
"""

from __future__ import annotations

from datetime import datetime

from backend.receipts.canonical import canonical_json

STATEMENT_VERSION = 1


def statement(
    *, event: str, credit_code: str, code: str, number: str, at: datetime, commitment: str
) -> bytes:
    return canonical_json(
        {
            "v": STATEMENT_VERSION,
            "event": event,
            "issuer": credit_code,
            "code": code,
            "number": number,
            "at": at.isoformat(),
            "commitment": commitment,
        }
    )
