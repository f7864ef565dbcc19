"""The refusals at the edges of chain/'s types: every malformed value is named, never used."""

from __future__ import annotations

import asyncio
import base64
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.cosignature import (
    CosignatureSigner,
    cosignature_message,
    cosignature_timestamp,
)
from chain.errors import (
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedRequestError,
    MalformedTileError,
    StorageError,
)
from chain.hashing import EMPTY_ROOT
from chain.log import Log
from chain.note import NoteSigner, NoteVerifier, sign_note, sign_text
from chain.storage.memory import MemoryStorage
from chain.tiles import TileId, decode_entry_bundle, encode_entry_bundle, encode_index
from chain.tree import RightEdge
from chain.witness import MemoryWitnessState, Witness

ORIGIN = "example.com/piaojia-edges"
ROOT = bytes(32)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"origin": ""}, "origin"),
        ({"origin": "log\nforged"}, "origin"),
        ({"size": -1}, "out of range"),
        ({"size": 1 << 63}, "out of range"),
        ({"root_hash": b"short"}, "32 bytes"),
        ({"extensions": ("",)}, "extension"),
        ({"extensions": ("a\tb",)}, "extension"),
    ],
)
def test_a_checkpoint_with_a_bad_field_is_refused(fields: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"origin": ORIGIN, "size": 1, "root_hash": ROOT} | fields
    with pytest.raises(MalformedCheckpointError, match=message):
        Checkpoint(**values)  # type: ignore[arg-type]


def test_cosignature_bounds() -> None:
    with pytest.raises(ValueError, match="out of range"):
        cosignature_message(b"x\n", -1)
    with pytest.raises(ValueError, match="out of range"):
        cosignature_message(b"x\n", 1 << 63)
    with pytest.raises(ValueError, match="64 signature bytes"):
        cosignature_timestamp(bytes(71))


def test_a_cosigner_without_a_clock_signs_with_the_time_of_day() -> None:
    signer = CosignatureSigner("witness.example/edge", Ed25519PrivateKey.generate())
    before = int(time.time())
    signature = signer.sign(Checkpoint(ORIGIN, 0, EMPTY_ROOT).text().encode())
    assert before <= cosignature_timestamp(signature) <= int(time.time())
    assert repr(signer) == f"CosignatureSigner('witness.example/edge', key_id={signer.key_id:08x})"
    with pytest.raises(MalformedCheckpointError, match="UTF-8"):
        signer.sign(b"\xff\xfe\n1\n" + base64.b64encode(ROOT) + b"\n")


def test_keys_and_signers_with_bad_names_or_encodings_are_refused() -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(MalformedKeyError, match="invalid key name"):
        NoteVerifier("bad name", key.public_key())
    # Split by position, not from the right: the base64 key itself may hold a "+".
    private, public, name, hex_id, b64 = NoteSigner.generate(ORIGIN).key_string().split("+", 4)
    prefix = f"{private}+{public}+{name}+{hex_id}"
    with pytest.raises(MalformedKeyError, match="malformed signer key"):
        NoteSigner.from_key_string(f"{prefix}+{b64[:-2]}!!")
    with pytest.raises(MalformedKeyError, match="malformed signer key"):
        NoteSigner.from_key_string(f"{private}+{public}+{name}+zzzzzzzz+{b64}")

    class Nameless:
        name = "with space"
        key_id = 0

        def sign(self, message: bytes) -> bytes:
            return b""

    with pytest.raises(MalformedKeyError, match="invalid signer name"):
        sign_text("body\n", [Nameless()])


def test_tiles_refuse_impossible_coordinates_and_oversized_bundles() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        encode_index(-1)
    for level, index, width in [(64, 0, 256), (0, -1, 256), (0, 0, 0), (0, 0, 257)]:
        with pytest.raises(MalformedTileError, match="invalid tile"):
            TileId(level, index, width)
    with pytest.raises(MalformedTileError, match="level 0"):
        TileId(1, 0, entries=True)
    with pytest.raises(MalformedTileError, match="more than 256"):
        decode_entry_bundle(encode_entry_bundle([b"e"] * 257))


def test_a_right_edge_needs_hashes_of_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        RightEdge(1, (b"short",))


def test_the_log_refuses_an_empty_batch_and_reports_missing_storage() -> None:
    async def scenario() -> None:
        storage = MemoryStorage()
        log = Log(storage, NoteSigner.generate(ORIGIN))
        with pytest.raises(ValueError, match="positive"):
            await log.integrate(0)
        for i in range(20):
            await log.append(b"entry %d" % i)
        await log.integrate()
        storage._bundles[0] = encode_entry_bundle([b"entry 0"])  # a truncated bundle row
        with pytest.raises(StorageError, match="missing from its bundle"):
            await log.read_entry(5)
        del storage._tiles[(0, 0)]  # a lost tile row
        with pytest.raises(StorageError, match="is missing"):
            await log.inclusion_proof(3)

    asyncio.run(scenario())


def test_the_witness_names_malformed_requests() -> None:
    async def scenario() -> None:
        log_signer = NoteSigner.generate(ORIGIN)
        cosigner = CosignatureSigner("witness.example/w", Ed25519PrivateKey.generate())
        witness = Witness(cosigner, {ORIGIN: [log_signer.verifier()]}, MemoryWitnessState())
        assert witness.name == "witness.example/w"
        note = sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), [log_signer]).note
        with pytest.raises(MalformedRequestError, match="invalid old size"):
            await witness.add_checkpoint(-1, [], note)
        not_a_checkpoint = sign_note(f"{ORIGIN}\nnot a size\n", [log_signer])
        with pytest.raises(MalformedRequestError, match="not a checkpoint"):
            await witness.add_checkpoint(0, [], not_a_checkpoint)

    asyncio.run(scenario())
