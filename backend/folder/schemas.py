"""The folder API's bodies and answers."""

from __future__ import annotations

import uuid
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from backend.chinatime import Day
from backend.folder.models import FolderEntry
from backend.receipts.models import ReceiptKind, ReceiptStatus
from backend.receipts.money import format_fen
from backend.receipts.schemas import Model, ReceiptOut, china_time


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
    added_at: str


class FolderPage(Model):
    receipts: list[FolderItemOut]
    next_cursor: str | None


class FolderReceiptOut(Model):
    added_at: str
    receipt: ReceiptOut


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


def folder_item_out(entry: FolderEntry) -> FolderItemOut:
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
        added_at=china_time(entry.added_at),
    )
