"""Verifier and signer keys whose base64 part holds '+' (about half of them) parse everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.config import SettingsError, load_settings
from backend.witness.keys import parse_log_keys
from backend.witness_settings import configured_policy
from chain.cosignature import CosignatureSigner, CosignatureVerifier
from chain.keys import VerifierKey
from chain.note import NoteSigner, NoteVerifier
from chain.policy import Policy

SECRET = "s" * 32
COUNT = 500


def _b64(key: str) -> str:
    return key.split("+", 2)[2] if not key.startswith("PRIVATE+") else key.split("+", 4)[4]


@pytest.fixture(scope="module")
def witnesses() -> list[CosignatureSigner]:
    return [CosignatureSigner(f"w{n}.example", Ed25519PrivateKey.generate()) for n in range(COUNT)]


def test_many_generated_keys_hold_plus_signs_and_all_round_trip(
    witnesses: list[CosignatureSigner],
) -> None:
    vkeys = [w.verifier().key_string() for w in witnesses]
    assert sum("+" in _b64(k) for k in vkeys) > COUNT // 4  # the case the test is about
    for signer, vkey in zip(witnesses, vkeys, strict=True):
        parsed = CosignatureVerifier.from_key_string(vkey)
        assert (parsed.name, parsed.key_id) == (signer.name, signer.key_id)
        assert str(VerifierKey.parse(vkey)) == vkey
    logs = [NoteSigner.generate(f"log{n}.example/ledger") for n in range(COUNT)]
    assert sum("+" in _b64(s.key_string()) for s in logs) > COUNT // 4
    for log in logs:
        again = NoteSigner.from_key_string(log.key_string())
        assert again.key_string() == log.key_string()
        vkey = log.verifier().key_string()
        assert NoteVerifier.from_key_string(vkey).key_id == log.key_id
    # The witness's --log option.
    assert len(parse_log_keys(s.verifier().key_string() for s in logs)) == COUNT


def test_the_witness_settings_take_keys_with_plus(witnesses: list[CosignatureSigner]) -> None:
    with_plus = [w for w in witnesses if "+" in _b64(w.verifier().key_string())]
    entries = [f"https://w{n}.example {w.verifier().key_string()}" for n, w in enumerate(with_plus)]
    settings = load_settings(
        {"PIAOJIA_SECRET_KEY": SECRET, "PIAOJIA_WITNESSES": "; ".join(entries)}
    )
    assert len(settings.witnesses) == len(with_plus)
    log = NoteSigner.generate("piaojia.test/ledger")
    policy = configured_policy(
        None,
        settings.witnesses,
        None,
        log_keys=[log.verifier().key_string()],
        log_url="https://piaojia.test/ledger",
    )
    assert policy.minimum() == len(with_plus)
    assert Policy.parse(policy.text()) == policy


def test_a_key_that_is_not_a_witness_key_is_still_refused() -> None:
    log_key = NoteSigner.generate("piaojia.test/ledger").verifier().key_string()
    for bad in ("name+1234", log_key):
        with pytest.raises(SettingsError, match="is not a witness verifier key") as caught:
            load_settings({"PIAOJIA_SECRET_KEY": SECRET, "PIAOJIA_WITNESSES": f"https://w {bad}"})
        assert "\n" not in str(caught.value)


def test_a_policy_file_setting_is_read_and_its_errors_name_file_and_line(tmp_path: Path) -> None:
    witness = CosignatureSigner("w.example", Ed25519PrivateKey.generate()).verifier()
    good = tmp_path / "policy"
    good.write_text(f"witness W {witness.key_string()} https://w.example\nquorum W\n")
    settings = load_settings({"PIAOJIA_SECRET_KEY": SECRET, "PIAOJIA_WITNESS_POLICY": str(good)})
    assert settings.witness_policy is not None and settings.witness_policy.quorum == "W"
    bad = tmp_path / "bad"
    bad.write_text(f"witness W {witness.key_string()}\ngroup G 3 W\nquorum G\n")
    with pytest.raises(SettingsError) as caught:
        load_settings({"PIAOJIA_SECRET_KEY": SECRET, "PIAOJIA_WITNESS_POLICY": str(bad)})
    message = str(caught.value)
    assert message.startswith("PIAOJIA_WITNESS_POLICY=")
    assert f"{bad}: line 2: threshold 3 must be between 1 and the 1 member(s)" in message
    with pytest.raises(SettingsError, match="leave PIAOJIA_WITNESSES and"):
        load_settings(
            {
                "PIAOJIA_SECRET_KEY": SECRET,
                "PIAOJIA_WITNESS_POLICY": str(good),
                "PIAOJIA_WITNESS_QUORUM": "1",
            }
        )
    with pytest.raises(SettingsError, match="cannot read the policy file"):
        load_settings(
            {"PIAOJIA_SECRET_KEY": SECRET, "PIAOJIA_WITNESS_POLICY": str(tmp_path / "none")}
        )
