"""Witnesses cosign with Ed25519 (type 0x04) or ML-DSA-44 (type 0x06); a policy counts both."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PrivateKey

from backend.witness.cli import main
from backend.witness.keys import load_or_create_key, witness_signer
from chain.cosignature import CosignatureSigner
from chain.log import Log
from chain.mldsa import MLDSACosignatureSigner, MLDSACosignatureVerifier
from chain.note import NoteSigner
from chain.policy import Policy
from chain.quorum import count_cosignatures
from chain.storage.memory import MemoryStorage
from chain.witness import MemoryWitnessState, Witness
from tests.witness.support import grow, request_body

NOW = 1_790_000_000


async def test_witnesses_cosign_with_either_algorithm_and_the_policy_counts_both(
    tmp_path: Path,
) -> None:
    log_signer = NoteSigner.generate("example.com/log")
    log = Log(MemoryStorage(), log_signer)
    pq_key, created = load_or_create_key(tmp_path / "pq.pem", "ml-dsa-44")
    assert created and isinstance(pq_key, MLDSA44PrivateKey)
    assert isinstance(load_or_create_key(tmp_path / "pq.pem")[0], MLDSA44PrivateKey)
    signers = {
        "pq": witness_signer("pq.example", pq_key, clock=lambda: NOW),
        "ed": witness_signer("ed.example", Ed25519PrivateKey.generate(), clock=lambda: NOW),
    }
    assert isinstance(signers["pq"], MLDSACosignatureSigner)
    assert isinstance(signers["ed"], CosignatureSigner)
    signed = await grow(log, b"e", 2)
    note = signed.note
    for signer in signers.values():
        witness = Witness(signer, {log.origin: [log_signer.verifier()]}, MemoryWitnessState())
        note += (await witness.handle_request(await request_body(log, 0, signed))).encode()
    policy = Policy.parse(
        f"log {log.verifier_key}\n"
        + "".join(f"witness {n} {s.verifier().key_string()}\n" for n, s in signers.items())
        + "group both all pq ed\nquorum both\n"
    )
    result = count_cosignatures(note, policy, now=NOW)
    assert result.cosigned == ("pq", "ed") and result.satisfied


def test_witness_key_makes_an_ml_dsa_44_key_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "pq.pem"
    argv = ["key", "--name", "pq.example", "--key-file", str(key_file)]
    assert main([*argv, "--algorithm", "ml-dsa-44"]) == 0
    vkey = capsys.readouterr().out.strip()
    assert MLDSACosignatureVerifier.from_key_string(vkey).name == "pq.example"
    assert key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    # The file decides from then on: the same key, whatever --algorithm says.
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == vkey
