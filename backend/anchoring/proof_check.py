"""Offline checks of a receipt's proof given as standard files (see ``proof_files``).

Each ``.tlog-proof`` is first checked on its own, as any c2sp.org/tlog-proof@v1 verifier would:
the log's signature, the witness quorum and the inclusion of its statement. The receipt-level
checks (each statement names the document's receipt, its commitment is SHA-256(salt ‖ document),
the salt being the proof's ``extra``) are then those of ``verify_bundle``, on the bundle the
files make up, so both forms are judged by one set of rules.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backend.anchoring.proof_files import DOCUMENT_FILE, file_statements
from chain.cosignature import CosignatureVerifier
from chain.errors import ChainError, MalformedError, SignatureError
from chain.note import NoteVerifier, Verifier
from chain.policy import Policy
from chain.quorum import count_cosignatures
from chain.receipt.bundle import BUNDLE_FORMAT, BundleReport, verify_bundle
from chain.receipt.canonical import commitment
from chain.receipt.errors import (
    CheckpointSignatureError,
    InclusionProofError,
    MalformedBundleError,
    OriginMismatchError,
    StatementMismatchError,
    VerifierConfigError,
    WitnessQuorumError,
)
from chain.tlogproof import (
    OriginCheckError,
    ProofCheckError,
    QuorumCheckError,
    TlogProof,
    VerifiedProof,
    verify_tlog_proof,
)


@dataclass(frozen=True, slots=True)
class EntryReport:
    """What one checked ``.tlog-proof`` established about its entry."""

    proof: VerifiedProof
    document_matches: bool | None
    """Whether SHA-256(extra ‖ document) is the statement's commitment; ``None``: no document
    (or no salt in ``extra``) was given, so the statement was not compared with one."""


def verify_entry(
    proof: bytes,
    entry: bytes,
    *,
    log_key: str,
    witness_keys: Sequence[str] = (),
    quorum: int = 0,
    policy: Policy | None = None,
    document: bytes | None = None,
    where: str = "proof",
) -> EntryReport:
    """Check one ``.tlog-proof`` against its entry (the statement bytes) and the keys.

    ``policy`` (c2sp.org/tlog-policy) replaces ``witness_keys`` and ``quorum``: its quorum
    MUST be met by the checkpoint's cosignatures. With ``document``, also that the statement
    commits to it with the salt in ``extra``. Raises the ``BundleError`` subclass naming the
    first failure, prefixed with ``where``.
    """
    if policy is not None and (witness_keys or quorum):
        raise VerifierConfigError("give a policy or witness keys and a quorum, not both")
    log, given = _verifiers(log_key, witness_keys, quorum)
    # With a policy, the proof lists which of its witnesses cosigned; the policy then judges.
    witnesses: Sequence[Verifier] = (
        given if policy is None else [w.verifier for w in policy.witnesses]
    )
    try:
        parsed = TlogProof.parse(proof)
        verified = verify_tlog_proof(
            parsed, entry, log_verifiers=[log], witnesses=witnesses, quorum=quorum
        )
        if policy is not None:
            counted = count_cosignatures(parsed.checkpoint, policy)
            if not counted.satisfied:
                raise WitnessQuorumError(f"{where}: witnesses: {counted.explain()}")
    except SignatureError as exc:
        raise CheckpointSignatureError(
            f"{where}: checkpoint not validly signed by log key {log.name} ({exc})"
        ) from exc
    except MalformedError as exc:
        raise MalformedBundleError(f"{where}: {exc}") from exc
    except OriginCheckError as exc:
        raise OriginMismatchError(f"{where}: {exc}") from exc
    except QuorumCheckError as exc:
        raise WitnessQuorumError(f"{where}: {exc}") from exc
    except ProofCheckError as exc:
        raise InclusionProofError(0, f"{where}: {exc}") from exc
    matches = None
    if document is not None and parsed.extra is not None:
        committed = _statement(entry, where).get("commitment")
        matches = commitment(parsed.extra, document) == committed
    return EntryReport(verified, matches)


def verify_files(
    files: Mapping[str, bytes],
    *,
    log_key: str,
    witness_keys: Sequence[str] = (),
    quorum: int = 0,
    bundle: bytes | None = None,
    policy: Policy | None = None,
) -> BundleReport:
    """Verify a receipt's standard proof files (a PDF's attachments, or files saved from it).

    Every ``ledger-<n>-<event>.tlog-proof`` is verified with its statement first; then the
    bundle made of the files (with ``receipt-document.json``) goes through ``verify_bundle``.
    Without the document file (a first-form receipt's public copy withholds it), ``bundle``
    (the JSON bundle shipped beside them) is verified instead, and MUST hold exactly the
    files' statements. Raises a ``BundleError`` subclass on the first failure.
    """
    statements = file_statements(files)
    if not statements:
        raise MalformedBundleError("no ledger-<n>-<event>.json with its .tlog-proof beside it")
    for stem, entry, proof in statements:
        verify_entry(
            proof,
            entry,
            log_key=log_key,
            witness_keys=witness_keys,
            quorum=quorum,
            policy=policy,
            where=f"{stem}.tlog-proof",
        )
    made: Mapping[str, Any] | bytes | None = bundle_of(files) if DOCUMENT_FILE in files else bundle
    if made is None:
        raise MalformedBundleError(f"no {DOCUMENT_FILE} beside the statements")
    report = verify_bundle(
        made, log_key=log_key, witness_keys=witness_keys, quorum=quorum, policy=policy
    )
    if DOCUMENT_FILE in files or bundle is None:
        return report
    shipped = [str(e["statement"]).encode() for e in json.loads(bundle)["entries"]]
    if shipped != [entry for _, entry, _ in statements]:
        raise StatementMismatchError("the bundle's statements are not those of the files")
    return report


def bundle_of(files: Mapping[str, bytes]) -> dict[str, Any]:
    """The ``piaojia-proof-bundle/v1`` the standard files make up (they MUST include the
    document): the same bundle the issuer's server made them from, without ``openings``."""
    document = files[DOCUMENT_FILE]
    try:
        parsed = json.loads(document)
        receipt = {
            "id": parsed["id"],
            "code": parsed["code"],
            "number": parsed["number"],
            "issuer": parsed["issuer"]["credit_code"],
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedBundleError(f"{DOCUMENT_FILE}: not a receipt document") from exc
    entries = []
    checkpoint = b""
    for stem, statement, raw in file_statements(files):
        try:
            proof = TlogProof.parse(raw)
        except MalformedError as exc:
            raise MalformedBundleError(f"{stem}.tlog-proof: {exc}") from exc
        if checkpoint and proof.checkpoint != checkpoint:
            raise MalformedBundleError(f"{stem}.tlog-proof: another checkpoint than the others")
        checkpoint = proof.checkpoint
        entries.append(
            {
                "event": stem.split("-", 2)[2],
                "statement": statement.decode("utf-8", "replace"),
                "salt": base64.b64encode(proof.extra or b"").decode(),
                "leaf_index": proof.index,
                "inclusion_proof": [base64.b64encode(h).decode() for h in proof.hashes],
            }
        )
    return {
        "format": BUNDLE_FORMAT,
        "log_origin": checkpoint.split(b"\n", 1)[0].decode("utf-8", "replace"),
        "receipt": receipt,
        "document": document.decode("utf-8", "replace"),
        "entries": entries,
        "checkpoint": checkpoint.decode("utf-8", "replace"),
    }


def _verifiers(
    log_key: str, witness_keys: Sequence[str], quorum: int
) -> tuple[NoteVerifier, list[CosignatureVerifier]]:
    try:
        log = NoteVerifier.from_key_string(log_key)
    except ChainError as exc:
        raise VerifierConfigError(f"log key: {exc}") from exc
    witnesses = []
    for n, key in enumerate(witness_keys):
        try:
            witnesses.append(CosignatureVerifier.from_key_string(key))
        except ChainError as exc:
            raise VerifierConfigError(f"witness key {n}: {exc}") from exc
    if len({(w.name, w.key_id) for w in witnesses}) != len(witnesses):
        raise VerifierConfigError("a witness key is given twice")
    if not 0 <= quorum <= len(witnesses):
        raise VerifierConfigError(f"quorum {quorum} cannot be met by {len(witnesses)} key(s)")
    return log, witnesses


def _statement(entry: bytes, where: str) -> dict[str, Any]:
    try:
        fields = json.loads(entry)
    except ValueError as exc:
        raise MalformedBundleError(f"{where}: the entry is not a JSON statement") from exc
    if not isinstance(fields, dict):
        raise MalformedBundleError(f"{where}: the entry is not a JSON statement")
    return fields


__all__ = ["EntryReport", "bundle_of", "verify_entry", "verify_files"]
