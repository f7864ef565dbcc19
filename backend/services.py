"""The service objects of one running app, built once and handed to the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from backend.anchoring.leader import leader_lock_for
from backend.anchoring.services import AnchoringService, Sequencer
from backend.anchoring.storage import SqlStorage
from backend.anchoring.witness_client import WitnessClient
from backend.anchoring.witnessing import Witness, Witnessing
from backend.config import Settings
from backend.hospital.services import HospitalService
from backend.idempotency.services import IdempotencyService
from backend.issuers.services import IssuerService, StaffService
from backend.receipts.services import Clock, ReceiptService
from backend.scan.ratelimit import UnknownTokenLimiter
from backend.scan.services import ScanService
from chain.cosignature import CosignatureVerifier
from chain.log import Log
from chain.note import NoteSigner


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    issuers: IssuerService
    staff: StaffService
    receipts: ReceiptService
    hospital: HospitalService
    idempotency: IdempotencyService
    anchoring: AnchoringService
    witnessing: Witnessing
    scan: ScanService
    sequencer: Sequencer


def build_services(
    settings: Settings, *, log_signer: NoteSigner, clock: Clock = utc_now
) -> Services:
    """Wire every service with its collaborators; the only place that picks implementations."""
    storage = SqlStorage()
    ledger = Log(storage, log_signer)
    witnesses = tuple(
        Witness(url, CosignatureVerifier.from_key_string(key)) for url, key in settings.witnesses
    )
    quorum = len(witnesses) if settings.witness_quorum is None else settings.witness_quorum
    witnessing = Witnessing(
        ledger=ledger, witnesses=witnesses, quorum=quorum, client=WitnessClient()
    )
    anchoring = AnchoringService(ledger=ledger, storage=storage, witnessing=witnessing)
    receipts = ReceiptService(clock=clock, anchoring=anchoring)
    return Services(
        issuers=IssuerService(),
        staff=StaffService(secret_key=settings.secret_key.reveal().encode()),
        receipts=receipts,
        hospital=HospitalService(receipts=receipts, clock=clock),
        scan=ScanService(
            receipts=receipts,
            limiter=UnknownTokenLimiter(
                slow_after=settings.scan_slow_after,
                refuse_after=settings.scan_refuse_after,
                window_seconds=60,
            ),
            clock=clock,
        ),
        idempotency=IdempotencyService(),
        anchoring=anchoring,
        witnessing=witnessing,
        sequencer=Sequencer(
            ledger=ledger,
            witnessing=witnessing,
            leader=leader_lock_for(settings.database_url),
            interval=settings.ledger_interval,
            batch=settings.ledger_batch,
        ),
    )
