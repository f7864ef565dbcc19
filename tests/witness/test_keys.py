"""The witness key file and the trusted log keys."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    PublicFormat,
)

from backend.witness.errors import KeyFileError, LogKeyError, WitnessNameError
from backend.witness.keys import (
    WitnessKey,
    load_key,
    load_or_create_key,
    parse_log_keys,
    verifier_key,
    witness_signer,
)
from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.cosignature import CosignatureVerifier
from chain.hashing import EMPTY_ROOT
from chain.note import NoteSigner, open_note, sign_note
from tests.witness.support import ORIGIN


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _public(key: WitnessKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_the_key_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "witness.pem"
    key, created = load_or_create_key(path)
    assert created
    assert _mode(path) == 0o600
    assert _mode(path.parent) & 0o077 == 0
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert [p.name for p in path.parent.iterdir()] == ["witness.pem"]  # no temporary left

    again, created_again = load_or_create_key(path)
    assert not created_again
    assert _public(again) == _public(key)
    assert _public(load_key(path)) == _public(key)


def test_the_verifier_key_checks_cosignatures(tmp_path: Path) -> None:
    key, _ = load_or_create_key(tmp_path / "w.pem")
    signer = witness_signer("witness.example/w1", key, clock=lambda: 1_790_000_000)
    vkey = verifier_key(signer)
    assert vkey.startswith("witness.example/w1+")
    verifier = CosignatureVerifier.from_key_string(vkey)
    assert verifier.key_id == signer.key_id

    text = Checkpoint(ORIGIN, 0, EMPTY_ROOT).text()
    note = sign_note(text, [signer])
    (cosignature,) = open_note(note, [verifier]).signatures
    assert cosignature.name == "witness.example/w1"


@pytest.mark.parametrize("name", ["", "has space", "a+b", "tab\there"])
def test_invalid_witness_names_are_refused(name: str) -> None:
    with pytest.raises(WitnessNameError, match="invalid witness name"):
        witness_signer(name, Ed25519PrivateKey.generate())


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.pem"
    load_or_create_key(path)
    path.chmod(0o640)
    with pytest.raises(KeyFileError, match=r"accessible by others \(mode 0640\)"):
        load_or_create_key(path)


def test_files_that_are_not_an_ed25519_pem_key_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key\n")
    junk.chmod(0o600)
    with pytest.raises(KeyFileError, match="not an unencrypted PEM private key"):
        load_key(junk)

    encrypted = tmp_path / "encrypted.pem"
    encrypted.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(b"secret")
        )
    )
    encrypted.chmod(0o600)
    with pytest.raises(KeyFileError, match="not an unencrypted PEM private key"):
        load_key(encrypted)

    big = tmp_path / "big.pem"
    big.write_bytes(b"A" * 10_000)
    big.chmod(0o600)
    with pytest.raises(KeyFileError, match="too large"):
        load_key(big)

    with pytest.raises(KeyFileError, match="not a regular file"):
        load_key(tmp_path)


def test_unwritable_and_missing_paths_are_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way\n")
    with pytest.raises(KeyFileError, match="cannot create key file") as failure:
        load_or_create_key(blocker / "w.pem")
    assert "\n" not in str(failure.value)
    with pytest.raises(KeyFileError, match="cannot read key file"):
        load_key(tmp_path / "absent.pem")


def test_a_symlinked_key_file_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "real.pem"
    load_or_create_key(target)
    link = tmp_path / "link.pem"
    link.symlink_to(target)
    with pytest.raises(KeyFileError, match="cannot read key file"):
        load_or_create_key(link)


def test_log_keys_map_origins_to_their_verifiers() -> None:
    first = NoteSigner.generate(ORIGIN)
    rotated = NoteSigner.generate(ORIGIN)
    other = NoteSigner.generate("example.com/other-log")
    logs = parse_log_keys(
        [
            first.verifier().key_string(),
            rotated.verifier().key_string() + "\n",  # pasted with a newline
            other.verifier().key_string(),
        ]
    )
    assert sorted(logs) == ["example.com/other-log", ORIGIN]
    assert [v.key_id for v in logs[ORIGIN]] == [first.key_id, rotated.key_id]
    checkpoint = sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), [rotated])
    assert open_note(checkpoint.note, logs[ORIGIN]).signatures


def test_bad_and_repeated_log_keys_are_refused() -> None:
    good = NoteSigner.generate(ORIGIN).verifier().key_string()
    with pytest.raises(LogKeyError, match="'garbage' is not an Ed25519 verifier key"):
        parse_log_keys(["garbage"])
    with pytest.raises(LogKeyError, match="not an Ed25519 verifier key"):
        parse_log_keys([good[:-4] + "AAAA"])  # key ID no longer matches
    cosigner_key = verifier_key(witness_signer("w", Ed25519PrivateKey.generate()))
    with pytest.raises(LogKeyError, match="not an Ed25519 verifier key"):
        parse_log_keys([cosigner_key])  # a witness key (type 0x04) cannot sign checkpoints
    with pytest.raises(LogKeyError, match="given twice"):
        parse_log_keys([good, good])
