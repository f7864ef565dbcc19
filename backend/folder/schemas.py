"""The folder API's bodies and answers."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from backend.chinatime import Day
from backend.folder.models import FolderEntry
from backend.receipts.models import ReceiptKind, ReceiptStatus
from backend.receipts.money import format_fen
from backend.receipts.schemas import ReceiptOut, china_time
from backend.schema import Model
from backend.textfields import Text
from backend.verify.models import ClaimState


class AddToFolder(Model):
    scan_token: Annotated[
        str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    ] = Field(description="the token of the receipt's QR code (the last part of its scan_url)")


class FolderFilterQuery(Model):
    kind: ReceiptKind | None = None
    issuer: uuid.UUID | None = Field(None, description="the issuer's id")
    issued_from: Day | None = Field(None, alias="from", description="first day, China time")
    issued_to: Day | None = Field(None, alias="to", description="last day, China time")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.issued_from and self.issued_to and self.issued_to < self.issued_from:
            raise ValueError("'to' is before 'from'")
        return self


class FolderListQuery(FolderFilterQuery):
    status: ReceiptStatus | None = None
    reimbursement: Literal["locked", "closed"] | None = Field(
        None, description="only receipts a reimbursing party holds (locked) or has booked (closed)"
    )
    q: Annotated[str, Text(40, min_length=0)] | None = Field(
        None, description="text in the issuer's name, or digits of the receipt's code or number"
    )
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str, Field(max_length=200)] | None = None


class FolderIssuerOut(Model):
    id: uuid.UUID
    name: str


class FolderItemOut(Model):
    id: uuid.UUID = Field(description="the receipt's id")
    kind: str
    code: str
    number: str
    issued_at: str
    status: str
    issuer: FolderIssuerOut
    total: str
    reverses: uuid.UUID | None
    reimbursement: ClaimState = Field(description="available, locked (报销中) or closed (已报销)")
    added_at: str


class FolderPage(Model):
    receipts: list[FolderItemOut]
    next_cursor: str | None


class ReimbursementStateOut(Model):
    state: ClaimState = Field(description="available, locked (报销中) or closed (已报销)")
    since: str | None = Field(description="when it was locked, or closed")


class MaskedPayerOut(Model):
    """The payer (or invoice title) as the scan page and the PDF show it, for screens."""

    name: str = Field(description="张*三")
    id_number: str | None = Field(description="4401**********1234")


class ReissueOut(Model):
    allowed: bool
    refusal: str | None = Field(
        description="the error code a re-issue would get now: invoice_not_valid, "
        "receipt_claimed_locked or receipt_claimed_closed"
    )


class InvoiceTitleOut(Model):
    kind: str = Field(description="personal (个人) or company (单位)")
    name: str = Field(description="masked as on the scan page")
    tax_id: str | None = Field(description="the 统一社会信用代码, masked")


class FolderInvoiceOut(Model):
    """What a transit invoice adds: its title, tax and whether the rider may re-issue it."""

    buyer: InvoiceTitleOut
    tax_rate: str
    net: str
    tax: str
    reissue: ReissueOut


class FolderReceiptOut(Model):
    added_at: str
    receipt: ReceiptOut
    shown: MaskedPayerOut
    reimbursement: ReimbursementStateOut
    verify_url: str = Field(description="the public 查验 page, as printed in the PDF's QR code")
    invoice: FolderInvoiceOut | None = Field(description="transit invoices only")


class MonthTotal(Model):
    month: str = Field(description="YYYY-MM, China time")
    count: int
    total: str


class KindTotal(Model):
    kind: str
    count: int
    total: str


class FolderTotals(Model):
    """Sums of the standing receipts only: valid ones that are not red reversal receipts."""

    count: int
    total: str
    by_month: list[MonthTotal]
    by_kind: list[KindTotal]


class MeOut(Model):
    openid: str
    folder_count: int = Field(description="how many receipts are in the user's folder")


def folder_item_out(
    entry: FolderEntry, reimbursement: ClaimState = ClaimState.AVAILABLE
) -> FolderItemOut:
    """The list answer for one entry; ``entry.receipt`` and its issuer must be loaded."""
    receipt = entry.receipt
    return FolderItemOut(
        id=receipt.id,
        kind=receipt.kind,
        code=receipt.code,
        number=receipt.number,
        issued_at=china_time(receipt.issued_at),
        status=receipt.status,
        issuer=FolderIssuerOut(id=receipt.issuer.id, name=receipt.issuer.name),
        total=format_fen(receipt.total_fen),
        reverses=receipt.reverses_id,  # type: ignore[attr-defined]
        reimbursement=reimbursement,
        added_at=china_time(entry.added_at),
    )
