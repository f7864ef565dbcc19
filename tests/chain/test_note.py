from __future__ import annotations

import base64

import pytest

from chain.errors import (
    InvalidSignatureError,
    MalformedKeyError,
    MalformedNoteError,
    UnverifiedNoteError,
)
from chain.keys import VerifierKey, key_id
from chain.note import (
    ED25519,
    MAX_SIGNATURES,
    NoteSigner,
    NoteVerifier,
    Signature,
    Signer,
    Verifier,
    open_note,
    sign_note,
    split_note,
)

# golang.org/x/mod/sumdb/note note_test.go
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)

# c2sp.org/signed-note example
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_PUBLIC = "e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4"
C2SP_NOTE = (
    "This is an example message.\n\n— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
).encode()


def test_go_signer_reproduces_the_published_signature() -> None:
    signer = NoteSigner.from_key_string(GO_SKEY)
    assert signer.key_string() == GO_SKEY
    assert signer.verifier().key_string() == GO_VKEY
    assert sign_note(GO_TEXT, [signer]) == (GO_TEXT + "\n" + GO_SIG).encode()


def test_go_note_opens_with_its_verifier() -> None:
    verifier = NoteVerifier.from_key_string(GO_VKEY)
    note = open_note((GO_TEXT + "\n" + GO_SIG).encode(), [verifier])
    assert note.text == GO_TEXT
    assert [(s.name, s.key_id) for s in note.signatures] == [("PeterNeumann", 0xC74F20A3)]
    assert note.unverified == ()


def test_c2sp_example_note_verifies() -> None:
    verifier = NoteVerifier.from_key_string(C2SP_VKEY)
    assert verifier.public_key.hex() == C2SP_PUBLIC
    assert verifier.key_id == 0x530D903A
    assert open_note(C2SP_NOTE, [verifier]).text == "This is an example message.\n"


@pytest.mark.parametrize(
    "vkey",
    [
        "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
        "foo+1573814f+ATnT68N1+aPhXIQhFQ0X6jekt0UsUk/iyE8dWHb3g9GN",
        GO_VKEY,
        C2SP_VKEY,
    ],
)
def test_key_ids_rederive_and_keys_roundtrip(vkey: str) -> None:
    parsed = VerifierKey.parse(vkey)
    assert parsed.key_type == ED25519
    assert key_id(parsed.name, parsed.key_type, parsed.public_key) == parsed.key_id
    assert str(parsed) == vkey
    assert NoteVerifier.from_key_string(vkey).key_string() == vkey


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong ID
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # short ID
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",  # bad base64
        "PeterNeumann+zzzzzzzz+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_rejected(vkey: str) -> None:
    with pytest.raises(MalformedKeyError):
        NoteVerifier.from_key_string(vkey)


def test_verifier_refuses_other_key_types() -> None:
    raw = bytes([0x04]) + bytes(32)
    vkey = f"w+{key_id('w', 0x04, bytes(32)):08x}+{base64.b64encode(raw).decode()}"
    assert VerifierKey.parse(vkey).key_type == 0x04
    with pytest.raises(MalformedKeyError):
        NoteVerifier.from_key_string(vkey)


@pytest.mark.parametrize(
    "skey",
    [
        GO_SKEY.replace("c74f20a3", "c74f20a4"),
        GO_SKEY.replace("PRIVATE+KEY", "PRIVATE+KEX"),
        GO_SKEY[:-4],
        "PRIVATE+KEY+PeterNeumann+c74f20a3",
    ],
)
def test_malformed_signer_keys_are_rejected(skey: str) -> None:
    with pytest.raises(MalformedKeyError):
        NoteSigner.from_key_string(skey)


def test_signer_and_verifier_satisfy_the_protocols() -> None:
    signer = NoteSigner.generate("example.com/log")
    assert isinstance(signer, Signer)
    assert isinstance(signer.verifier(), Verifier)
    assert "PRIVATE" not in repr(signer)
    restored = NoteSigner.from_key_string(signer.key_string())
    assert restored.key_id == signer.key_id


_GOOD_LINE = GO_SIG[:-1]


@pytest.mark.parametrize(
    "message",
    [
        b"",
        b"\n",
        b"text\n",
        b"text\n\n",
        f"text\n\n{_GOOD_LINE}".encode(),  # no final newline
        f"text\n\n{_GOOD_LINE}\n\n".encode(),  # blank line at the end
        f"text\n\n{_GOOD_LINE}\nnot a signature\n".encode(),
        f"text\n\n{_GOOD_LINE.replace('— ', '- ')}\n".encode(),  # hyphen, not em dash
        f"text\n\n{_GOOD_LINE.replace('— ', '—')}\n".encode(),
        "text\n\n— Peter+Neumann x08go/ZJ\n".encode(),
        "text\n\n— PeterNeumann\n".encode(),
        "text\n\n— PeterNeumann x08g\n".encode(),  # fewer than 5 bytes
        "text\n\n— PeterNeumann !!!!\n".encode(),
        f"tab\there\n\n{_GOOD_LINE}\n".encode(),
        b"bad utf8 \xff\n\n" + _GOOD_LINE.encode() + b"\n",
    ],
)
def test_malformed_notes_are_rejected(message: bytes) -> None:
    with pytest.raises(MalformedNoteError):
        open_note(message, [NoteVerifier.from_key_string(GO_VKEY)])


def test_note_text_may_contain_blank_lines() -> None:
    signer = NoteSigner.generate("example.com/a")
    text = "first\n\nsecond\n"
    note = open_note(sign_note(text, [signer]), [signer.verifier()])
    assert note.text == text


def test_unknown_signatures_are_ignored_and_kept() -> None:
    log = NoteSigner.generate("example.com/log")
    other = NoteSigner.generate("example.com/other")
    impostor = NoteSigner.generate("example.com/log")  # same name, different key ID
    message = sign_note("hello\n", [other, impostor, log])
    note = open_note(message, [log.verifier()])
    assert [s.name for s in note.signatures] == ["example.com/log"]
    assert {s.key_id for s in note.unverified} == {other.key_id, impostor.key_id}


def test_a_bad_signature_from_a_known_key_rejects_the_note() -> None:
    signer = NoteSigner.generate("example.com/log")
    forged = Signature(signer.name, signer.key_id, bytes(64))
    message = sign_note("hello\n", [], existing=[forged])
    with pytest.raises(InvalidSignatureError):
        open_note(message, [signer.verifier()])


def test_tampered_text_fails_verification() -> None:
    signer = NoteSigner.from_key_string(GO_SKEY)
    message = sign_note(GO_TEXT, [signer]).replace(b"answer", b"answers")
    with pytest.raises(InvalidSignatureError):
        open_note(message, [signer.verifier()])


def test_a_note_without_known_signatures_does_not_open() -> None:
    with pytest.raises(UnverifiedNoteError):
        open_note(C2SP_NOTE, [NoteVerifier.from_key_string(GO_VKEY)])
    with pytest.raises(UnverifiedNoteError):
        open_note(C2SP_NOTE, [])


def test_duplicate_signatures_count_once() -> None:
    signer = NoteSigner.generate("example.com/log")
    message = sign_note("hello\n", [signer])
    line = message.split(b"\n\n", 1)[1]
    note = open_note(message + line, [signer.verifier()])
    assert len(note.signatures) == 1


def test_ambiguous_verifiers_are_refused() -> None:
    verifier = NoteVerifier.from_key_string(GO_VKEY)
    with pytest.raises(MalformedKeyError):
        open_note((GO_TEXT + "\n" + GO_SIG).encode(), [verifier, verifier])


def test_signature_count_is_bounded() -> None:
    signer = NoteSigner.generate("example.com/log")
    message = sign_note("hello\n", [signer])
    _, sigs = split_note(message)
    filler = Signature("example.com/x", 1, bytes(64))
    crowded = sign_note("hello\n", [], existing=[filler] * MAX_SIGNATURES + sigs)
    with pytest.raises(MalformedNoteError):
        open_note(crowded, [signer.verifier()])
    enough = sign_note("hello\n", [], existing=[filler] * 15 + sigs)
    assert open_note(enough, [signer.verifier()]).signatures == tuple(sigs)


def test_signing_requires_well_formed_text() -> None:
    signer = NoteSigner.generate("example.com/log")
    with pytest.raises(MalformedNoteError):
        sign_note("no newline", [signer])
    with pytest.raises(MalformedNoteError):
        sign_note("bell\x07\n", [signer])


def test_resigning_replaces_the_old_signature_of_that_key() -> None:
    signer = NoteSigner.generate("example.com/log")
    other = NoteSigner.generate("example.com/other")
    first = open_note(sign_note("hi\n", [signer, other]), [signer.verifier(), other.verifier()])
    again = sign_note("hi\n", [signer], existing=first.signatures)
    assert again.count("—".encode()) == 2
