"""``piaojia ledger …``: the log's key, its sequencer run alone, and checking proofs and whole
logs offline (``verify``, ``audit``, ``mirror``), which need none of this service's settings."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from backend import db
from backend.anchoring.cli import add_algorithms_option, add_mirror_command, policy_and_log_key
from backend.anchoring.services import AnchoringService, Sequencer
from backend.anchoring.witnessing import Witnessing
from backend.config import Settings


class SequencerServices(Protocol):
    """What ``piaojia ledger sequence`` runs on."""

    @property
    def sequencer(self) -> Sequencer: ...

    @property
    def anchoring(self) -> AnchoringService: ...

    @property
    def witnessing(self) -> Witnessing: ...


# Builds the services for some settings; given by ``backend.cli``, which wires the whole app.
SequencerServicesBuilder = Callable[[Settings], SequencerServices]


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_ledger_init(settings: Settings, args: argparse.Namespace) -> int:
    from backend.anchoring.keys import create_key_file, default_origin

    path = Path(settings.ledger_key_file)
    if path.exists():
        _say(f"piaojia: error: {path} exists already; a log keeps its key for good")
        return 1
    origin = args.origin or default_origin(settings.public_base_url)
    signer, also = create_key_file(path, origin, args.algorithms)
    print("\n".join([signer.verifier().key_string(), *(a.verifier().key_string() for a in also)]))
    _say(f"wrote the log's signing key to {path}; keep it secret and backed up")
    return 0


def cmd_ledger_key(settings: Settings, args: argparse.Namespace) -> int:
    from backend.anchoring.keys import load_log_signer

    print(load_log_signer(settings).verifier().key_string())
    return 0


def cmd_ledger_sequence(
    build_services: SequencerServicesBuilder, settings: Settings, args: argparse.Namespace
) -> int:
    if args.batch:
        settings = dataclasses.replace(settings, ledger_batch=args.batch)
    services = build_services(settings)
    sequencer = services.sequencer

    async def work() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        _say(f"sequencing {services.anchoring.ledger.origin} every {settings.ledger_interval} s")
        try:
            await sequencer.run(stop)
        finally:
            await services.witnessing.close()
        return 0

    return db.with_database(settings.database_url, work)


def cmd_ledger_verify(settings: Settings | None, args: argparse.Namespace) -> int:
    from backend.anchoring.verify_cli import (
        TLOG_PROOF_HEADER,
        verify_pdf_attachments,
        verify_tlog_proof_file,
    )
    from backend.receipts.numbering import receipt_label
    from chain.receipt.bundle import verify_bundle
    from chain.receipt.errors import BundleError

    try:
        raw = sys.stdin.buffer.read() if args.bundle == "-" else Path(args.bundle).read_bytes()
    except OSError as exc:
        _say(f"piaojia: error: cannot read {args.bundle}: {exc.strerror}")
        return 1
    keys = policy_and_log_key(args)
    if keys is None:
        return 1
    policy, args.log_key = keys  # the log key given, or the one log the policy names
    if raw.startswith(TLOG_PROOF_HEADER):
        return verify_tlog_proof_file(raw, args, policy)
    try:
        if raw.startswith(b"%PDF-"):
            attachments = _signed_pdf_attachments(raw, args.ca)
            if attachments is None:
                return 1
            report = verify_pdf_attachments(attachments, args, policy)
        else:
            report = verify_bundle(
                raw,
                log_key=args.log_key,
                witness_keys=args.witness_key,
                quorum=args.quorum,
                policy=policy,
            )
    except BundleError as exc:
        _say(f"piaojia: NOT VERIFIED: {exc}")
        return 1
    events = ", ".join(f"{e.event} at leaf {e.leaf_index}" for e in report.entries)
    print(
        f"verified: receipt {receipt_label(report.code, report.number)} ({events}) is in "
        f"{report.origin} at size {report.tree_size}, "
        f"cosigned by {len(report.witnesses)} witness(es)"
    )
    if report.document_version is None:
        print("document withheld (first-form receipt): only its statements were checked")
    else:
        opened = ", ".join(report.opened or {}) or "none"
        print(f"document v{report.document_version} matches every commitment; opened: {opened}")
    return 0


def _signed_pdf_attachments(pdf: bytes, ca_file: str | None) -> dict[str, bytes] | None:
    """The files attached to a receipt PDF's signed revision, once its signature checks out."""
    from backend.documents.verify import verify_pdf

    if ca_file is None:
        _say("piaojia: error: a PDF is checked against the deployment CA: pass --ca ca.crt")
        return None
    try:
        ca_pem = Path(ca_file).read_bytes()
    except OSError as exc:
        _say(f"piaojia: error: cannot read {ca_file}: {exc.strerror}")
        return None
    checked = verify_pdf(pdf, ca_pem)
    if not checked.valid:
        _say(f"piaojia: NOT VERIFIED: the PDF's signature does not hold: {checked.problem}")
        return None
    if not checked.attachments:
        _say("piaojia: NOT VERIFIED: the PDF carries no ledger proof (not yet anchored?)")
        return None
    return checked.attachments


def cmd_ledger_audit(settings: Settings | None, args: argparse.Namespace) -> int:
    from backend.anchoring.audit import AuditError, audit_log

    state = Path(args.state) if args.state else None
    keys = policy_and_log_key(args)
    if keys is None:
        return 1
    policy, log_key = keys
    try:
        report = asyncio.run(audit_log(args.url, log_key=log_key, state_file=state, policy=policy))
    except AuditError as exc:
        _say(f"piaojia: AUDIT FAILED at {exc}")
        return 1
    since = f", consistent with size {report.previous_size}" if report.previous_size else ""
    print(
        f"audited {report.origin}: {report.tree_size} entries, {report.tiles} tiles and "
        f"{report.bundles} entry bundles reproduce the signed root{since}"
    )
    return 0


def add_ledger_commands(subparsers: Any, build_services: SequencerServicesBuilder) -> None:
    """Add ``ledger`` and its actions to the ``piaojia`` command line; ``ledger sequence`` runs
    on the services ``build_services`` wires."""
    ledger = subparsers.add_parser("ledger", help="the ledger: keys, sequencing").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    ledger_init = ledger.add_parser(
        "init", help="create the log's signing key file; prints its verifier key"
    )
    ledger_init.add_argument("--origin", help="log origin (default: <public host>/ledger)")
    add_algorithms_option(ledger_init)
    ledger_init.set_defaults(run=cmd_ledger_init)
    ledger_key = ledger.add_parser("key", help="print the log's verifier key alone on stdout")
    ledger_key.set_defaults(run=cmd_ledger_key)
    ledger_sequence = ledger.add_parser(
        "sequence",
        help="run only the sequencer (integrate and witness) until stopped; "
        "the app runs one too, and at most one process sequences at a time",
    )
    ledger_sequence.add_argument(
        "--batch", type=int, help="most statements per checkpoint (default: PIAOJIA_LEDGER_BATCH)"
    )
    ledger_sequence.set_defaults(run=functools.partial(cmd_ledger_sequence, build_services))
    verify = ledger.add_parser(
        "verify", help="check a receipt's proof bundle offline: commitment, proof, signatures"
    )
    verify.add_argument(
        "bundle",
        help="a proof bundle (JSON), a signed receipt PDF or a .tlog-proof; - for standard input",
    )
    verify.add_argument("--entry", help="with a .tlog-proof: the entry (statement) it proves")
    verify.add_argument(
        "--document", help="with a .tlog-proof: the receipt document the statement commits to"
    )
    verify.add_argument("--ca", help="the deployment CA certificate, to check a PDF's signature")
    verify.add_argument("--log-key", help="the log's verifier key (or one log in --policy)")
    verify.add_argument("--policy", help="a tlog-policy file: logs, witnesses and quorum")
    verify.add_argument(
        "--witness-key", action="append", default=[], help="a trusted witness's verifier key"
    )
    verify.add_argument(
        "--quorum", type=int, default=0, help="cosignatures required from those witnesses"
    )
    verify.set_defaults(run=cmd_ledger_verify, needs_settings=False)
    audit = ledger.add_parser(
        "audit", help="download a server's whole log and recompute every tile and root"
    )
    audit.add_argument("url", help="the service's base URL, e.g. https://piaojia.example")
    audit.add_argument("--log-key", help="the log's verifier key (or one log in --policy)")
    audit.add_argument("--policy", help="a tlog-policy file the checkpoint must satisfy")
    audit.add_argument(
        "--state", help="file keeping the last audited checkpoint, to check consistency with it"
    )
    audit.set_defaults(run=cmd_ledger_audit, needs_settings=False)
    add_mirror_command(ledger)
