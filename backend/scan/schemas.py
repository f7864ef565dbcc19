"""The scan answer on the wire: what anyone holding a receipt's QR code may see (personal data
masked), with links to the rest. The H5 page renders the same model that ``?format=json``
sends."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from backend.anchoring.services import LedgerState
from backend.folder.schemas import MaskedPayerOut
from backend.links import scan_links
from backend.masking import mask_id_number, shown_payer
from backend.receipts.money import format_fen, to_capitals
from backend.receipts.schemas import (
    LedgerStateOut,
    LineItemOut,
    PaymentOut,
    ReceiptName,
    china_time,
)
from backend.scan.records import ScanRecord
from backend.schema import Model

VISIT_TYPES = {"outpatient": "门诊", "inpatient": "住院"}
# Named so that the field called ``date`` does not shadow the type in its own annotation.
VisitDay = date


class ScanIssuerOut(Model):
    name: str


class ScanVisitOut(Model):
    type: str | None = Field(description="门诊 or 住院, as the page shows it")
    department: str | None
    date: VisitDay | None = Field(description="the first day of the visit")


class ScanReceiptOut(Model):
    kind: str
    code: str
    number: str
    issued_at: str
    status: str
    issuer: ScanIssuerOut
    payer: MaskedPayerOut
    visit: ScanVisitOut
    items: list[LineItemOut]
    payment: PaymentOut
    total: str
    total_in_capitals: str
    reverses: ReceiptName | None
    reversed: bool = Field(description="a red receipt reverses this one")


class ScanLinksOut(Model):
    """Paths under ``/s/{token}``, relative to the page's origin."""

    pdf: str
    proof: str
    email: str


class ScanAnswer(Model):
    receipt: ScanReceiptOut
    ledger: LedgerStateOut
    links: ScanLinksOut


def scan_answer(record: ScanRecord, ledger: LedgerState, *, token: str) -> ScanAnswer:
    """What anyone holding the QR code ``token`` may see: the payer masked (a company buyer's
    name whole), the visit type in Chinese, links to the PDF, the proof and the email form."""
    links = scan_links(token)
    return ScanAnswer(
        receipt=ScanReceiptOut(
            kind=record.kind,
            code=record.code,
            number=record.number,
            issued_at=china_time(record.issued_at),
            status=record.status,
            issuer=ScanIssuerOut(name=record.issuer_name),
            payer=MaskedPayerOut(
                name=shown_payer(record.payer_name, company=record.company_buyer),
                id_number=mask_id_number(record.payer_id_number),
            ),
            visit=ScanVisitOut(
                type=VISIT_TYPES.get(record.visit_type or ""),
                department=record.department,
                date=record.visit_start,
            ),
            items=[LineItemOut.of(i) for i in record.items],
            payment=PaymentOut(
                fund=format_fen(record.fund_fen),
                other=format_fen(record.other_fen),
                account=format_fen(record.account_fen),
                cash=format_fen(record.cash_fen),
            ),
            total=format_fen(record.total_fen),
            total_in_capitals=to_capitals(record.total_fen),
            reverses=(
                ReceiptName(code=record.reverses[0], number=record.reverses[1])
                if record.reverses
                else None
            ),
            reversed=record.reversed,
        ),
        ledger=LedgerStateOut(state=ledger.state, leaf_index=ledger.leaf_index),
        links=ScanLinksOut(pdf=links.pdf, proof=links.proof, email=links.email),
    )
