"""The service objects of one running app, built once and handed to the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from backend.config import Settings
from backend.hospital.services import HospitalService
from backend.idempotency.services import IdempotencyService
from backend.issuers.services import IssuerService, StaffService
from backend.receipts.services import Clock, ReceiptService


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    issuers: IssuerService
    staff: StaffService
    receipts: ReceiptService
    hospital: HospitalService
    idempotency: IdempotencyService


def build_services(settings: Settings, *, clock: Clock = utc_now) -> Services:
    """Wire every service with its collaborators; the only place that picks implementations."""
    receipts = ReceiptService(clock=clock)
    return Services(
        issuers=IssuerService(),
        staff=StaffService(secret_key=settings.secret_key.reveal().encode()),
        receipts=receipts,
        hospital=HospitalService(receipts=receipts, clock=clock),
        idempotency=IdempotencyService(),
    )
