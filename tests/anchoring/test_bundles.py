"""Offline verification of proof bundles: a valid bundle passes, every tampering is named."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.applications import Starlette

from backend.services import Services
from chain.checkpoint import Checkpoint
from chain.cosignature import CosignatureSigner
from chain.note import NoteSigner, split_note
from chain.policy import Policy
from chain.receipt.bundle import VerifiedEntry, verify_bundle
from chain.receipt.canonical import canonical_json
from chain.receipt.document import decode_base64
from chain.receipt.errors import (
    BundleError,
    CheckpointSignatureError,
    CommitmentMismatchError,
    InclusionProofError,
    MalformedBundleError,
    OriginMismatchError,
    StatementMismatchError,
    VerifierConfigError,
    WitnessQuorumError,
)
from tests.anchoring.support import ORIGIN, BundleLedger
from tests.factories import issuer_with_staff, receipt_request

Bundle = dict[str, Any]


@dataclass
class Scene:
    ledger: BundleLedger
    bundle: Bundle
    """Receipt A: issued, then reversed; 300 filler leaves before it so proofs cross tiles."""
    other: Bundle
    """Receipt B, issued between A's two events, in the same tree."""


@pytest.fixture
async def scene() -> Scene:
    ledger = BundleLedger.create(witnesses=2)
    await ledger.filler(300)
    first = await ledger.issue()
    await ledger.checkpoint()  # a batch boundary inside the receipt's history
    await ledger.filler(40)
    second = await ledger.issue()
    await ledger.anchor(first, "reversed")
    await ledger.filler(7)
    note = await ledger.checkpoint()
    return Scene(ledger, await ledger.bundle(first, note), await ledger.bundle(second, note))


def verify(scene: Scene, bundle: Bundle | bytes | None = None, **options: Any) -> Any:
    options.setdefault("log_key", scene.ledger.log_key)
    options.setdefault("witness_keys", scene.ledger.witness_keys)
    options.setdefault("quorum", 2)
    return verify_bundle(scene.bundle if bundle is None else bundle, **options)


def test_valid_bundle_with_two_of_two_witnesses_passes(scene: Scene) -> None:
    report = verify(scene)

    checkpoint = Checkpoint.parse(split_note(scene.bundle["checkpoint"].encode())[0])
    assert report.origin == ORIGIN
    assert report.tree_size == 350 == checkpoint.size
    assert report.root_hash == checkpoint.root_hash
    assert (report.code, report.number) == ("44060126", "0000000001")
    assert report.receipt_id == scene.bundle["receipt"]["id"]
    assert [(e.event, e.leaf_index) for e in report.entries] == [("issued", 300), ("reversed", 342)]
    assert all(
        isinstance(e, VerifiedEntry) and e.at.startswith("2026-11-27") for e in report.entries
    )
    assert report.witnesses == ("witness-0.test", "witness-1.test")


def test_bundle_as_json_bytes_passes(scene: Scene) -> None:
    raw = json.dumps(scene.bundle, ensure_ascii=False).encode()
    assert verify(scene, raw).tree_size == 350


def test_other_receipt_in_the_same_tree_passes(scene: Scene) -> None:
    report = verify(scene, scene.other)
    assert report.number == "0000000002"
    assert [(e.event, e.leaf_index) for e in report.entries] == [("issued", 341)]


def flip_base64(text: str, at: int) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[at] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, (old, text)
    return text.replace(old, new)


def tamper_document(b: Bundle, _: Scene) -> None:
    b["document"] = replace_once(b["document"], '"total_fen":2560', '"total_fen":2561')


def tamper_salt(b: Bundle, _: Scene) -> None:
    b["entries"][1]["salt"] = flip_base64(b["entries"][1]["salt"], 0)


def tamper_statement(b: Bundle, _: Scene) -> None:
    statement = b["entries"][1]["statement"]
    b["entries"][1]["statement"] = replace_once(statement, '"at":"2026', '"at":"2027')


def tamper_statement_commitment(b: Bundle, _: Scene) -> None:
    statement = b["entries"][0]["statement"]
    b["entries"][0]["statement"] = statement.replace('"sha256:', '"sha256:0', 1)[:-3] + '"}'


def tamper_proof_hash(b: Bundle, _: Scene) -> None:
    proof = b["entries"][0]["inclusion_proof"]
    proof[3] = flip_base64(proof[3], 31)


def drop_proof_hash(b: Bundle, _: Scene) -> None:
    b["entries"][0]["inclusion_proof"].pop()


def tamper_leaf_index(b: Bundle, _: Scene) -> None:
    b["entries"][1]["leaf_index"] += 1


def leaf_index_outside_tree(b: Bundle, _: Scene) -> None:
    b["entries"][0]["leaf_index"] = 350


def tamper_checkpoint_body(b: Bundle, _: Scene) -> None:
    b["checkpoint"] = replace_once(b["checkpoint"], "\n350\n", "\n351\n")


def tamper_cosignature(b: Bundle, _: Scene) -> None:
    lines = b["checkpoint"].split("\n")
    line = next(i for i, text in enumerate(lines) if " witness-1.test " in text)
    head, blob = lines[line].rsplit(" ", 1)
    lines[line] = f"{head} {flip_base64(blob, 40)}"  # past the key ID: in the signature
    b["checkpoint"] = "\n".join(lines)


def claim_other_origin(b: Bundle, _: Scene) -> None:
    b["log_origin"] = "elsewhere.test/ledger"


def relabel_event(b: Bundle, _: Scene) -> None:
    b["entries"][0]["event"] = "reimbursed"


def borrow_other_receipts_entry(b: Bundle, scene: Scene) -> None:
    # B's statement is genuinely in the log, with a valid proof: it just is not about A.
    b["entries"][0] = copy.deepcopy(scene.other["entries"][0])


def swap_in_other_document(b: Bundle, scene: Scene) -> None:
    b["document"], b["receipt"] = scene.other["document"], scene.other["receipt"]


def tamper_receipt_header(b: Bundle, _: Scene) -> None:
    b["receipt"]["number"] = "0000000002"


TAMPERINGS: list[tuple[Callable[[Bundle, Scene], None], type[BundleError], str]] = [
    (tamper_document, CommitmentMismatchError, "entry 0 (issued, leaf 300): SHA-256"),
    (tamper_salt, CommitmentMismatchError, "entry 1 (reversed, leaf 342): SHA-256"),
    (tamper_statement, InclusionProofError, "entry 1 (reversed, leaf 342): inclusion proof"),
    (tamper_statement_commitment, InclusionProofError, "entry 0 (issued, leaf 300)"),
    (tamper_proof_hash, InclusionProofError, "entry 0 (issued, leaf 300): inclusion proof"),
    (drop_proof_hash, InclusionProofError, "wrong proof length"),
    (tamper_leaf_index, InclusionProofError, "entry 1 (reversed, leaf 343)"),
    (leaf_index_outside_tree, InclusionProofError, "index 350 is not in a tree of size 350"),
    (tamper_checkpoint_body, CheckpointSignatureError, "checkpoint: not validly signed"),
    (tamper_cosignature, WitnessQuorumError, "witness-1.test's cosignature does not verify"),
    (claim_other_origin, OriginMismatchError, "bundle says 'elsewhere.test/ledger'"),
    (
        relabel_event,
        StatementMismatchError,
        "statement event 'issued' is not the entry's 'reimbursed'",
    ),
    (
        borrow_other_receipts_entry,
        StatementMismatchError,
        "entry 0 (issued, leaf 341): statement number '0000000002' "
        "is not the document's '0000000001'",
    ),
    (
        swap_in_other_document,
        StatementMismatchError,
        "statement number '0000000001' is not the document's '0000000002'",
    ),
    (tamper_receipt_header, StatementMismatchError, "receipt: number '0000000002'"),
]


@pytest.mark.parametrize(
    ("tamper", "error", "message"), TAMPERINGS, ids=[t[0].__name__ for t in TAMPERINGS]
)
def test_each_tampering_fails_with_its_error(
    scene: Scene,
    tamper: Callable[[Bundle, Scene], None],
    error: type[BundleError],
    message: str,
) -> None:
    verify(scene)  # untouched, the same bundle passes
    bundle = copy.deepcopy(scene.bundle)
    tamper(bundle, scene)
    with pytest.raises(error) as caught:
        verify(scene, bundle)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_inclusion_error_names_the_entry(scene: Scene) -> None:
    bundle = copy.deepcopy(scene.bundle)
    tamper_leaf_index(bundle, scene)
    with pytest.raises(InclusionProofError) as caught:
        verify(scene, bundle)
    assert caught.value.entry == 1


def test_wrong_log_key_fails_the_checkpoint_signature(scene: Scene) -> None:
    same_name = NoteSigner.generate(ORIGIN).verifier().key_string()
    other_name = NoteSigner.generate("elsewhere.test/ledger").verifier().key_string()
    for key in (same_name, other_name):
        with pytest.raises(CheckpointSignatureError, match=r"^checkpoint: not validly signed"):
            verify(scene, log_key=key)


async def test_quorum_not_met_when_a_witness_did_not_cosign(scene: Scene) -> None:
    ledger = scene.ledger
    note = await ledger.checkpoint(cosigners=ledger.witnesses[:1])
    bundle = await ledger.bundle(ledger.receipts[0], note)

    with pytest.raises(WitnessQuorumError) as caught:
        verify(scene, bundle)
    assert str(caught.value) == (
        "witnesses: 1 valid cosignature(s), 2 required (witness-1.test did not cosign)"
    )
    assert verify(scene, bundle, quorum=1).witnesses == ("witness-0.test",)
    assert verify(scene, bundle, witness_keys=[], quorum=0).witnesses == ()


def test_a_bad_cosignature_does_not_count_but_others_can_meet_the_quorum(scene: Scene) -> None:
    bundle = copy.deepcopy(scene.bundle)
    tamper_cosignature(bundle, scene)
    assert verify(scene, bundle, quorum=1).witnesses == ("witness-0.test",)


async def test_cosignatures_from_unknown_witnesses_are_ignored(scene: Scene) -> None:
    ledger = scene.ledger
    known = ledger.witness_keys
    stranger = BundleLedger.create(witnesses=1).witnesses  # named witness-0.test, other key
    note = await ledger.checkpoint(cosigners=[*ledger.witnesses[1:], *stranger])
    bundle = await ledger.bundle(ledger.receipts[0], note)

    with pytest.raises(WitnessQuorumError, match=r"witness-0\.test did not cosign"):
        verify(scene, bundle, witness_keys=known, quorum=2)
    assert verify(scene, bundle, witness_keys=known, quorum=1).witnesses == ("witness-1.test",)


def set_path(bundle: Bundle, path: tuple[str | int, ...], value: Any) -> None:
    target: Any = bundle
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


MALFORMED: list[tuple[tuple[str | int, ...], Any, str]] = [
    (("format",), "piaojia-proof-bundle/v2", "bundle format is not"),
    (("log_origin",), 7, "log_origin: not a non-empty string"),
    (("receipt",), "0000000001", "receipt: not an object"),
    (("receipt", "code"), None, "receipt.code: not a string"),  # "" names a 数电票
    (("receipt", "number"), "", "receipt.number: not a non-empty string"),
    (("entries",), [], "entries: not a non-empty list"),
    (("entries", 0), "issued", "entries[0]: not an object"),
    (("entries", 1, "salt"), base64.b64encode(b"x" * 15).decode(), "15 bytes, expected 16"),
    (("entries", 1, "salt"), "not base64!", "entries[1].salt: not base64"),
    (("entries", 0, "leaf_index"), True, "leaf_index: not a non-negative integer"),
    (("entries", 0, "leaf_index"), -1, "leaf_index: not a non-negative integer"),
    (("entries", 0, "leaf_index"), "300", "leaf_index: not a non-negative integer"),
    (("entries", 0, "inclusion_proof"), "AAAA", "inclusion_proof: not a list"),
    (("entries", 0, "inclusion_proof", 2), "AAAA", "inclusion_proof[2]: 3 bytes, expected 32"),
    (("entries", 0, "statement"), None, "entries[0].statement: not a non-empty string"),
    (("document",), "{not json", "document: not JSON"),
    (("document",), "[]", "document: not a JSON object"),
    (("document",), '{"code": "44060126"}', "document: not canonical JSON"),
    (("checkpoint",), "bundles.test/ledger\n350\n", "checkpoint: note has no blank line"),
]


@pytest.mark.parametrize(("path", "value", "message"), MALFORMED)
def test_malformed_bundles_are_named(
    scene: Scene, path: tuple[str | int, ...], value: Any, message: str
) -> None:
    bundle = copy.deepcopy(scene.bundle)
    set_path(bundle, path, value)
    with pytest.raises(MalformedBundleError) as caught:
        verify(scene, bundle)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "raw", [b"\xff\xfe", b"{", b"[1, 2]", b'"bundle"'], ids=["utf8", "json", "list", "string"]
)
def test_raw_bytes_that_are_no_bundle_are_malformed(scene: Scene, raw: bytes) -> None:
    with pytest.raises(MalformedBundleError):
        verify(scene, raw)


async def test_statement_in_the_log_that_is_not_canonical_is_malformed() -> None:
    ledger = BundleLedger.create(witnesses=0)
    receipt = await ledger.issue()
    event, entry, salt = receipt.entries[0]
    spaced = json.dumps(json.loads(entry), sort_keys=True).encode()  # ", " and ": " separators
    await ledger.log.append(spaced)
    ledger.leaves.append(spaced)
    receipt.entries[0] = (event, spaced, salt)
    bundle = await ledger.bundle(receipt, await ledger.checkpoint())

    with pytest.raises(MalformedBundleError, match="statement is not a canonical JSON object"):
        verify_bundle(bundle, log_key=ledger.log_key)


def test_unusable_keys_and_quorums_are_configuration_errors(scene: Scene) -> None:
    log_key, witness_keys = scene.ledger.log_key, scene.ledger.witness_keys
    cases: list[tuple[dict[str, Any], str]] = [
        ({"log_key": "not a key"}, "log key:"),
        ({"log_key": witness_keys[0]}, "log key: not a type 0x01"),
        ({"witness_keys": [log_key]}, "witness key 0: not a type 0x04"),
        ({"witness_keys": [witness_keys[1], witness_keys[1]]}, "given twice"),
        ({"quorum": 3}, "quorum 3 cannot be met by 2 witness key(s)"),
        ({"quorum": -1}, "quorum -1 cannot be met"),
    ]
    for options, message in cases:
        with pytest.raises(VerifierConfigError) as caught:
            verify(scene, **options)
        assert message in str(caught.value), options


async def test_the_services_own_bundle_verifies(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    url = "/api/v1/hospital/receipts"
    issued = (await client.post(url, json=receipt_request(), headers=cashier.headers)).json()
    await client.post(url, json=receipt_request(), headers=cashier.headers)
    await client.post(f"{url}/{issued['id']}/reversal", json={"reason": "退费"},
                      headers=cashier.headers)  # fmt: skip
    services: Services = app.state.services
    await services.sequencer.integrate_once()

    response = await client.get(f"{url}/{issued['id']}/proof", headers=cashier.headers)
    assert response.status_code == 200, response.text
    log_key = (await client.get("/ledger/key")).text.strip()
    report = verify_bundle(response.content, log_key=log_key)

    assert (report.receipt_id, report.number) == (issued["id"], issued["number"])
    assert [(e.event, e.leaf_index) for e in report.entries] == [("issued", 0), ("reversed", 3)]
    assert report.document_version == 2 and report.opened is not None
    assert report.opened["payer.name"] == "张三"  # the issuer's bundle opens the fields
    tampered = response.json()
    tampered["document"] = tampered["document"].replace('"total_fen":8560', '"total_fen":8561')
    with pytest.raises(CommitmentMismatchError):
        verify_bundle(tampered, log_key=log_key)


def test_a_policy_of_both_witnesses_passes_and_names_them(scene: Scene) -> None:
    lines = [f"witness W{n} {key}" for n, key in enumerate(scene.ledger.witness_keys)]
    policy = Policy.parse("\n".join([*lines, "group both all W0 W1", "quorum both", ""]))

    report = verify_bundle(scene.bundle, log_key=scene.ledger.log_key, policy=policy)

    assert report.witnesses == ("witness-0.test", "witness-1.test")


def test_a_policy_beside_witness_keys_is_refused(scene: Scene) -> None:
    policy = Policy.parse(f"witness W0 {scene.ledger.witness_keys[0]}\nquorum W0\n")
    with pytest.raises(VerifierConfigError, match="not both"):
        verify(scene, policy=policy)


def test_a_policy_the_cosignatures_do_not_meet_is_refused(scene: Scene) -> None:
    stranger = (
        CosignatureSigner("stranger.test", Ed25519PrivateKey.generate(), clock=lambda: 1)
        .verifier()
        .key_string()
    )
    policy = Policy.parse(f"witness S {stranger}\nquorum S\n")
    with pytest.raises(WitnessQuorumError, match="witnesses"):
        verify_bundle(scene.bundle, log_key=scene.ledger.log_key, policy=policy)


def test_a_withheld_document_with_openings_is_refused(scene: Scene) -> None:
    bundle = dict(scene.bundle)
    bundle.pop("document")
    bundle["withheld"] = "document"
    bundle["openings"] = {}
    with pytest.raises(MalformedBundleError, match="opens nothing"):
        verify(scene, bundle)


def test_a_withheld_marker_that_is_no_string_is_refused(scene: Scene) -> None:
    bundle = dict(scene.bundle)
    bundle.pop("document")
    bundle["withheld"] = 1
    with pytest.raises(MalformedBundleError, match="withheld"):
        verify(scene, bundle)


def _with_document(scene: Scene, change: Any) -> Bundle:
    bundle = dict(scene.bundle)
    document = json.loads(bundle["document"])
    change(document)
    bundle["document"] = canonical_json(document).decode()
    return bundle


@pytest.mark.parametrize("version", [True, 3, "2"], ids=["true", "three", "text"])
def test_a_document_of_another_version_is_refused(scene: Scene, version: object) -> None:
    bundle = _with_document(scene, lambda d: d.update(v=version))
    with pytest.raises(MalformedBundleError, match="version"):
        verify(scene, bundle)


def test_a_document_whose_number_is_no_string_is_refused(scene: Scene) -> None:
    bundle = _with_document(scene, lambda d: d.update(number=1))
    with pytest.raises(MalformedBundleError, match="number is not a string"):
        verify(scene, bundle)


def test_a_second_form_document_holding_a_name_in_clear_is_refused(scene: Scene) -> None:
    bundle = _with_document(scene, lambda d: d.update(v=2))
    with pytest.raises(MalformedBundleError, match="is not a sha256 commitment"):
        verify(scene, bundle)


def test_a_first_form_document_with_openings_is_refused(scene: Scene) -> None:
    bundle = dict(scene.bundle)
    bundle["openings"] = {}
    with pytest.raises(MalformedBundleError, match="first-form document"):
        verify(scene, bundle)


def test_a_salt_that_is_no_string_is_refused() -> None:
    with pytest.raises(MalformedBundleError, match="not a base64 string"):
        decode_base64(16, "openings.payer.name.salt", 16)
