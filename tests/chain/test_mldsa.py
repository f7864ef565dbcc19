"""ML-DSA-44 cosignatures (type 0x06): the spec's message, another implementation's signature,
a log signing with both algorithms, and policies naming either key."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PrivateKey

from chain.checkpoint import Checkpoint
from chain.errors import MalformedCheckpointError, MalformedKeyError
from chain.log import Log
from chain.mldsa import MLDSACosignatureSigner, MLDSACosignatureVerifier, cosigned_message
from chain.note import NoteSigner, open_note
from chain.policy import Policy
from chain.quorum import open_checkpoint_under
from chain.storage.memory import MemoryStorage
from tests.witness.support import grow

VECTOR = Path(__file__).parent / "vectors" / "torchwood-mldsa44.txt"
NOW = 1_790_000_000
ROOT = bytes(range(32))
TEXT = Checkpoint("example.com/log", 20852163, ROOT).text().encode()


def test_a_log_signature_made_by_another_implementation_verifies() -> None:
    """An ML-DSA-44 log's key and signed checkpoint from filippo.io/torchwood's test data."""
    vkey, note = VECTOR.read_text().split("\n\n", 1)
    verifier = MLDSACosignatureVerifier.from_key_string(vkey)  # its key ID checks out too
    opened = open_note(note.encode(), [verifier])
    assert opened.signatures[0].signature[:8] == bytes(8)  # the log signed with timestamp 0
    forged = note.replace("\n1\n", "\n2\n").encode()
    assert not verifier.verify(forged.split(b"\n\n")[0] + b"\n", opened.signatures[0].signature)


def test_the_signed_message_is_the_cosigned_message_of_the_spec() -> None:
    key = MLDSA44PrivateKey.generate()
    signer = MLDSACosignatureSigner("witness.example/w1", key, clock=lambda: NOW)
    value = signer.sign(TEXT)
    assert len(value) == 8 + 2420 and value[:8] == NOW.to_bytes(8, "big")
    # Written out by hand from tlog-cosignature, field by field.
    message = (
        b"subtree/v1\n\x00"
        + bytes([18])
        + b"witness.example/w1"
        + NOW.to_bytes(8, "big")
        + bytes([15])
        + b"example.com/log"
        + (0).to_bytes(8, "big")
        + (20852163).to_bytes(8, "big")
        + ROOT
    )
    key.public_key().verify(value[8:], message)  # raises if not exactly this message
    public = key.public_key().public_bytes_raw()
    digest = hashlib.sha256(b"witness.example/w1\n\x06" + public).digest()
    vkey = signer.verifier().key_string()
    blob = base64.b64encode(bytes([0x06]) + public).decode()
    assert vkey == f"witness.example/w1+{digest[:4].hex()}+{blob}"
    assert MLDSACosignatureVerifier.from_key_string(vkey).verify(TEXT, value)
    assert not signer.verifier().verify(TEXT.replace(b"20852163", b"20852164"), value)
    again = MLDSACosignatureSigner.from_key_string(signer.key_string())
    assert again.key_id == signer.key_id


def test_extension_lines_are_never_signed_nor_accepted() -> None:
    signer = MLDSACosignatureSigner.generate("w.example")
    extended = Checkpoint("example.com/log", 1, ROOT, ("ext",)).text().encode()
    with pytest.raises(MalformedCheckpointError, match="no extension lines"):
        signer.sign(extended)
    value = signer.sign(TEXT)
    assert not signer.verifier().verify(TEXT + b"ext\n", value)
    with pytest.raises(MalformedKeyError):
        MLDSACosignatureVerifier.from_key_string(NoteSigner.generate("x").verifier().key_string())


async def test_a_log_signs_with_both_and_a_policy_may_name_either_key() -> None:
    ed = NoteSigner.generate("example.com/log")
    pq = MLDSACosignatureSigner.generate("example.com/log", clock=lambda: NOW)
    log = Log(MemoryStorage(), ed, also=[pq])
    assert log.verifier_keys == (ed.verifier().key_string(), pq.verifier().key_string())
    signed = await grow(log, b"e", 3)
    for key in log.verifier_keys:
        policy = Policy.parse(f"log {key}\nquorum none\n")
        checkpoint, _ = open_checkpoint_under(signed.note, policy, now=NOW)
        assert checkpoint.size == 3
    with pytest.raises(MalformedKeyError):
        Log(MemoryStorage(), ed, also=[MLDSACosignatureSigner.generate("other.example/log")])


def test_the_message_refuses_what_the_spec_cannot_encode() -> None:
    assert cosigned_message("w", 0, "o", 0, 1, ROOT).startswith(b"subtree/v1\n\x00\x01w")
    for name, origin in [("", "o"), ("w", ""), ("w" * 256, "o"), ("w", "o" * 256)]:
        with pytest.raises(ValueError, match="must be 1 to 255 bytes"):
            cosigned_message(name, 0, origin, 0, 1, ROOT)
    for timestamp, start, root in [(-1, 0, ROOT), (1 << 63, 0, ROOT), (1, 1, ROOT), (0, 0, b"")]:
        with pytest.raises(ValueError, match="timestamp, start or root hash out of range"):
            cosigned_message("w", timestamp, "o", start, 1, root)


def test_the_signer_refuses_bodies_and_times_it_cannot_cover() -> None:
    signer = MLDSACosignatureSigner.generate("w.example", clock=lambda: NOW)
    assert signer.now() == NOW
    assert repr(signer) == f"MLDSACosignatureSigner('w.example', key_id={signer.key_id:08x})"
    with pytest.raises(MalformedCheckpointError, match="checkpoint is not UTF-8"):
        signer.sign(b"\xff\xfe\n1\n" + base64.b64encode(ROOT) + b"\n")
    long_origin = Checkpoint("o" * 256, 1, ROOT).text().encode()  # a valid checkpoint still
    with pytest.raises(MalformedCheckpointError, match="must be 1 to 255 bytes"):
        signer.sign(long_origin)
    with pytest.raises(MalformedCheckpointError, match="timestamp, start or root hash"):
        signer.sign_at(TEXT, -1)


def test_the_verifier_says_no_to_a_value_of_the_wrong_size_or_an_unsignable_body() -> None:
    signer = MLDSACosignatureSigner.generate("w.example", clock=lambda: NOW)
    verifier = signer.verifier()
    value = signer.sign(TEXT)
    assert verifier.verify(TEXT, value)
    assert not verifier.verify(TEXT, value[:-1])
    assert not verifier.verify(TEXT, value + b"\x00")
    assert not verifier.verify(Checkpoint("o" * 256, 1, ROOT).text().encode(), value)
    with pytest.raises(MalformedKeyError, match="invalid key name 'bad name'"):
        MLDSACosignatureVerifier("bad name", MLDSA44PrivateKey.generate().public_key())


def test_a_malformed_signer_key_string_is_named() -> None:
    skey = MLDSACosignatureSigner.generate("w.example").key_string()
    private, key, name, hex_id, b64 = skey.split("+", 4)
    seed = base64.b64decode(b64)
    other_id = f"{(int(hex_id, 16) + 1) % (1 << 32):08x}"
    short_seed = base64.b64encode(seed[:-1]).decode()
    ed25519_type = base64.b64encode(bytes([0x01]) + seed[1:]).decode()
    cases = [
        ("PUBLIC+KEY+w.example+00000000+AA==", "signer key must start with PRIVATE+KEY+"),
        ("PRIVATE+KEY+w.example", "signer key must start with PRIVATE+KEY+"),
        (f"{private}+{key}+{name}+{hex_id}+{b64[:-1]}!", "malformed signer key"),
        (f"{private}+{key}+{name}+zzzzzzzz+{b64}", "malformed signer key"),
        (f"{private}+{key}+{name}+0{hex_id}+{b64}", "malformed ML-DSA-44 signer key"),
        (f"{private}+{key}+{name}+{hex_id}+{short_seed}", "malformed ML-DSA-44 signer key"),
        (f"{private}+{key}+{name}+{hex_id}+{ed25519_type}", "malformed ML-DSA-44 signer key"),
        (f"{private}+{key}+{name}+{other_id}+{b64}", "key ID does not match the key"),
    ]
    for text, message in cases:
        with pytest.raises(MalformedKeyError, match=re.escape(message)):
            MLDSACosignatureSigner.from_key_string(text)
    assert MLDSACosignatureSigner.from_key_string(skey).key_string() == skey


@pytest.mark.parametrize("bad_name", ["w example", "w\texample", "w\u3000example", ""])
def test_a_signer_key_with_an_invalid_name_is_refused_by_the_shared_parser(
    bad_name: str,
) -> None:
    # One signer key parser serves both key types, and it checks the name before it builds a
    # key: a name with a space (any Unicode space) or no name at all makes a malformed key.
    signer_types = ((MLDSACosignatureSigner, "ML-DSA-44"), (NoteSigner, "Ed25519"))
    for signer_type, algorithm in signer_types:
        skey = signer_type.generate("w.example").key_string()
        private, key, _, hex_id, b64 = skey.split("+", 4)
        with pytest.raises(MalformedKeyError, match=f"malformed {algorithm} signer key"):
            signer_type.from_key_string(f"{private}+{key}+{bad_name}+{hex_id}+{b64}")
