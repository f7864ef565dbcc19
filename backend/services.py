"""The service objects of one running app, built once and handed to the views."""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from limits.aio.storage import Storage

from backend.accounting.copies import accounting_xml
from backend.accounting.voucher import FILE_NAME as ACCOUNTING_FILE
from backend.anchoring.keys import load_log_signers, witness_policy
from backend.anchoring.leader import leader_lock_for
from backend.anchoring.services import AnchoringService, Sequencer
from backend.anchoring.storage import SqlStorage
from backend.anchoring.witness_client import WitnessClient
from backend.anchoring.witnessing import Witnessing
from backend.auth.services import AuthService
from backend.auth.standin import WeChatStandIn
from backend.auth.wechat_client import WeChatClient
from backend.clock import Clock, utc_now
from backend.config import Settings
from backend.console.services import ConsoleService
from backend.db import connection as database_connection
from backend.documents.credentials import CredentialService
from backend.documents.pki import DeploymentCA
from backend.documents.services import DocumentService
from backend.documents.sources import DataFile
from backend.folder.services import FolderService
from backend.hospital.services import HospitalService
from backend.idempotency.services import IdempotencyService
from backend.issuers.services import IssuerService, StaffService
from backend.outbox.composer import EmailComposer, Sender
from backend.outbox.pdfs import DocumentPdfs
from backend.outbox.proof_wait import ProofWait
from backend.outbox.relay import Relay, RelayOptions
from backend.outbox.services import MailLimits, OutboxService
from backend.outbox.smtp_client import SmtpConnection
from backend.receipts.models import ReceiptKind
from backend.receipts.services import ReceiptService
from backend.scan.records import ScanRecords
from backend.scan.services import ScanService, unknown_token_limit
from backend.smtp_target import SmtpTarget, trusted_context
from backend.templating import template_environment
from backend.throttle.storage import storage_for
from backend.transit.documents import TRANSIT_SOURCE
from backend.transit.in_folder import folder_invoice
from backend.transit.services import TransitService
from backend.transit.titles import company_buyers
from backend.verify.claims import ReversalGuard
from backend.verify.ledger import LedgerCheck
from backend.verify.reimbursement import ReimbursementService
from backend.verify.services import VerifyService
from backend.verify.throttling import address_limit
from backend.whereabouts.services import WhereaboutsService
from chain.log import Log
from chain.mldsa import MLDSACosignatureSigner
from chain.note import NoteSigner


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
    documents: DocumentService
    verify: VerifyService
    reimbursement: ReimbursementService
    console: ConsoleService
    whereabouts: WhereaboutsService
    transit: TransitService
    sequencer: Sequencer
    outbox: OutboxService
    relay: Relay
    auth: AuthService
    folder: FolderService
    # Demo mode only: the app's own stand-in for WeChat's jscode2session.
    wechat_standin: WeChatStandIn | None
    # Where the rate limits are counted (closed with the app).
    limit_store: Storage
    # Each service under its class and the classes it derives from, for views that ask for the
    # one they use (``backend.web.service``); rebuilt by ``dataclasses.replace``.
    by_type: Mapping[type, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        registry: dict[type, object] = {}
        for slot in fields(self):
            value = getattr(self, slot.name, None)
            if slot.name == "by_type" or value is None:
                continue
            for cls in type(value).__mro__[:-1]:
                registry.setdefault(cls, value)
        object.__setattr__(self, "by_type", registry)


def build_services(
    settings: Settings,
    *,
    log_signer: NoteSigner,
    log_also: Sequence[MLDSACosignatureSigner] = (),
    render_pool: Executor,
    ca: DeploymentCA,
    clock: Clock = utc_now,
) -> Services:
    """Wire every service with its collaborators; the only place that picks implementations."""
    secret = settings.secret_key.reveal().encode()
    credentials = CredentialService(ca=ca, secret=secret)
    storage = SqlStorage()
    ledger = Log(storage, log_signer, also=log_also)
    policy = witness_policy(settings, ledger.verifier_keys)
    witnessing = Witnessing(ledger=ledger, policy=policy, client=WitnessClient())
    anchoring = AnchoringService(ledger=ledger, storage=storage, witnessing=witnessing)
    receipts = ReceiptService(clock=clock, anchoring=anchoring, guard=ReversalGuard())
    ledger_check = LedgerCheck(anchoring=anchoring, witnessing=witnessing)
    staff = StaffService(secret_key=secret)
    wechat = WeChatClient(
        base_url=settings.wechat_base_url,
        appid=settings.wechat_appid,
        secret=settings.wechat_secret,
        timeout=settings.wechat_timeout,
    )
    documents = DocumentService(
        receipts=receipts,
        credentials=credentials,
        pool=render_pool,
        public_base_url=settings.public_base_url,
        data_file=DataFile(ACCOUNTING_FILE, accounting_xml),
        sources={ReceiptKind.TRANSIT: TRANSIT_SOURCE},
    )
    outbox = OutboxService(
        clock=clock,
        limits=MailLimits(
            per_receipt_per_day=settings.mail_per_receipt_per_day,
            per_address_per_day=settings.mail_per_address_per_day,
        ),
        message_id_domain=settings.mail_from.rpartition("@")[2],
    )
    folder = FolderService(clock=clock, receipts=receipts, outbox=outbox, invoices=folder_invoice)
    limit_store = storage_for(settings)
    smtp = SmtpTarget.parse(settings.smtp_url.reveal())
    # One verifying context for every connection: the CA file is read once, at start.
    smtp_tls = trusted_context(settings.smtp_ca_file)
    # Named in EHLO; given so aiosmtplib never looks it up (socket.getfqdn blocks).
    helo_name = urlsplit(settings.public_base_url).hostname or "localhost"
    relay = Relay(
        outbox=outbox,
        composer=EmailComposer(
            templates=template_environment(),
            sender=Sender(settings.mail_from, settings.mail_from_name),
        ),
        connect=lambda: SmtpConnection(
            smtp, timeout=settings.smtp_timeout, local_hostname=helo_name, tls_context=smtp_tls
        ),
        pdfs=DocumentPdfs(documents),
        company_buyers=company_buyers,
        public_base_url=settings.public_base_url,
        options=RelayOptions(
            concurrency=settings.mail_concurrency,
            max_attempts=settings.mail_max_attempts,
            retry_base=settings.mail_retry_base,
            send_deadline=4 * settings.smtp_timeout,
            poll_interval=settings.mail_poll_interval,
        ),
        clock=clock,
        proofs=ProofWait(
            anchoring,
            wait=settings.mail_proof_wait,
            witnessed=bool(policy.witnesses),
            recheck=settings.mail_poll_interval,
        ),
    )
    return Services(
        outbox=outbox,
        relay=relay,
        issuers=IssuerService(credentials=credentials),
        staff=staff,
        receipts=receipts,
        hospital=HospitalService(receipts=receipts, outbox=outbox, clock=clock),
        documents=documents,
        console=ConsoleService(staff=staff, clock=clock, session_lifetime=timedelta(hours=12)),
        whereabouts=WhereaboutsService(clock=clock),
        transit=TransitService(receipts=receipts, outbox=outbox, folder=folder, clock=clock),
        verify=VerifyService(
            ledger=ledger_check,
            limiter=address_limit(
                limit_store,
                slow_after=settings.verify_slow_after,
                refuse_after=settings.verify_refuse_after,
                window=settings.limit_window,
            ),
            clock=clock,
            daily_limit=settings.verify_daily_limit,
            company_buyers=company_buyers,
        ),
        reimbursement=ReimbursementService(ledger=ledger_check, anchoring=anchoring, clock=clock),
        scan=ScanService(
            receipts=receipts,
            anchoring=anchoring,
            records=ScanRecords(database_connection),
            limiter=unknown_token_limit(
                limit_store,
                slow_after=settings.scan_slow_after,
                refuse_after=settings.scan_refuse_after,
                window=settings.limit_window,
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
        auth=AuthService(
            wechat=wechat, clock=clock, session_lifetime=timedelta(days=settings.session_days)
        ),
        folder=folder,
        wechat_standin=WeChatStandIn() if settings.demo else None,
        limit_store=limit_store,
    )


def load_ca(settings: Settings) -> DeploymentCA:
    """The deployment CA from ``settings.ca_dir``, created there on first start."""
    host = urlsplit(settings.public_base_url).netloc
    return DeploymentCA.load_or_create(Path(settings.ca_dir), name=f"Piaojia CA {host}")


def render_pool(settings: Settings) -> ProcessPoolExecutor:
    """A pool of rendering processes, started on first use.

    Not fork: the parent runs threads (database drivers) that fork would copy mid-state. The
    processes fork from a fork server, a clean single-threaded process started once per parent
    that has already imported the renderer (reportlab, pyHanko: about a second), so a pool made
    again (a restart, a test's app) starts its processes at once instead of importing again."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["backend.documents.worker"])
    return ProcessPoolExecutor(max_workers=settings.render_workers, mp_context=context)


def services_from_settings(settings: Settings, *, clock: Clock = utc_now) -> Services:
    """Every service for ``settings``: loads the log key and the CA, prepares the render pool
    (its processes start on first use). Raises ``SettingsError`` or ``PkiError`` with one line."""
    log_signer, log_also = load_log_signers(settings)
    return build_services(
        settings,
        log_signer=log_signer,
        log_also=log_also,
        ca=load_ca(settings),
        render_pool=render_pool(settings),
        clock=clock,
    )
