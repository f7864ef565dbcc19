"""Receipt bodies on the wire: money types shared by every issuing API, and the receipt answer.

Amounts travel as strings with two decimals ("85.60") and become int fen here, at the edge.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Protocol
from uuid import UUID

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from backend.chinatime import CHINA_STANDARD_TIME as CHINA_STANDARD_TIME
from backend.receipts.models import LineItem, Receipt
from backend.receipts.money import AmountError, format_fen, parse_fen, to_capitals
from backend.schema import Model

# 100 million yuan: far above any real receipt, far below what breaks arithmetic or columns.
MAX_AMOUNT_FEN = 100_000_000_00
# The largest id a BIGINT column holds: a larger one is nobody's, and no driver can send it.
MAX_ROW_ID = 2**63 - 1
# Exactly what ``Amount`` accepts: 0 to 100000000.00, at most two decimals, no sign.
AMOUNT_PATTERN = r"^((0|[1-9][0-9]{0,7})(\.[0-9]{1,2})?|100000000(\.0{1,2})?)$"
SIGNED_AMOUNT_PATTERN = r"^-?((0|[1-9][0-9]{0,7})(\.[0-9]{1,2})?|100000000(\.0{1,2})?)$"


def _amount(value: Any) -> int:
    if not isinstance(value, str):
        raise ValueError('amounts are strings with up to two decimals, such as "85.60"')
    if value.startswith("-"):
        raise ValueError("amounts cannot be negative")
    try:
        fen = parse_fen(value)
    except AmountError as exc:
        raise ValueError(str(exc)) from exc
    if fen < 0:
        raise ValueError("amounts cannot be negative")
    if fen > MAX_AMOUNT_FEN:
        raise ValueError("amounts above 100000000.00 are not accepted")
    return fen


Amount = Annotated[
    int,
    PlainValidator(_amount),
    PlainSerializer(format_fen, return_type=str),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["85.60"]}),
]
"""An amount in fen, written on the wire as a string with two decimals."""


def china_time(moment: datetime) -> str:
    """ISO 8601 in China Standard Time (+08:00), as receipts are dated."""
    return moment.astimezone(CHINA_STANDARD_TIME).isoformat(timespec="seconds")


class PayerOut(Model):
    name: str
    id_number: str | None
    email: str | None
    phone: str | None


class VisitOut(Model):
    type: str | None
    number: str | None
    department: str | None
    start_date: date | None
    end_date: date | None


class ItemLike(Protocol):
    """A line item as the receipt core, the scan read and verification hold it."""

    @property
    def category(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def quantity(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def amount_fen(self) -> int: ...


class LineItemOut(Model):
    category: str
    name: str
    quantity: str
    unit: str
    amount: str

    @classmethod
    def of(cls, item: ItemLike) -> LineItemOut:
        """``item`` as every answer shows it: the amount in yuan as text."""
        return cls(
            category=item.category,
            name=item.name,
            quantity=item.quantity,
            unit=item.unit,
            amount=format_fen(item.amount_fen),
        )


class PaymentOut(Model):
    fund: str
    other: str
    account: str
    cash: str


class IssuerOut(Model):
    id: UUID
    name: str
    credit_code: str


class ReceiptRef(Model):
    """Another receipt named by its identifiers, e.g. the original of a reversal."""

    id: UUID
    code: str
    number: str


class ReceiptName(Model):
    """A receipt named as on paper: 票据代码 ("" for a 数电票) and 号码."""

    code: str
    number: str


class LedgerStateOut(Model):
    """pending: not yet in the log; anchored: integrated at ``leaf_index``; witnessed: in a
    checkpoint cosigned by the witness quorum."""

    state: str
    leaf_index: int | None


class ReceiptOut(Model):
    id: UUID
    kind: str
    code: str
    number: str
    check_code: str
    issued_at: str
    status: str
    issuer: IssuerOut
    cashier: str
    payer: PayerOut
    visit: VisitOut
    items: list[LineItemOut]
    payment: PaymentOut
    total: str
    total_in_capitals: str
    reverses: ReceiptRef | None
    reversed_by: ReceiptRef | None
    reversal_reason: str | None
    scan_url: str | None
    ledger: LedgerStateOut


class ReceiptSummary(Model):
    id: UUID
    kind: str
    code: str
    number: str
    issued_at: str
    status: str
    payer_name: str
    total: str
    reverses: UUID | None


class ReceiptPage(Model):
    receipts: list[ReceiptSummary]
    next_cursor: str | None


def _ref(receipt: Receipt | None) -> ReceiptRef | None:
    if receipt is None:
        return None
    return ReceiptRef(id=receipt.id, code=receipt.code, number=receipt.number)


def receipt_out(
    receipt: Receipt,
    items: list[LineItem],
    *,
    reverses: Receipt | None = None,
    reversed_by: Receipt | None = None,
    scan_url: str | None = None,
    ledger_state: str = "pending",
    leaf_index: int | None = None,
) -> ReceiptOut:
    """The full answer for one receipt; ``receipt.issuer`` and ``receipt.staff`` must be loaded."""
    return ReceiptOut(
        id=receipt.id,
        kind=receipt.kind,
        code=receipt.code,
        number=receipt.number,
        check_code=receipt.check_code,
        issued_at=china_time(receipt.issued_at),
        status=receipt.status,
        issuer=IssuerOut(
            id=receipt.issuer.id, name=receipt.issuer.name, credit_code=receipt.issuer.credit_code
        ),
        cashier=receipt.staff.name,
        payer=PayerOut(
            name=receipt.payer_name,
            id_number=receipt.payer_id_number,
            email=receipt.payer_email,
            phone=receipt.payer_phone,
        ),
        visit=VisitOut(
            type=receipt.visit_type,
            number=receipt.visit_number,
            department=receipt.department,
            start_date=receipt.visit_start,
            end_date=receipt.visit_end,
        ),
        items=[LineItemOut.of(item) for item in sorted(items, key=lambda item: item.position)],
        payment=PaymentOut(
            fund=format_fen(receipt.fund_fen),
            other=format_fen(receipt.other_fen),
            account=format_fen(receipt.account_fen),
            cash=format_fen(receipt.cash_fen),
        ),
        total=format_fen(receipt.total_fen),
        total_in_capitals=to_capitals(receipt.total_fen),
        reverses=_ref(reverses),
        reversed_by=_ref(reversed_by),
        reversal_reason=receipt.reversal_reason,
        scan_url=scan_url,
        ledger=LedgerStateOut(state=ledger_state, leaf_index=leaf_index),
    )


def receipt_summary(receipt: Receipt) -> ReceiptSummary:
    return ReceiptSummary(
        id=receipt.id,
        kind=receipt.kind,
        code=receipt.code,
        number=receipt.number,
        issued_at=china_time(receipt.issued_at),
        status=receipt.status,
        payer_name=receipt.payer_name,
        total=format_fen(receipt.total_fen),
        reverses=receipt.reverses_id,  # type: ignore[attr-defined]
    )
