"""The refusals at the edges of policies and of judging a note by one: size limits, bad keys,
a policy without logs, a log signing another origin, a cosignature line that does not verify."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.cosignature import CosignatureSigner
from chain.errors import (
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedPolicyError,
    QuorumError,
    UnverifiedNoteError,
)
from chain.hashing import EMPTY_ROOT
from chain.mldsa import MLDSACosignatureSigner, MLDSACosignatureVerifier
from chain.note import NoteSigner, NoteVerifier, sign_text
from chain.policy import MAX_ENTRIES, MAX_POLICY_BYTES, Policy, log_verifier
from chain.quorum import count_cosignatures, open_checkpoint_under

NOW = 1_800_000_000
LOG = NoteSigner.generate("log.example/ledger")
WITNESS = CosignatureSigner("w1.example", Ed25519PrivateKey.generate(), clock=lambda: NOW)
W = WITNESS.verifier().key_string()


def _note(checkpoint: Checkpoint, signers: list[NoteSigner]) -> bytes:
    return sign_checkpoint(checkpoint, signers).note


def test_log_verifier_builds_either_log_key_type_and_refuses_a_witness_key() -> None:
    ed = log_verifier(LOG.verifier().key_string())
    assert isinstance(ed, NoteVerifier) and ed.name == "log.example/ledger"
    pq_key = MLDSACosignatureSigner.generate("pq.example/log").verifier().key_string()
    pq = log_verifier(pq_key)
    assert isinstance(pq, MLDSACosignatureVerifier) and pq.key_string() == pq_key
    with pytest.raises(
        MalformedKeyError,
        match=r"^not a type 0x01 or 0x06 log key \(its signature type is 0x04\)$",
    ):
        log_verifier(W)
    with pytest.raises(MalformedKeyError, match="verifier key needs name, key ID and key"):
        log_verifier("no-key-here")


def test_with_logs_replaces_only_the_log_lines() -> None:
    policy = Policy.parse(
        f"log {LOG.verifier().key_string()}\nwitness A {W} https://a/\nquorum A\n"
    )
    other = NoteSigner.generate("other.example/log").verifier().key_string()
    moved = policy.with_logs(
        [(other, "https://other.example/log"), (LOG.verifier().key_string(), None)]
    )
    assert [(log.vkey, log.url) for log in moved.logs] == [
        (other, "https://other.example/log"),
        (LOG.verifier().key_string(), None),
    ]
    assert (moved.witnesses, moved.groups, moved.quorum) == (
        policy.witnesses,
        policy.groups,
        policy.quorum,
    )
    assert policy.with_logs([]).text() == f"witness A {W} https://a/\nquorum A\n"


def test_the_shorthand_refuses_an_unreachable_quorum_and_a_bad_key() -> None:
    with pytest.raises(MalformedPolicyError, match=r"^quorum 2 cannot be met by 1 witness\(es\)$"):
        Policy.threshold([(W, None)], 2)
    with pytest.raises(MalformedPolicyError, match=r"^quorum -1 cannot be met by 0 witness\(es\)$"):
        Policy.threshold([], -1)
    with pytest.raises(
        MalformedPolicyError, match=r"^'not-a-key': verifier key needs name, key ID and key$"
    ):
        Policy.threshold([("not-a-key", None)], 1)


def test_a_policy_file_over_one_mebibyte_is_refused_before_it_is_read() -> None:
    largest = b"#" * (MAX_POLICY_BYTES - len("\nquorum none")) + b"\nquorum none"
    assert len(largest) == MAX_POLICY_BYTES and Policy.parse(largest).quorum == "none"
    with pytest.raises(
        MalformedPolicyError, match=r"^line 1: a policy file is at most 1048576 bytes$"
    ):
        Policy.parse(b"#" * MAX_POLICY_BYTES + b"\nquorum none\n")


def test_at_most_max_entries_of_one_kind() -> None:
    keys = [
        NoteVerifier(f"log{n}.example", Ed25519PrivateKey.generate().public_key()).key_string()
        for n in range(MAX_ENTRIES + 1)
    ]
    lines = [f"log {key}\n" for key in keys]
    assert len(Policy.parse("".join(lines[:MAX_ENTRIES]) + "quorum none\n").logs) == MAX_ENTRIES
    with pytest.raises(
        MalformedPolicyError, match=f"^line {MAX_ENTRIES + 1}: more than 1024 entries of one kind$"
    ):
        Policy.parse("".join(lines) + "quorum none\n")


def test_a_policy_without_logs_cannot_open_a_checkpoint() -> None:
    note = _note(Checkpoint(LOG.name, 0, EMPTY_ROOT), [LOG])
    policy = Policy.parse("quorum none\n")
    with pytest.raises(UnverifiedNoteError, match="the policy lists no log to check"):
        open_checkpoint_under(note, policy, now=NOW)


def test_a_log_key_named_otherwise_than_the_origin_does_not_vouch_for_it() -> None:
    impostor = NoteSigner.generate("other.example/log")
    note = _note(Checkpoint(LOG.name, 0, EMPTY_ROOT), [impostor])
    policy = Policy.parse(f"log {impostor.verifier().key_string()}\nquorum none\n")
    with pytest.raises(
        MalformedCheckpointError,
        match=r"^checkpoint origin 'log.example/ledger' is not the name of the log that signed it$",
    ):
        open_checkpoint_under(note, policy, now=NOW)


def test_a_cosignature_line_over_another_checkpoint_does_not_verify_and_does_not_count() -> None:
    checkpoint = Checkpoint(LOG.name, 0, EMPTY_ROOT)
    elsewhere = Checkpoint(LOG.name, 1, bytes(32))
    # The witness's own name and key ID, but its signature is over another tree head.
    (grafted,) = sign_text(elsewhere.text(), [WITNESS])
    note = _note(checkpoint, [LOG]) + grafted.line().encode()
    policy = Policy.parse(f"log {LOG.verifier().key_string()}\nwitness A {W}\nquorum A\n")
    result = count_cosignatures(note, policy, now=NOW)
    assert result == type(result)((), ("A's cosignature does not verify",), False)
    with pytest.raises(QuorumError, match=r"^0 valid cosignature\(s\) do not meet the policy's"):
        open_checkpoint_under(note, policy, now=NOW)
    (genuine,) = sign_text(checkpoint.text(), [WITNESS])
    opened, counted = open_checkpoint_under(
        _note(checkpoint, [LOG]) + genuine.line().encode(), policy, now=NOW
    )
    assert opened == checkpoint and counted.cosigned == ("A",)
