"""Medical-fee e-receipts (医疗收费电子票据): checking the hospital's input and issuing it."""

from __future__ import annotations

import logging

from tortoise.backends.base.client import BaseDBAsyncClient

from backend.clock import Clock
from backend.hospital.schemas import IssueMedicalReceipt
from backend.issuers.errors import KindNotAllowed
from backend.issuers.models import IssuerKind, Staff
from backend.outbox.errors import EmailLimitReached
from backend.outbox.services import OutboxService
from backend.receipts.errors import AmountsDoNotAddUp
from backend.receipts.models import LineItem, Receipt, ReceiptKind
from backend.receipts.money import format_fen
from backend.receipts.numbering import medical_receipt_code
from backend.receipts.schemas import CHINA_STANDARD_TIME
from backend.receipts.services import LoadedReceipt, ReceiptService

log = logging.getLogger("piaojia.hospital")


class HospitalService:
    def __init__(self, *, receipts: ReceiptService, outbox: OutboxService, clock: Clock) -> None:
        self._receipts = receipts
        self._outbox = outbox
        self._clock = clock

    async def issue(
        self, conn: BaseDBAsyncClient, *, staff: Staff, request: IssueMedicalReceipt
    ) -> LoadedReceipt:
        """Issue a medical receipt on ``conn``.

        Guarantees, checked before anything is written: ``staff`` is a hospital's (the views'
        access rule says so too; this holds for every caller), the items add up to the total,
        and the payment split (统筹基金 + 其他 + 个人账户 + 个人现金) adds up to the total.
        """
        if staff.issuer.kind != IssuerKind.HOSPITAL:
            raise KindNotAllowed("only a hospital issues medical receipts")
        items_sum = sum(item.amount for item in request.items)
        if items_sum != request.total:
            raise AmountsDoNotAddUp(
                f"the items add up to {format_fen(items_sum)}, not to the total "
                f"{format_fen(request.total)}"
            )
        split = request.payment
        split_sum = split.fund + split.other + split.account + split.cash
        if split_sum != request.total:
            raise AmountsDoNotAddUp(
                f"the payment split adds up to {format_fen(split_sum)}, not to the total "
                f"{format_fen(request.total)}"
            )
        today = self._clock().astimezone(CHINA_STANDARD_TIME).date()
        receipt = Receipt(
            kind=ReceiptKind.MEDICAL,
            code=medical_receipt_code(staff.issuer.region, request.visit.type, today.year),
            payer_name=request.payer.name,
            payer_id_number=request.payer.id_number,
            payer_email=request.payer.email,
            payer_phone=request.payer.phone,
            visit_type=request.visit.type,
            visit_number=request.visit.number,
            department=request.visit.department,
            visit_start=request.visit.start_date or today,
            visit_end=request.visit.end_date,
            total_fen=request.total,
            fund_fen=split.fund,
            other_fen=split.other,
            account_fen=split.account,
            cash_fen=split.cash,
        )
        items = [
            LineItem(
                category=item.category.value,
                name=item.name,
                quantity=item.quantity,
                unit=item.unit,
                amount_fen=item.amount,
            )
            for item in request.items
        ]
        stored = await self._receipts.store(conn, staff=staff, receipt=receipt, items=items)
        if request.payer.email:
            await self._send_copy(conn, stored, staff, request.payer.email)
        return stored

    async def _send_copy(
        self, conn: BaseDBAsyncClient, stored: LoadedReceipt, staff: Staff, address: str
    ) -> None:
        # A payer with an email address gets the PDF, queued with the receipt itself. A daily
        # mail limit reached must not stop the receipt: it is issued, and the copy is not sent.
        try:
            await self._outbox.queue_receipt_email(
                conn, receipt=stored.receipt, to=address, staff=staff, requested_by="issuer"
            )
        except EmailLimitReached:
            log.warning("receipt %s issued without an email copy: limit reached", stored.receipt.id)
