"""c2sp.org/tlog-proof@v1: writing, strict parsing and verifying ``.tlog-proof`` files."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.cosignature import CosignatureSigner
from chain.errors import SignatureError
from chain.hashing import leaf_hash
from chain.note import NoteSigner, sign_note, split_note
from chain.proofs import inclusion_proof
from chain.tlogproof import (
    MalformedProofError,
    ProofCheckError,
    TlogProof,
    verify_tlog_proof,
)
from chain.tree import tree_root

ORIGIN = "example.com/fancylog"
ENTRIES = [b"entry %d" % i for i in range(11)]


def _tree() -> tuple[NoteSigner, list[CosignatureSigner], bytes]:
    """A signed, twice-cosigned checkpoint of ENTRIES."""
    log = NoteSigner.generate(ORIGIN)
    witnesses = [
        CosignatureSigner(f"witness{n}.example", Ed25519PrivateKey.generate(), clock=lambda: 17)
        for n in (1, 2)
    ]
    root = tree_root([leaf_hash(e) for e in ENTRIES])
    checkpoint = Checkpoint(ORIGIN, len(ENTRIES), root)
    note = sign_note(checkpoint.text(), [log, *witnesses])
    return log, witnesses, note


def _hash_reader(level: int, index: int) -> bytes:
    leaves = [leaf_hash(e) for e in ENTRIES]
    width = 1 << level
    return tree_root(leaves[index * width : (index + 1) * width])


def _proof(index: int, note: bytes, extra: bytes | None = None) -> TlogProof:
    hashes = tuple(inclusion_proof(index, len(ENTRIES), _hash_reader))
    return TlogProof(index, hashes, note, extra)


def test_layout_is_the_specs_line_by_line() -> None:
    _, _, note = _tree()
    proof = _proof(7, note, extra=b"age-v1.2.1")
    lines = proof.encode().decode().split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    assert lines[1] == "extra " + base64.b64encode(b"age-v1.2.1").decode()
    assert lines[2] == "index 7"
    hashes = lines[3 : 3 + len(proof.hashes)]
    assert [base64.b64decode(h) for h in hashes] == list(proof.hashes)
    assert lines[3 + len(proof.hashes)] == ""
    assert proof.encode().endswith(b"\n\n" + note)
    assert TlogProof.parse(proof.encode()) == proof
    without = _proof(7, note)
    assert without.encode().split(b"\n")[1] == b"index 7"
    assert TlogProof.parse(without.encode()) == without


def test_every_entry_verifies_with_log_key_and_witness_quorum() -> None:
    log, witnesses, note = _tree()
    for index, entry in enumerate(ENTRIES):
        verified = verify_tlog_proof(
            _proof(index, note).encode(),
            entry,
            log_verifiers=[log.verifier()],
            witnesses=[w.verifier() for w in witnesses],
            quorum=2,
        )
        assert (verified.index, verified.checkpoint.size) == (index, len(ENTRIES))
        assert verified.witnesses == ("witness1.example", "witness2.example")


def test_a_single_leaf_tree_has_no_proof_lines() -> None:
    log = NoteSigner.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, leaf_hash(b"only")), [log]).note
    proof = TlogProof(0, (), note)
    assert proof.encode().startswith(b"c2sp.org/tlog-proof@v1\nindex 0\n\n")
    verify_tlog_proof(proof.encode(), b"only", log_verifiers=[log.verifier()])


def test_wrong_entry_index_key_origin_or_quorum_fails() -> None:
    log, witnesses, note = _tree()
    proof = _proof(3, note).encode()
    keys = [log.verifier()]
    with pytest.raises(ProofCheckError):
        verify_tlog_proof(proof, ENTRIES[4], log_verifiers=keys)
    with pytest.raises(ProofCheckError):
        verify_tlog_proof(
            _proof(3, note).encode().replace(b"index 3", b"index 2"), ENTRIES[3], log_verifiers=keys
        )
    with pytest.raises(SignatureError):
        verify_tlog_proof(proof, ENTRIES[3], log_verifiers=[NoteSigner.generate(ORIGIN).verifier()])
    with pytest.raises(ProofCheckError):
        verify_tlog_proof(proof, ENTRIES[3], log_verifiers=keys, origin="example.com/other")
    stranger = CosignatureSigner("witness3.example", Ed25519PrivateKey.generate())
    with pytest.raises(ProofCheckError, match="1 valid witness cosignature"):
        verify_tlog_proof(
            proof,
            ENTRIES[3],
            log_verifiers=keys,
            witnesses=[witnesses[0].verifier(), stranger.verifier()],
            quorum=2,
        )


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
        lambda t: t.replace("index 5", "index 05"),
        lambda t: t.replace("index 5", "index +5"),
        lambda t: t.replace("index 5", "index  5"),
        lambda t: t.replace("index 5\n", ""),
        lambda t: t.replace("index 5\n", "index 5\n!!!!\n"),
        lambda t: t.replace("index 5\n", "index 5\nAAAA\n"),  # 3 bytes, not a hash
        lambda t: t.replace("\n\n", "\n", 1),
        lambda t: t.replace("index 5", "extra \nindex 5"),
        lambda t: t.replace("index 5", "extra ab=\nindex 5"),
        lambda t: t.replace("index 5", "index 5").split("\n\n", 1)[0] + "\n\nnot a note",
    ],
)
def test_malformed_proofs_are_rejected(change: object) -> None:
    _, _, note = _tree()
    text = _proof(5, note).encode().decode()
    changed = change(text)  # type: ignore[operator]
    assert changed != text
    with pytest.raises(MalformedProofError):
        TlogProof.parse(changed.encode())


def test_a_negative_index_is_refused_when_the_proof_is_made() -> None:
    _, _, note = _tree()
    with pytest.raises(MalformedProofError, match=r"^index must be non-negative$"):
        TlogProof(-1, (), note)


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"\xff\xfe", "^proof is not UTF-8$"),
        (b"c2sp.org/tlog-proof@v1\nindex 0\n", "^no empty line before the checkpoint$"),
        (b"c2sp.org/tlog-proof@v1\n\n", "^no index line$"),
        (b"c2sp.org/tlog-proof@v1\nextra YQ==\n\n", "^no index line$"),
        (b"c2sp.org/tlog-proof@v1\nextra YR==\nindex 0\n\n", "^extra is not canonical base64$"),
    ],
    ids=["not-utf8", "no-empty-line", "no-index", "extra-but-no-index", "extra-not-canonical"],
)
def test_the_parser_names_what_is_missing_or_wrong(head: bytes, message: str) -> None:
    _, _, note = _tree()
    # A head without its empty line stands alone: an appended note would bring its own.
    data = head if b"\n\n" not in head else head + note
    with pytest.raises(MalformedProofError, match=message):
        TlogProof.parse(data)


def test_a_non_canonical_hash_line_is_refused() -> None:
    _, _, note = _tree()
    text = _proof(5, note).encode().decode()
    line = text.split("\n")[2]
    assert line.endswith("=") and len(line) == 44
    # The last character before the padding carries two unused bits: set one of them.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    bent = line[:42] + alphabet[alphabet.index(line[42]) ^ 1] + "="
    with pytest.raises(
        MalformedProofError, match=r"^inclusion proof line is not canonical base64$"
    ):
        TlogProof.parse(text.replace(line, bent).encode())


def test_a_quorum_the_witnesses_cannot_reach_is_a_caller_error() -> None:
    log, witnesses, note = _tree()
    proof = _proof(0, note)
    for quorum, given in [(1, 0), (3, 2), (-1, 2)]:
        with pytest.raises(ValueError, match=rf"^quorum {quorum} cannot be met by {given} witness"):
            verify_tlog_proof(
                proof,
                ENTRIES[0],
                log_verifiers=[log.verifier()],
                witnesses=[w.verifier() for w in witnesses[:given]],
                quorum=quorum,
            )


def test_a_signed_note_that_is_no_checkpoint_is_a_malformed_proof() -> None:
    log, _, _ = _tree()
    root = base64.b64encode(bytes(32)).decode()
    note = sign_note(f"{ORIGIN}\nnot a size\n{root}\n", [log])
    assert split_note(note)  # a well-formed note, so the proof itself can be made
    with pytest.raises(
        MalformedProofError, match=r"^checkpoint: malformed tree size 'not a size'$"
    ):
        verify_tlog_proof(TlogProof(0, (), note), b"x", log_verifiers=[log.verifier()])
