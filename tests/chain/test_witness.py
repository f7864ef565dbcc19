from __future__ import annotations

import asyncio
import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.checkpoint import Checkpoint, SignedCheckpoint, sign_checkpoint
from chain.cosignature import CosignatureSigner, cosignature_timestamp
from chain.errors import (
    ClockBehindError,
    InconsistentCheckpointError,
    MalformedRequestError,
    OldSizeMismatchError,
    OldSizeTooLargeError,
    RootMismatchError,
    UnknownLogError,
    UntrustedCheckpointError,
)
from chain.hashing import EMPTY_ROOT
from chain.log import Log
from chain.note import NoteSigner, open_note
from chain.storage.memory import MemoryStorage
from chain.witness import (
    AddCheckpointRequest,
    MemoryWitnessState,
    TreeHead,
    Witness,
    WitnessState,
)
from tests.chain.rfc6962 import ROOTS

ORIGIN = "example.com/piaojia-test"
NOW = 1_790_000_000


def _witness(log_signer: NoteSigner, state: WitnessState | None = None) -> Witness:
    cosigner = CosignatureSigner(
        "witness.example/w1", Ed25519PrivateKey.generate(), clock=lambda: NOW
    )
    return Witness(
        cosigner, {log_signer.name: [log_signer.verifier()]}, state or MemoryWitnessState()
    )


async def _grow(log: Log, prefix: bytes, count: int) -> SignedCheckpoint:
    for i in range(count):
        await log.append(prefix + b"%d" % i)
    return await log.integrate()


def test_witness_cosigns_a_growing_log() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        log = Log(MemoryStorage(), signer)
        witness = _witness(signer)
        first = await _grow(log, b"a", 5)
        lines = await witness.add_checkpoint(0, [], first.note)
        note = open_note(first.note + lines.encode(), [witness.verifier()])
        (cosignature,) = note.signatures
        assert cosignature_timestamp(cosignature.signature) == NOW

        second = await _grow(log, b"b", 7)
        proof = await log.consistency_proof(5, 12)
        lines = await witness.add_checkpoint(5, proof.hashes, second.note)
        assert open_note(second.note + lines.encode(), [witness.verifier(), signer.verifier()])
        # The same checkpoint again: equal sizes, empty proof, same root.
        assert await witness.add_checkpoint(12, [], second.note)

    asyncio.run(scenario())


def test_witness_refuses_a_forked_log() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        honest = Log(MemoryStorage(), signer)
        forked = Log(MemoryStorage(), signer)  # same key and origin, different history
        witness = _witness(signer)
        seen = await _grow(honest, b"honest", 12)
        await witness.add_checkpoint(0, [], seen.note)

        same_size = await _grow(forked, b"forked", 12)
        with pytest.raises(RootMismatchError) as conflict:
            await witness.add_checkpoint(12, [], same_size.note)
        assert conflict.value.known_size == 12

        larger = await _grow(forked, b"more", 3)
        proof = await forked.consistency_proof(12, 15)  # valid for the fork only
        with pytest.raises(InconsistentCheckpointError):
            await witness.add_checkpoint(12, proof.hashes, larger.note)

        # The honest log still gets cosigned.
        grown = await _grow(honest, b"next", 3)
        honest_proof = await honest.consistency_proof(12, 15)
        assert await witness.add_checkpoint(12, honest_proof.hashes, grown.note)

    asyncio.run(scenario())


def test_witness_answers_old_size_conflicts_with_its_size() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        log = Log(MemoryStorage(), signer)
        witness = _witness(signer)
        cp = await _grow(log, b"a", 9)
        await witness.add_checkpoint(0, [], cp.note)
        newer = await _grow(log, b"b", 4)
        with pytest.raises(OldSizeMismatchError) as conflict:
            await witness.add_checkpoint(0, [], newer.note)
        assert conflict.value.known_size == 9
        with pytest.raises(OldSizeMismatchError):
            await witness.add_checkpoint(8, (await log.consistency_proof(8)).hashes, newer.note)
        with pytest.raises(OldSizeTooLargeError):
            await witness.add_checkpoint(14, [], newer.note)

    asyncio.run(scenario())


def test_witness_never_rolls_back() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        log = Log(MemoryStorage(), signer)
        witness = _witness(signer)
        old = await _grow(log, b"a", 4)
        new = await _grow(log, b"b", 4)
        await witness.add_checkpoint(0, [], new.note)
        with pytest.raises(OldSizeTooLargeError):
            await witness.add_checkpoint(8, [], old.note)
        with pytest.raises(OldSizeMismatchError):
            await witness.add_checkpoint(0, [], old.note)

    asyncio.run(scenario())


def test_witness_rejects_untrusted_and_unknown_checkpoints() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        witness = _witness(signer)
        genuine = sign_checkpoint(Checkpoint(ORIGIN, 8, ROOTS[8]), [signer])

        impostor = sign_checkpoint(Checkpoint(ORIGIN, 8, ROOTS[8]), [NoteSigner.generate(ORIGIN)])
        with pytest.raises(UntrustedCheckpointError):
            await witness.add_checkpoint(0, [], impostor.note)

        tampered = genuine.note.replace(b"\n8\n", b"\n9\n")
        with pytest.raises(UntrustedCheckpointError):
            await witness.add_checkpoint(0, [], tampered)

        other = NoteSigner.generate("example.com/other")
        unknown = sign_checkpoint(Checkpoint(other.name, 8, ROOTS[8]), [other])
        with pytest.raises(UnknownLogError):
            await witness.add_checkpoint(0, [], unknown.note)

        with pytest.raises(MalformedRequestError):
            await witness.add_checkpoint(0, [], b"not a note")

    asyncio.run(scenario())


def test_witness_rejects_proofs_where_none_belong() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        witness = _witness(signer)
        cp = sign_checkpoint(Checkpoint(ORIGIN, 8, ROOTS[8]), [signer])
        with pytest.raises(InconsistentCheckpointError):
            await witness.add_checkpoint(0, [ROOTS[1]], cp.note)
        await witness.add_checkpoint(0, [], cp.note)
        with pytest.raises(InconsistentCheckpointError):
            await witness.add_checkpoint(8, [ROOTS[1]], cp.note)
        bogus_empty = sign_checkpoint(Checkpoint(ORIGIN, 0, ROOTS[1]), [signer])
        fresh = _witness(signer)
        with pytest.raises(InconsistentCheckpointError):
            await fresh.add_checkpoint(0, [], bogus_empty.note)
        empty = sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), [signer])
        assert await fresh.add_checkpoint(0, [], empty.note)

    asyncio.run(scenario())


class _RacingState(MemoryWitnessState):
    """Another witness process advances the state between check and persist."""

    async def compare_and_set(self, origin: str, old_size: int, new: TreeHead) -> bool:
        await super().compare_and_set(origin, old_size, TreeHead(new.size + 10, new.root_hash))
        return await super().compare_and_set(origin, old_size, new)


def test_state_race_is_reported_as_conflict_not_rollback() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        state = _RacingState()
        witness = _witness(signer, state)
        cp = sign_checkpoint(Checkpoint(ORIGIN, 8, ROOTS[8]), [signer])
        with pytest.raises(OldSizeMismatchError) as conflict:
            await witness.add_checkpoint(0, [], cp.note)
        assert conflict.value.known_size == 18
        head = await state.read(ORIGIN)
        assert head is not None and head.size == 18

    asyncio.run(scenario())


def test_memory_state_implements_the_protocol() -> None:
    assert isinstance(MemoryWitnessState(), WitnessState)


SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+"
    "49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
).encode()
SPEC_BODY = (
    b"old 20852014\n"
    b"PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    b"jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    b"5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    b"/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    b"\n" + SPEC_CHECKPOINT
)


def test_request_body_from_the_spec_parses_and_roundtrips() -> None:
    request = AddCheckpointRequest.parse(SPEC_BODY)
    assert request.old_size == 20852014
    assert len(request.proof) == 4
    assert request.proof[0] == base64.b64decode("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=")
    assert request.checkpoint == SPEC_CHECKPOINT
    assert request.encode() == SPEC_BODY


def test_request_without_proof_lines() -> None:
    request = AddCheckpointRequest(0, (), "origin\n1\nroot\n\n\u2014 sig\n".encode())
    assert request.encode().startswith(b"old 0\n\norigin\n")
    assert AddCheckpointRequest.parse(request.encode()) == request


@pytest.mark.parametrize(
    "body",
    [
        b"old 5\n",
        b"old 05\n\ncheckpoint",
        b"old -1\n\ncheckpoint",
        b"new 5\n\ncheckpoint",
        b"old 5 \n\ncheckpoint",
        b"old 5\nnot base64!\n\ncheckpoint",
        b"old 5\nAAAA\n\ncheckpoint",
        b"old 5\n" + b"PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n" * 64 + b"\ncheckpoint",
        "old ５\n\ncheckpoint".encode(),
    ],
)
def test_malformed_request_bodies_are_rejected(body: bytes) -> None:
    with pytest.raises(MalformedRequestError):
        AddCheckpointRequest.parse(body)


def test_handle_request_end_to_end() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        log = Log(MemoryStorage(), signer)
        witness = _witness(signer)
        cp = await _grow(log, b"a", 3)
        lines = await witness.handle_request(AddCheckpointRequest(0, (), cp.note).encode())
        assert lines.startswith("\u2014 witness.example/w1 ")
        assert lines.endswith("\n")
        cp2 = await _grow(log, b"b", 3)
        proof = await log.consistency_proof(3)
        body = AddCheckpointRequest(3, proof.hashes, cp2.note).encode()
        assert await witness.handle_request(body)

    asyncio.run(scenario())


def test_witness_waits_for_a_clock_set_back_before_its_last_cosignature() -> None:
    async def scenario() -> None:
        signer = NoteSigner.generate(ORIGIN)
        log = Log(MemoryStorage(), signer)
        clock = [NOW]
        cosigner = CosignatureSigner(
            "witness.example/w1", Ed25519PrivateKey.generate(), clock=lambda: clock[0]
        )
        witness = Witness(cosigner, {ORIGIN: [signer.verifier()]}, MemoryWitnessState())
        first = await _grow(log, b"a", 3)
        await witness.add_checkpoint(0, [], first.note)
        second = await _grow(log, b"b", 2)
        proof = (await log.consistency_proof(3, 5)).hashes
        clock[0] = NOW - 1
        with pytest.raises(ClockBehindError, match=f"reads {NOW - 1}, before its last"):
            await witness.add_checkpoint(3, proof, second.note)
        clock[0] = NOW  # the same second as the last cosignature is not going backwards
        lines = await witness.add_checkpoint(3, proof, second.note)
        (cosignature,) = open_note(second.note + lines.encode(), [cosigner.verifier()]).signatures
        assert cosignature_timestamp(cosignature.signature) == NOW

    asyncio.run(scenario())
