"""Verification and reimbursement on the wire.

Receipts are named as on paper and in the QR code: ``code`` (票据代码, 8 digits) and ``number``
(票据号码, 10 digits), or for a 数电票 the 20-digit ``number`` (发票号码) alone, as it has no
发票代码; ``check`` (校验码, 6 letters or digits, case-insensitive); and where the issuer
requires them ``date`` (开票日期, ``2026-11-27`` or ``20261127``) and ``amount`` (金额,
``"85.60"``, negative on a red receipt). Personal data in answers is masked.
"""

from __future__ import annotations

import base64
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from backend.chinatime import Day
from backend.masking import shown_payer
from backend.receipts.models import Receipt
from backend.receipts.money import AmountError, format_fen, parse_fen, to_capitals
from backend.receipts.numbering import INVOICE_NUMBER_DIGITS
from backend.receipts.schemas import (
    MAX_AMOUNT_FEN,
    SIGNED_AMOUNT_PATTERN,
    LineItemOut,
    ReceiptName,
    china_time,
)
from backend.verify.models import ClaimState, VerificationRule
from backend.verify.reimbursement import ClaimResult
from backend.verify.services import ReceiptElements, Verification

_COMPACT_DATE = re.compile(r"[0-9]{8}")


def _blank_is_none(value: Any) -> Any:
    # An H5 form sends empty fields as "": they mean "not given".
    return None if isinstance(value, str) and not value.strip() else value


def _date(value: Any) -> Any:
    value = _blank_is_none(value)
    if isinstance(value, str) and _COMPACT_DATE.fullmatch(value.strip()):
        text = value.strip()
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return value


def _signed_amount(value: Any) -> int:
    if not isinstance(value, str):
        raise ValueError('the amount is a string with up to two decimals, such as "85.60"')
    try:
        fen = parse_fen(value.strip())
    except AmountError as exc:
        raise ValueError(str(exc)) from exc
    if abs(fen) > MAX_AMOUNT_FEN:
        raise ValueError("no receipt has an amount beyond 100000000.00")
    return fen


SignedAmount = Annotated[
    int,
    PlainValidator(_signed_amount),
    WithJsonSchema({"type": "string", "pattern": SIGNED_AMOUNT_PATTERN}),
]
Code = Annotated[
    Annotated[str, Field(pattern=r"^[0-9]{8}$")] | None,
    BeforeValidator(_blank_is_none),
    Field(
        default=None,
        validate_default=True,
        description="票据代码, 8 digits; none for a 数电票 (20-digit number)",
    ),
]
Number = Annotated[
    str,
    Field(
        pattern=r"^(?:[0-9]{10}|[0-9]{20})$",
        description="票据号码 (10 digits), or a 数电票's 发票号码 (20 digits)",
    ),
]
Check = Annotated[
    str,
    Field(pattern=r"^[0-9A-Za-z]{6}$", description="校验码, 6 letters or digits"),
]
IssuedOn = Annotated[Day | None, BeforeValidator(_date), Field(description="开票日期")]
Amount = Annotated[SignedAmount | None, BeforeValidator(_blank_is_none), Field(description="金额")]


class _Elements(BaseModel):
    number: Number
    code: Code
    check: Check
    date: IssuedOn = None
    amount: Amount = None

    @field_validator("code")
    @classmethod
    def _code_fits_number(cls, code: str | None, info: ValidationInfo) -> str | None:
        # Validated after ``number``: a 10-digit number needs its code, a 20-digit one has none.
        number = info.data.get("number")
        if number is not None and len(number) == INVOICE_NUMBER_DIGITS and code is not None:
            raise ValueError("a 数电票 (20-digit number) has no 发票代码: leave code out")
        if number is not None and len(number) != INVOICE_NUMBER_DIGITS and code is None:
            raise ValueError("a 10-digit 票据号码 needs its 8-digit 票据代码 as code")
        return code

    def elements(self) -> ReceiptElements:
        """The elements as the services take them: the check code lower-cased, a 数电票's
        missing code as ""."""
        return ReceiptElements(
            code=self.code or "",
            number=self.number,
            check_code=self.check.lower(),
            issued_on=self.date,
            total_fen=self.amount,
        )


class VerifyQuery(_Elements):
    """The query of ``GET /api/v1/verify`` and ``GET /verify``. Unknown parameters are ignored:
    WeChat and other apps append their own to scanned links."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)


class ReceiptElementsIn(_Elements):
    """The receipt a reimbursing party locks, unlocks or closes: named as when verifying."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    elements: Literal[3, 5] = Field(
        description="3: 代码 + 号码 + 校验码; 5: also 开票日期 and 金额"
    )


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VerifiedIssuerOut(Out):
    """The issuer as anyone verifying sees it: no internal id."""

    name: str
    credit_code: str


class VerifiedPayerOut(Out):
    """The payer as anyone verifying sees it: the name alone."""

    name: str = Field(description="a person masked: 张*三; a company (单位) buyer whole")


class VerifiedReceiptOut(Out):
    kind: str
    code: str
    number: str
    issued_at: str
    status: Literal["valid", "reversed", "reimbursed"]
    issuer: VerifiedIssuerOut
    payer: VerifiedPayerOut
    items: list[LineItemOut]
    total: str
    total_in_capitals: str
    reverses: ReceiptName | None
    reversed_by: ReceiptName | None


class ReimbursementOut(Out):
    state: ClaimState
    since: str | None = Field(description="when it was locked, or closed")
    by: str | None = Field(description="the reimbursing party, masked; only once closed")


class EntryOut(Out):
    event: str
    at: str
    leaf_index: int | None
    statement: str
    inclusion_proof: list[str] = Field(description="base64 hashes, RFC 9162")


class LedgerOut(Out):
    state: Literal["pending", "anchored", "witnessed"]
    tree_size: int | None
    checkpoint: str | None = Field(description="the signed (and cosigned) checkpoint note")
    entries: list[EntryOut]


class CountsOut(Out):
    today: int
    total: int
    daily_limit: int


class VerifyAnswer(Out):
    result: Literal["genuine", "tampered"]
    genuine: bool
    problems: list[str]
    receipt: VerifiedReceiptOut
    reimbursement: ReimbursementOut
    ledger: LedgerOut
    verifications: CountsOut

    @classmethod
    def of(cls, found: Verification) -> VerifyAnswer:
        receipt = found.receipt
        claim = found.claim
        if receipt.status == "reversed":
            status: Literal["valid", "reversed", "reimbursed"] = "reversed"
        elif claim.state == ClaimState.CLOSED:
            status = "reimbursed"
        else:
            status = "valid"
        return cls(
            result="genuine" if found.genuine else "tampered",
            genuine=found.genuine,
            problems=list(found.problems),
            receipt=VerifiedReceiptOut(
                kind=str(receipt.kind),
                code=receipt.code,
                number=receipt.number,
                issued_at=china_time(receipt.issued_at),
                status=status,
                issuer=VerifiedIssuerOut(
                    name=receipt.issuer.name, credit_code=receipt.issuer.credit_code
                ),
                payer=VerifiedPayerOut(
                    name=shown_payer(receipt.payer_name, company=found.company_buyer)
                ),
                items=[LineItemOut.of(item) for item in found.items],
                total=format_fen(receipt.total_fen),
                total_in_capitals=to_capitals(receipt.total_fen),
                reverses=_name(found.reverses),
                reversed_by=_name(found.reversed_by),
            ),
            reimbursement=ReimbursementOut(
                state=claim.state,
                since=china_time(claim.since) if claim.since else None,
                by=claim.party_name,
            ),
            ledger=LedgerOut(
                state=found.ledger.state,
                tree_size=found.ledger.tree_size,
                checkpoint=found.ledger.checkpoint,
                entries=[
                    EntryOut(
                        event=entry.event,
                        at=entry.at,
                        leaf_index=entry.leaf_index,
                        statement=entry.statement,
                        inclusion_proof=[
                            base64.b64encode(h).decode() for h in entry.inclusion_proof
                        ],
                    )
                    for entry in found.ledger.entries
                ],
            ),
            verifications=CountsOut(
                today=found.verified_today,
                total=found.verified_total,
                daily_limit=found.daily_limit,
            ),
        )


def _name(receipt: Receipt | None) -> ReceiptName | None:
    return None if receipt is None else ReceiptName(code=receipt.code, number=receipt.number)


class ClaimAnswer(Out):
    receipt: ReceiptName
    state: ClaimState
    since: str | None
    changed: bool = Field(description="false when the request repeated the current state")

    @classmethod
    def of(cls, result: ClaimResult) -> ClaimAnswer:
        return cls(
            receipt=ReceiptName(code=result.receipt.code, number=result.receipt.number),
            state=result.state,
            since=china_time(result.since) if result.since else None,
            changed=result.changed,
        )


class RuleAnswer(Out):
    elements: int
    updated_at: str

    @classmethod
    def of(cls, rule: VerificationRule) -> RuleAnswer:
        return cls(elements=int(rule.elements), updated_at=china_time(rule.updated_at))
