from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.checkpoint import Checkpoint
from chain.cosignature import (
    COSIGNATURE_V1,
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_message,
    cosignature_timestamp,
    future_skew,
)
from chain.errors import InvalidSignatureError, MalformedCheckpointError, MalformedKeyError
from chain.note import NoteVerifier, Signer, Verifier, open_note, sign_note
from tests.chain import realworld
from tests.chain.rfc6962 import ROOTS


def test_message_layout_matches_the_spec_example() -> None:
    body = b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert cosignature_message(body, 1679315147) == b"cosignature/v1\ntime 1679315147\n" + body


def test_real_witness_cosignature_verifies() -> None:
    remora = CosignatureVerifier.from_key_string(realworld.REMORA_VKEY)
    assert remora.key_string() == realworld.REMORA_VKEY
    note = open_note(realworld.NOTE, [remora])
    (signature,) = note.signatures
    assert signature.name == "remora.n621.de"
    assert cosignature_timestamp(signature.signature) == realworld.COSIGNED_AT


def test_real_witness_cosignature_breaks_when_the_size_changes() -> None:
    remora = CosignatureVerifier.from_key_string(realworld.REMORA_VKEY)
    changed = realworld.NOTE.replace(str(realworld.SIZE).encode(), b"42")
    with pytest.raises(InvalidSignatureError):
        open_note(changed, [remora])


def test_log_and_witness_keys_both_verify_the_real_note() -> None:
    verifiers: list[Verifier] = [
        NoteVerifier.from_key_string(realworld.LOG_VKEY),
        CosignatureVerifier.from_key_string(realworld.REMORA_VKEY),
    ]
    assert len(open_note(realworld.NOTE, verifiers).signatures) == 2


def test_key_id_uses_type_0x04() -> None:
    key = Ed25519PrivateKey.generate()
    signer = CosignatureSigner("witness.example/w1", key)
    public = signer.verifier().key_string().split("+", 2)[2]
    raw = base64.b64decode(public)
    assert raw[0] == COSIGNATURE_V1
    digest = hashlib.sha256(b"witness.example/w1\n\x04" + raw[1:]).digest()
    assert signer.key_id == int.from_bytes(digest[:4], "big")


def test_sign_and_verify_roundtrip_with_fixed_clock() -> None:
    signer = CosignatureSigner("w.example", Ed25519PrivateKey.generate(), clock=lambda: 1700000000)
    assert isinstance(signer, Signer)
    assert isinstance(signer.verifier(), Verifier)
    text = Checkpoint("example.com/log", 8, ROOTS[8]).text()
    note = open_note(sign_note(text, [signer]), [signer.verifier()])
    (signature,) = note.signatures
    assert len(signature.signature) == 72
    assert cosignature_timestamp(signature.signature) == 1700000000


def test_cosigner_refuses_anything_but_a_checkpoint() -> None:
    signer = CosignatureSigner("w.example", Ed25519PrivateKey.generate())
    with pytest.raises(MalformedCheckpointError):
        signer.sign(b"transfer all the money\n")


def test_verifier_rejects_bad_lengths_and_wrong_timestamps() -> None:
    signer = CosignatureSigner("w.example", Ed25519PrivateKey.generate(), clock=lambda: 5)
    verifier = signer.verifier()
    text = Checkpoint("example.com/log", 8, ROOTS[8]).text().encode()
    good = signer.sign(text)
    assert verifier.verify(text, good)
    assert not verifier.verify(text, good[8:])
    assert not verifier.verify(text, (6).to_bytes(8, "big") + good[8:])
    assert not verifier.verify(text, (1 << 63).to_bytes(8, "big") + good[8:])


def test_cosignature_verifier_refuses_plain_note_keys() -> None:
    with pytest.raises(MalformedKeyError):
        CosignatureVerifier.from_key_string(realworld.LOG_VKEY)


def test_future_skew_counts_only_seconds_ahead_and_needs_a_timestamp() -> None:
    dated = (1000).to_bytes(8, "big") + bytes(64)
    assert future_skew(dated, 400) == 600
    assert future_skew(dated, 1000) == 0
    assert future_skew(dated, 5000) == 0  # an old cosignature is not "ahead"
    assert future_skew(dated[:8], 0) == 1000  # the bytes after the timestamp are not read
    with pytest.raises(ValueError, match="starts with 8 timestamp bytes"):
        future_skew(dated[:7], 0)
