"""Offline verification of proof bundles: a valid bundle passes, every tampering is named."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backend.services import Services
from chain.checkpoint import Checkpoint
from chain.note import NoteSigner, split_note
from chain.receipt.bundle import VerifiedEntry, verify_bundle
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
from tests.anchoring.support import ORIGIN, Bundle, BundleLedger, Scene, verify
from tests.factories import issuer_with_staff, receipt_request


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
