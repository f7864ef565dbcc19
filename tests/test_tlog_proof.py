"""Every receipt PDF carries a c2sp.org/tlog-proof@v1 per ledger statement, and they verify with
software other than the code that made them: a verifier written from the spec alone
(tests/tlog_spec.py, hashlib and cryptography only), and tlog-scales, a C2SP implementation
from PyPI."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.applications import Starlette
from tlog_scales.signing import Vkey
from tlog_scales.tlog import Checkpoint as ScalesCheckpoint
from tlog_scales.tlog import InclusionProof as ScalesInclusionProof

from backend.app import create_app
from backend.config import Settings
from chain.cosignature import CosignatureSigner
from tests.commands import cli_verify
from tests.documents.support import ca_of, detach
from tests.factories import LOG_KEY
from tests.ledger import URL, assert_no_personal_data, integrate, issued_receipt, scan_path
from tests.lifespan import lifespan
from tests.signing.helpers import nss_trusting, pdfsig
from tests.tlog_spec import spec_parse, spec_verify
from tests.witness.support import WitnessProcess


async def test_the_pdf_carries_a_tlog_proof_per_statement_that_others_verify(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = await issued_receipt(app, client)
    reversal = await client.post(
        f"{URL}/{issued['id']}/reversal", json={"reason": "退费"}, headers=issued["_headers"]
    )
    assert reversal.status_code == 201, reversal.text
    await integrate(app)
    response = await client.get(scan_path(issued) + "/receipt.pdf")
    assert response.status_code == 200
    files = detach(response.content, tmp_path / "detached")
    assert {
        "ledger-proof.json",
        "receipt-document.json",
        "ledger-0-issued.json",
        "ledger-0-issued.tlog-proof",
        "ledger-1-reversed.json",
        "ledger-1-reversed.tlog-proof",
    } <= set(files)
    for data in files.values():
        assert_no_personal_data(data)
    document = files["receipt-document.json"]
    checkpoint = await client.get("/ledger/checkpoint")
    for stem in ("ledger-0-issued", "ledger-1-reversed"):
        statement, proof = files[f"{stem}.json"], files[f"{stem}.tlog-proof"]
        checked = spec_verify(proof, statement, LOG_KEY)
        # The statement commits to the document with the salt carried as extra.
        salted = hashlib.sha256(checked["extra"] + document).hexdigest()
        assert json.loads(statement)["commitment"] == "sha256:" + salted
        # tlog-scales: its checkpoint parser and signature check, its inclusion check.
        scales = ScalesCheckpoint.from_text(checked["note"].decode())
        scales.verify(Vkey.from_string(LOG_KEY))
        leaf = hashlib.sha256(b"\x00" + statement).digest()
        ScalesInclusionProof(checked["index"], scales.size, checked["hashes"]).check(
            leaf, scales.root_hash
        )
        # What the log serves is the checkpoint the proofs were made against.
        assert checked["note"] == checkpoint.content
    # tlog-scales writes the same proof from the log's tiles (its own tlog-proof writer).
    mirror = tmp_path / "mirror"
    note = spec_parse(files["ledger-0-issued.tlog-proof"])["note"]
    size = int(note.split(b"\n")[1])
    tile = await client.get(f"/ledger/tile/0/000.p/{size}")
    assert tile.status_code == 200
    (mirror / "tile" / "0" / "000.p").mkdir(parents=True)
    (mirror / "tile" / "0" / "000.p" / str(size)).write_bytes(tile.content)
    (mirror / "checkpoint").write_bytes(checkpoint.content)
    for n, stem in enumerate(("ledger-0-issued", "ledger-1-reversed")):
        index = spec_parse(files[f"{stem}.tlog-proof"])["index"]
        written = subprocess.run(
            [sys.executable, "-m", "tlog_scales.cli", "gen-proof", f"{mirror}/", str(index)],
            capture_output=True,
            check=True,
        ).stdout
        ours = files[f"{stem}.tlog-proof"].split(b"\n")
        assert ours[1].startswith(b"extra ")
        assert written == b"\n".join([ours[0], *ours[2:]]), n

    # piaojia ledger verify: the PDF (signature, then its standard files) and one .tlog-proof.
    ca_file = tmp_path / "ca.crt"
    ca_file.write_bytes(ca_of(app).certificate_pem)
    result = cli_verify(tmp_path, response.content, "--ca", str(ca_file))
    assert result.returncode == 0, result.stderr
    assert "issued at leaf" in result.stdout and "reversed at leaf" in result.stdout
    entry = tmp_path / "detached" / "ledger-0-issued.json"
    doc = tmp_path / "detached" / "receipt-document.json"
    result = cli_verify(
        tmp_path, files["ledger-0-issued.tlog-proof"], "--entry", str(entry), "--document", str(doc)
    )
    assert result.returncode == 0, result.stderr
    assert "commits to the document" in result.stdout
    other = tmp_path / "detached" / "ledger-1-reversed.json"
    result = cli_verify(tmp_path, files["ledger-0-issued.tlog-proof"], "--entry", str(other))
    assert result.returncode == 1 and "NOT VERIFIED" in result.stderr

    # pdfsig still validates the signature over the attachments.
    report = pdfsig(response.content, nss_trusting(tmp_path / "nss", ca_of(app)), tmp_path)
    assert "Signature Validation: Signature is Valid." in report


async def test_the_tlog_proof_routes(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = await issued_receipt(app, client, email=False)
    public = scan_path(issued) + "/proof.tlog-proof"
    issuer = f"{URL}/{issued['id']}/proof.tlog-proof"
    early = await client.get(public)
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_yet_anchored"
    await integrate(app)
    answer = await client.get(public)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/octet-stream"
    assert ".tlog-proof" in answer.headers["content-disposition"]
    bundle = (await client.get(scan_path(issued) + "/proof")).json()
    statement = bundle["entries"][0]["statement"].encode()
    checked = spec_verify(answer.content, statement, LOG_KEY)
    assert checked["index"] == bundle["entries"][0]["leaf_index"]
    own = await client.get(issuer, headers=issued["_headers"])
    assert own.status_code == 200 and own.content == answer.content
    assert (await client.get(issuer)).status_code == 401
    missing = await client.get(public + "?entry=3")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "no_such_statement"
    bad = await client.get(public + "?entry=x")
    assert bad.status_code == 422
    spec = (await client.get("/openapi.json")).json()
    assert "/s/{token}/proof.tlog-proof" in spec["paths"]
    assert "/api/v1/hospital/receipts/{receipt_id}/proof.tlog-proof" in spec["paths"]


@pytest.mark.parametrize("where", ["index", "hash", "signature"])
async def test_a_changed_pdf_proof_fails_the_spec_verifier_and_the_cli(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path, where: str
) -> None:
    issued = await issued_receipt(app, client, email=False)
    await integrate(app)
    files = detach((await client.get(scan_path(issued) + "/receipt.pdf")).content, tmp_path / "d")
    proof = files["ledger-0-issued.tlog-proof"]
    lines = proof.split(b"\n")
    if where == "index":
        lines[2] = b"index 1"
    elif where == "hash":
        lines = [*lines[:3], base64.b64encode(b"\x07" * 32), *lines[3:]]
    else:
        lines[-2] = lines[-2][:-6] + (b"AAAAA=" if not lines[-2].endswith(b"AAAAA=") else b"BBBBB=")
    changed = b"\n".join(lines)
    with pytest.raises(Exception):  # noqa: B017 - any failure of the spec verifier will do
        spec_verify(changed, files["ledger-0-issued.json"], LOG_KEY)
    entry = tmp_path / "d" / "ledger-0-issued.json"
    result = cli_verify(tmp_path, changed, "--entry", str(entry))
    assert result.returncode == 1 and "NOT VERIFIED" in result.stderr, result.stdout


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[list[WitnessProcess]]:
    started = []
    for name in ("witness-a.test", "witness-b.test"):
        folder = tmp_path / name
        folder.mkdir()
        started.append(WitnessProcess(folder, name, [LOG_KEY]))
    yield started
    for witness in started:
        witness.stop()


async def test_a_witnessed_pdf_proof_carries_cosignatures_others_verify(
    settings: Settings, witnesses: list[WitnessProcess], tmp_path: Path
) -> None:
    keys = [witness.verifier_key() for witness in witnesses]
    async with httpx.AsyncClient() as http:
        for witness in witnesses:
            witness.start()
            await witness.wait_ready(http)
    configured = replace(
        settings, witnesses=tuple((w.url, k) for w, k in zip(witnesses, keys, strict=True))
    )
    app = create_app(configured)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            issued = await issued_receipt(app, http, email=False)
            await integrate(app)
            pdf = (await http.get(scan_path(issued) + "/receipt.pdf")).content
    files = detach(pdf, tmp_path / "detached")
    proof, statement = files["ledger-0-issued.tlog-proof"], files["ledger-0-issued.json"]
    checked = spec_verify(proof, statement, LOG_KEY, tuple(keys))
    assert checked["cosigned"] == ["witness-a.test", "witness-b.test"]
    scales = ScalesCheckpoint.from_text(checked["note"].decode())
    scales.verify(Vkey.from_string(LOG_KEY))
    for key in keys:
        vkey = Vkey.from_string(key)
        (cosignature,) = [s for s in scales.signatures if vkey.match(s)]
        vkey.get_verifier().verify_note(cosignature, scales)  # tlog-scales' cosignature check
    witness_options = [option for key in keys for option in ("--witness-key", key)]
    entry = tmp_path / "detached" / "ledger-0-issued.json"
    result = cli_verify(tmp_path, proof, "--entry", str(entry), *witness_options, "--quorum", "2")
    assert result.returncode == 0, result.stderr
    assert "cosigned by 2 witness(es)" in result.stdout

    # The same witnesses as a tlog-policy: both of them is met, the PDF's and the file's
    # proofs verify under it; a policy that also wants a third (who never cosigned) is not met.
    stranger = CosignatureSigner("witness-c.test", Ed25519PrivateKey.generate())
    both = tmp_path / "both.policy"
    both.write_text(
        f"log {LOG_KEY}\nwitness A {keys[0]}\nwitness B {keys[1]}\n"
        "group both all A B\nquorum both\n"
    )
    ca_file = tmp_path / "ca.crt"
    ca_file.write_bytes(ca_of(app).certificate_pem)
    on_pdf = ("--ca", str(ca_file))
    result = cli_verify(tmp_path, pdf, *on_pdf, "--policy", str(both))
    assert result.returncode == 0, result.stderr
    result = cli_verify(tmp_path, proof, "--entry", str(entry), "--policy", str(both))
    assert result.returncode == 0, result.stderr
    three = tmp_path / "three.policy"
    three.write_text(
        f"log {LOG_KEY}\nwitness A {keys[0]}\nwitness B {keys[1]}\n"
        f"witness C {stranger.verifier().key_string()}\ngroup all-three all A B C\n"
        "quorum all-three\n"
    )
    for refused in (
        cli_verify(tmp_path, pdf, *on_pdf, "--policy", str(three)),
        cli_verify(tmp_path, proof, "--entry", str(entry), "--policy", str(three)),
    ):
        assert refused.returncode == 1 and "NOT VERIFIED" in refused.stderr, refused.stderr
        assert "do not meet the policy's quorum" in refused.stderr
