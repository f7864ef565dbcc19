from __future__ import annotations

import base64

import pytest

from chain.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from chain.errors import (
    InvalidSignatureError,
    MalformedCheckpointError,
    UnverifiedNoteError,
)
from chain.note import NoteSigner, NoteVerifier
from tests.chain import realworld
from tests.chain.rfc6962 import ROOTS

EXAMPLE = "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"


def test_format_and_parse_the_rfc6962_tree_as_a_checkpoint() -> None:
    checkpoint = Checkpoint("example.com/log", 8, ROOTS[8])
    assert checkpoint.text() == EXAMPLE
    assert Checkpoint.parse(EXAMPLE) == checkpoint


def test_extension_lines_roundtrip() -> None:
    text = EXAMPLE + "ext one\next two\n"
    checkpoint = Checkpoint.parse(text)
    assert checkpoint.extensions == ("ext one", "ext two")
    assert checkpoint.text() == text


def test_empty_tree_checkpoint() -> None:
    text = "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    assert Checkpoint.parse(text).size == 0


@pytest.mark.parametrize(
    "text",
    [
        "example.com/log\n8\n",
        "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
        "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "example.com/log\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "example.com/log\n+8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "example.com/log\n 8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "example.com/log\n-1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "example.com/log\n9223372036854775808\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQ=\n",
        "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n",
        "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n",
        EXAMPLE + "\n",
        EXAMPLE + "ext\n\n",
    ],
)
def test_malformed_checkpoints_are_rejected(text: str) -> None:
    with pytest.raises(MalformedCheckpointError):
        Checkpoint.parse(text)


def test_sign_and_open() -> None:
    signer = NoteSigner.generate("example.com/log")
    signed = sign_checkpoint(Checkpoint("example.com/log", 8, ROOTS[8]), [signer])
    opened, note = open_checkpoint(signed.note, [signer.verifier()], origin="example.com/log")
    assert opened == signed
    assert note.text == EXAMPLE


def test_tampered_checkpoint_is_rejected() -> None:
    signer = NoteSigner.generate("example.com/log")
    signed = sign_checkpoint(Checkpoint("example.com/log", 8, ROOTS[8]), [signer])
    for tampered in (
        signed.note.replace(b"\n8\n", b"\n9\n"),
        signed.note.replace(base64.b64encode(ROOTS[8]), base64.b64encode(ROOTS[7])),
    ):
        with pytest.raises(InvalidSignatureError):
            open_checkpoint(tampered, [signer.verifier()])


def test_origin_must_match_when_required() -> None:
    signer = NoteSigner.generate("example.com/log")
    signed = sign_checkpoint(Checkpoint("example.com/other", 8, ROOTS[8]), [signer])
    with pytest.raises(MalformedCheckpointError):
        open_checkpoint(signed.note, [signer.verifier()], origin="example.com/log")


def test_real_ct_log_checkpoint_opens_with_the_log_key() -> None:
    verifier = NoteVerifier.from_key_string(realworld.LOG_VKEY)
    signed, note = open_checkpoint(realworld.NOTE, [verifier], origin=realworld.ORIGIN)
    assert signed.checkpoint.size == realworld.SIZE
    assert base64.b64encode(signed.checkpoint.root_hash).decode() == realworld.ROOT
    assert len(note.signatures) == 1
    assert len(note.unverified) == 5  # the RFC 6962 signature and four cosignatures


def test_real_checkpoint_with_a_changed_size_is_rejected() -> None:
    verifier = NoteVerifier.from_key_string(realworld.LOG_VKEY)
    changed = realworld.NOTE.replace(str(realworld.SIZE).encode(), b"42")
    with pytest.raises(InvalidSignatureError):
        open_checkpoint(changed, [verifier])
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(realworld.NOTE, [NoteSigner.generate(realworld.ORIGIN).verifier()])
