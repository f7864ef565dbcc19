"""``piaojia ledger verify`` on a PDF's standard proof files or on one ``.tlog-proof``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backend.anchoring.proof_check import verify_entry, verify_files
from backend.anchoring.proof_files import BUNDLE_FILE
from chain.policy import Policy
from chain.receipt.bundle import BundleReport, verify_bundle
from chain.receipt.errors import BundleError
from chain.tlogproof import EXTENSION, HEADER

TLOG_PROOF_HEADER = HEADER.encode() + b"\n"


def verify_pdf_attachments(
    attachments: dict[str, bytes], args: argparse.Namespace, policy: Policy | None = None
) -> BundleReport:
    """Verify a signed PDF's ledger proof: its ``.tlog-proof`` files with their statements and
    document when it has them (every PDF made since they exist), else its JSON bundle; the
    witnesses by ``policy`` when one is given, else by ``--witness-key`` and ``--quorum``."""
    bundle = attachments.get(BUNDLE_FILE)
    if any(name.endswith(EXTENSION) for name in attachments):
        return verify_files(
            attachments,
            bundle=bundle,
            log_key=args.log_key,
            witness_keys=args.witness_key,
            quorum=args.quorum,
            policy=policy,
        )
    if bundle is None:
        raise BundleError("the PDF carries no ledger proof (not yet anchored?)")
    return verify_bundle(
        bundle,
        log_key=args.log_key,
        witness_keys=args.witness_key,
        quorum=args.quorum,
        policy=policy,
    )


def verify_tlog_proof_file(
    proof: bytes, args: argparse.Namespace, policy: Policy | None = None
) -> int:
    """Check one ``.tlog-proof`` against ``--entry`` (and ``--document``); the exit status."""
    if args.entry is None:
        _say("piaojia: error: a .tlog-proof is checked against its entry: pass --entry FILE")
        return 1
    try:
        entry = Path(args.entry).read_bytes()
        document = Path(args.document).read_bytes() if args.document else None
    except OSError as exc:
        _say(f"piaojia: error: cannot read {exc.filename}: {exc.strerror}")
        return 1
    try:
        report = verify_entry(
            proof,
            entry,
            log_key=args.log_key,
            witness_keys=args.witness_key,
            quorum=args.quorum,
            policy=policy,
            document=document,
        )
    except BundleError as exc:
        _say(f"piaojia: NOT VERIFIED: {exc}")
        return 1
    if report.document_matches is False:
        _say("piaojia: NOT VERIFIED: SHA-256(extra ‖ document) is not the entry's commitment")
        return 1
    checkpoint = report.proof.checkpoint
    print(
        f"verified: the entry is leaf {report.proof.index} of {checkpoint.origin} at size "
        f"{checkpoint.size}, cosigned by {len(report.proof.witnesses)} witness(es)"
    )
    if report.document_matches:
        print("the entry commits to the document given (salt from the proof's extra)")
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr)


__all__ = ["TLOG_PROOF_HEADER", "verify_pdf_attachments", "verify_tlog_proof_file"]
