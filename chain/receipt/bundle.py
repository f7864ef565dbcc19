"""Offline verification of a receipt's proof bundle.

A proof bundle (format ``piaojia-proof-bundle/v1``) carries a receipt's canonical document, the
ledger statements about it with their salts, leaf indexes and inclusion proofs, and the signed
(and usually witness-cosigned) checkpoint those proofs lead to. :func:`verify_bundle` checks all
of it with nothing but the keys it is given: no network, no database. A public bundle's
document holds the payer's personal fields as commitments only; a bundle for whoever holds the
receipt's data adds their openings (see ``chain.receipt.document``).

What a successful check means, link by link:

- the checkpoint is signed by the log key, and by at least ``quorum`` of the witness keys;
- every statement is a leaf of that checkpoint's tree, at its stated index;
- every statement names the document's receipt (issuer, 票据代码, 票据号码) and its event;
- every statement's commitment is SHA-256(salt ‖ document): the document is the one the issuer
  committed to, byte for byte (not checked when a first-form receipt's public bundle withholds
  its document: the report then says so);
- every opening's value and field salt hash to the document's commitment to that field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chain.checkpoint import Checkpoint, open_checkpoint
from chain.cosignature import CosignatureVerifier
from chain.errors import (
    ChainError,
    InvalidSignatureError,
    MalformedError,
    ProofError,
    SignatureError,
    TreeRangeError,
    UnverifiedNoteError,
)
from chain.hashing import HASH_SIZE, leaf_hash
from chain.note import Verifier, open_note
from chain.policy import Policy, log_verifier
from chain.quorum import count_cosignatures
from chain.receipt.canonical import commitment
from chain.receipt.document import Identity, decode_base64, document_identity
from chain.receipt.errors import (
    CheckpointSignatureError,
    CommitmentMismatchError,
    InclusionProofError,
    MalformedBundleError,
    OriginMismatchError,
    StatementMismatchError,
    VerifierConfigError,
    WitnessQuorumError,
)
from chain.receipt.statement import check_statement, read_statement
from chain.verify import verify_inclusion

BUNDLE_FORMAT = "piaojia-proof-bundle/v1"
SALT_SIZE = 16
WITHHELD = (
    "this receipt was committed in the first document form, which holds personal data in "
    "clear: its document is given to its issuer only; the statements below still verify"
)


@dataclass(frozen=True, slots=True)
class VerifiedEntry:
    """One statement proven to be in the log."""

    event: str
    leaf_index: int
    at: str


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What a verified bundle proves."""

    origin: str
    tree_size: int
    root_hash: bytes
    receipt_id: str
    code: str
    number: str
    entries: tuple[VerifiedEntry, ...]
    witnesses: tuple[str, ...]
    """Names of the given witness keys whose cosignature verified, in the order given."""
    document_version: int | None = None
    """The document's form (1 or 2); ``None``: the bundle withholds it, so no statement's
    commitment was checked against a document (only that the statements are in the log)."""
    opened: dict[str, str | None] | None = None
    """The personal fields the bundle opened and proved, by path (``payer.name``…)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    event: str
    statement: bytes
    salt: bytes
    leaf_index: int
    proof: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class _Bundle:
    origin: str
    receipt_id: str
    code: str
    number: str
    header: dict[str, str]
    document: bytes | None
    entries: tuple[_Entry, ...]
    checkpoint: bytes
    raw: Mapping[str, Any]


def verify_bundle(
    bundle: Mapping[str, Any] | bytes,
    *,
    log_key: str,
    witness_keys: Sequence[str] = (),
    quorum: int = 0,
    policy: Policy | None = None,
) -> BundleReport:
    """Verify a proof bundle offline and return what it proves.

    ``bundle`` is the decoded JSON object or its raw bytes. ``log_key`` is the log's C2SP
    verifier key string (type 0x01, named by the log origin); ``witness_keys`` are type 0x04
    cosignature verifier keys, of which at least ``quorum`` MUST have cosigned the checkpoint.
    A cosignature line by a given witness that does not verify counts as no cosignature.
    ``policy`` (c2sp.org/tlog-policy) replaces ``witness_keys`` and ``quorum``: its quorum MUST
    be met, and cosignatures dated too far ahead do not count (:mod:`chain.quorum`).

    Returns only if every check listed in the module docstring passes; otherwise raises the
    :class:`BundleError` subclass naming the first failure, checked in this order: keys and
    quorum, bundle shape, checkpoint signature, origin, witness quorum, document and its
    openings, and then per entry: inclusion proof, statement shape, statement against
    document, commitment.
    """
    verifier, witnesses = _verifiers(log_key, witness_keys, quorum)
    parsed = _parse(bundle)
    checkpoint = _open_checkpoint(parsed, verifier)
    if policy is None:
        cosigned = _check_quorum(parsed.checkpoint, witnesses, quorum)
    else:
        if witness_keys or quorum:
            raise VerifierConfigError("give a policy or witness keys and a quorum, not both")
        result = count_cosignatures(parsed.checkpoint, policy)
        if not result.satisfied:
            raise WitnessQuorumError(f"witnesses: {result.explain()}")
        cosigned = tuple(policy_witness_names(policy, result.cosigned))
    document = document_identity(parsed.raw, parsed.header, parsed.document)
    verified = tuple(
        _check_entry(n, entry, parsed, document, checkpoint)
        for n, entry in enumerate(parsed.entries)
    )
    return BundleReport(
        origin=checkpoint.origin,
        tree_size=checkpoint.size,
        root_hash=checkpoint.root_hash,
        receipt_id=parsed.receipt_id,
        code=parsed.code,
        number=parsed.number,
        entries=verified,
        witnesses=cosigned,
        document_version=document.version,
        opened=document.opened,
    )


def _verifiers(
    log_key: str, witness_keys: Sequence[str], quorum: int
) -> tuple[Verifier, list[CosignatureVerifier]]:
    try:
        verifier = log_verifier(log_key)
    except ChainError as exc:
        raise VerifierConfigError(f"log key: {exc}") from exc
    witnesses: list[CosignatureVerifier] = []
    for n, key in enumerate(witness_keys):
        try:
            witness = CosignatureVerifier.from_key_string(key)
        except ChainError as exc:
            raise VerifierConfigError(f"witness key {n}: {exc}") from exc
        # The same key twice would let one witness count twice towards the quorum.
        if any((w.name, w.key_id) == (witness.name, witness.key_id) for w in witnesses):
            raise VerifierConfigError(f"witness key {n}: {witness.name} is given twice")
        witnesses.append(witness)
    if not 0 <= quorum <= len(witnesses):
        raise VerifierConfigError(
            f"quorum {quorum} cannot be met by {len(witnesses)} witness key(s)"
        )
    return verifier, witnesses


def _parse(bundle: Mapping[str, Any] | bytes) -> _Bundle:
    if isinstance(bundle, bytes | bytearray):
        try:
            bundle = json.loads(bytes(bundle).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise MalformedBundleError(f"bundle is not UTF-8 JSON: {exc}") from exc
    if not isinstance(bundle, Mapping):
        raise MalformedBundleError("bundle is not a JSON object")
    if bundle.get("format") != BUNDLE_FORMAT:
        raise MalformedBundleError(f"bundle format is not {BUNDLE_FORMAT!r}")
    receipt = bundle.get("receipt")
    if not isinstance(receipt, Mapping):
        raise MalformedBundleError("receipt: not an object")
    entries = bundle.get("entries")
    if not isinstance(entries, list) or not entries:
        raise MalformedBundleError("entries: not a non-empty list")
    header = {name: _text(receipt, name, f"receipt.{name}") for name in ("id", "number")}
    # A 数电票 has no 发票代码: its code is the empty string, still a string.
    header["code"] = _text(receipt, "code", "receipt.code", empty=True)
    if "issuer" in receipt:
        header["issuer"] = _text(receipt, "issuer", "receipt.issuer")
    document = None
    if "document" in bundle or "withheld" not in bundle:
        document = _text(bundle, "document", "document").encode()
    elif not isinstance(bundle["withheld"], str):
        raise MalformedBundleError("withheld: not a string")
    return _Bundle(
        origin=_text(bundle, "log_origin", "log_origin"),
        receipt_id=header["id"],
        code=header["code"],
        number=header["number"],
        header=header,
        document=document,
        entries=tuple(
            _parse_entry(n, entry, salted=document is not None) for n, entry in enumerate(entries)
        ),
        checkpoint=_text(bundle, "checkpoint", "checkpoint").encode(),
        raw=bundle,
    )


def _parse_entry(n: int, entry: object, *, salted: bool) -> _Entry:
    where = f"entries[{n}]"
    if not isinstance(entry, Mapping):
        raise MalformedBundleError(f"{where}: not an object")
    index = entry.get("leaf_index")
    # bool is an int in Python, and JSON true must not pass for leaf 1.
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise MalformedBundleError(f"{where}.leaf_index: not a non-negative integer")
    proof = entry.get("inclusion_proof")
    if not isinstance(proof, list):
        raise MalformedBundleError(f"{where}.inclusion_proof: not a list")
    # A bundle withholding the document withholds the salts too (nothing to check them on).
    salt = b""
    if salted or "salt" in entry:
        salt = decode_base64(_text(entry, "salt", f"{where}.salt"), f"{where}.salt", SALT_SIZE)
    return _Entry(
        event=_text(entry, "event", f"{where}.event"),
        statement=_text(entry, "statement", f"{where}.statement").encode(),
        salt=salt,
        leaf_index=index,
        proof=tuple(
            decode_base64(h, f"{where}.inclusion_proof[{i}]", HASH_SIZE)
            for i, h in enumerate(proof)
        ),
    )


def _text(obj: Mapping[str, Any], key: str, where: str, *, empty: bool = False) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not (value or empty):
        raise MalformedBundleError(f"{where}: not {'a' if empty else 'a non-empty'} string")
    return value


def _open_checkpoint(bundle: _Bundle, verifier: Verifier) -> Checkpoint:
    try:
        signed, _ = open_checkpoint(bundle.checkpoint, [verifier])
    except SignatureError as exc:
        raise CheckpointSignatureError(
            f"checkpoint: not validly signed by log key {verifier.name}+{verifier.key_id:08x} "
            f"({exc})"
        ) from exc
    except MalformedError as exc:
        raise MalformedBundleError(f"checkpoint: {exc}") from exc
    checkpoint = signed.checkpoint
    # The key name is the origin (C2SP tlog-checkpoint): a checkpoint of another log signed by
    # the same key, or a bundle claiming another log, must not pass.
    if not checkpoint.origin == bundle.origin == verifier.name:
        raise OriginMismatchError(
            f"origin: checkpoint says {checkpoint.origin!r}, bundle says {bundle.origin!r}, "
            f"log key is named {verifier.name!r}"
        )
    return checkpoint


def _check_quorum(
    note: bytes, witnesses: list[CosignatureVerifier], quorum: int
) -> tuple[str, ...]:
    cosigned: list[str] = []
    missing: list[str] = []
    for witness in witnesses:
        # One witness at a time: open_note rejects a whole note when any known key's
        # signature fails, but here a bad cosignature only means that witness does not count.
        try:
            open_note(note, [witness])
        except UnverifiedNoteError:
            missing.append(f"{witness.name} did not cosign")
        except InvalidSignatureError:
            missing.append(f"{witness.name}'s cosignature does not verify")
        else:
            cosigned.append(witness.name)
    if len(cosigned) < quorum:
        raise WitnessQuorumError(
            f"witnesses: {len(cosigned)} valid cosignature(s), {quorum} required "
            f"({'; '.join(missing)})"
        )
    return tuple(cosigned)


def _check_entry(
    n: int, entry: _Entry, bundle: _Bundle, document: Identity, checkpoint: Checkpoint
) -> VerifiedEntry:
    where = f"entry {n} ({entry.event}, leaf {entry.leaf_index})"
    # Inclusion first: only a statement proven to be in the log is worth comparing further.
    try:
        verify_inclusion(
            entry.leaf_index,
            checkpoint.size,
            leaf_hash(entry.statement),
            entry.proof,
            checkpoint.root_hash,
        )
    except (ProofError, TreeRangeError) as exc:
        raise InclusionProofError(
            n, f"{where}: inclusion proof fails in the tree of size {checkpoint.size}: {exc}"
        ) from exc
    fields = read_statement(entry.statement, where)
    # A withheld document (a first-form receipt's public bundle) has no commitment to check.
    committed = None if bundle.document is None else commitment(entry.salt, bundle.document)
    mismatches = check_statement(
        fields,
        event=entry.event,
        issuer=document.issuer,
        code=document.code,
        number=document.number,
        commitment=committed,
    )
    if mismatches:
        mismatch = mismatches[0]  # the first, as the order of the checks names it
        if mismatch.field == "commitment":
            raise CommitmentMismatchError(
                f"{where}: SHA-256(salt ‖ document) is not the statement's commitment; "
                "the document or salt was altered"
            )
        source = "entry's" if mismatch.field == "event" else "document's"
        raise StatementMismatchError(
            f"{where}: statement {mismatch.field} {mismatch.stated!r} is not the {source} "
            f"{mismatch.expected!r}"
        )
    return VerifiedEntry(event=entry.event, leaf_index=entry.leaf_index, at=str(fields["at"]))


__all__ = ["BUNDLE_FORMAT", "WITHHELD", "BundleReport", "VerifiedEntry", "verify_bundle"]


def policy_witness_names(policy: Policy, names: Sequence[str]) -> list[str]:
    """The key names of the policy witnesses called ``names`` (what a report lists)."""
    return [w.verifier.name for w in policy.witnesses if w.name in names]
