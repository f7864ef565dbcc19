"""A c2sp.org/tlog-proof@v1 reader and verifier written from the spec alone (hashlib and
cryptography only), so that the proofs the app makes are checked by code other than its own."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def spec_parse(data: bytes) -> dict[str, Any]:
    """Split a proof into extra, index, hashes and the verbatim checkpoint note."""
    lines = data.decode().split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    at, extra = 1, None
    if lines[at].startswith("extra "):
        extra = base64.b64decode(lines[at][6:], validate=True)
        at += 1
    assert lines[at].startswith("index ")
    index_text = lines[at][6:]
    assert index_text == str(int(index_text))  # decimal, no leading zeroes
    at += 1
    hashes = []
    while lines[at] != "":
        hashes.append(base64.b64decode(lines[at], validate=True))
        at += 1
    note = "\n".join(lines[at + 1 :]).encode()
    return {"extra": extra, "index": int(index_text), "hashes": hashes, "note": note}


def spec_verify(
    data: bytes, entry: bytes, vkey: str, witness_keys: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The spec's four steps for an Ed25519 log key (c2sp.org/signed-note, RFC 6962)."""
    proof = spec_parse(data)
    name, key_hex, key_b64 = vkey.split("+", 2)
    key = base64.b64decode(key_b64)
    assert key[0] == 0x01
    # 1. the leaf hash
    leaf = hashlib.sha256(b"\x00" + entry).digest()
    # 2. origin and log signature
    body, _, signatures = proof["note"].decode().rpartition("\n\n")
    body += "\n"
    origin, size_text, root_b64 = body.split("\n")[:3]
    assert origin == name
    key_id = hashlib.sha256(name.encode() + b"\n" + key[:1] + key[1:]).digest()[:4]
    assert key_id.hex() == key_hex
    signed = False
    for line in signatures.rstrip("\n").split("\n"):
        signer, blob_b64 = line.removeprefix("\u2014 ").split(" ")
        blob = base64.b64decode(blob_b64)
        if signer == name and blob[:4] == key_id:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(blob[4:], body.encode())
            signed = True
    assert signed
    # 3. cosignatures of known witnesses (c2sp.org/tlog-cosignature, type 0x04)
    cosigned = []
    for witness in witness_keys:
        w_name, w_hex, w_b64 = witness.split("+", 2)
        w_key = base64.b64decode(w_b64)
        assert w_key[0] == 0x04
        for line in signatures.rstrip("\n").split("\n"):
            signer, blob_b64 = line.removeprefix("\u2014 ").split(" ")
            blob = base64.b64decode(blob_b64)
            if signer == w_name and blob[:4].hex() == w_hex:
                timestamp = int.from_bytes(blob[4:12], "big")
                message = b"cosignature/v1\ntime %d\n" % timestamp + body.encode()
                Ed25519PublicKey.from_public_bytes(w_key[1:]).verify(blob[12:], message)
                cosigned.append(w_name)
    # 4. inclusion (RFC 9162 2.1.3.2)
    index, size = proof["index"], int(size_text)
    assert index < size
    fn, sn, r = index, size - 1, leaf
    for p in proof["hashes"]:
        assert sn != 0
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0 and r == base64.b64decode(root_b64)
    return proof | {"size": size, "root": r, "cosigned": cosigned}
