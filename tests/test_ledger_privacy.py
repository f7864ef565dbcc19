"""The ledger's public proofs carry no personal data, yet verify offline; the issuer opens them.

A receipt's document commits to each personal field (name, ID number, email, phone, visit
number) by a salted hash; the public bundle (by scan token, embedded in the PDF) carries only
those, the issuer's bundle adds their openings. Receipts committed the first way (personal data
in clear) stay verifiable by their issuer, and their public bundle withholds the document.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import secrets
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from backend import sealing
from backend.anchoring.commitments import stored_secret
from backend.anchoring.models import LedgerEntry
from backend.config import Settings
from backend.documents.models import RenderedDocument
from backend.documents.services import PROOF_ATTACHMENT
from backend.documents.verify import verify_pdf
from backend.keys.services import Resealer, keyring_for
from backend.receipts.canonical import legacy_receipt_document
from backend.receipts.models import LineItem, Receipt
from backend.secret import Secret
from backend.services import Services
from chain.receipt.bundle import verify_bundle
from chain.receipt.canonical import PERSONAL_FIELDS, canonical_json, commitment
from chain.receipt.errors import CommitmentMismatchError, MalformedBundleError
from tests.commands import cli_verify
from tests.documents.support import text_of
from tests.factories import LOG_KEY, issuer_with_staff, receipt_request
from tests.ledger import (
    EMAIL,
    ID_NUMBER,
    NAME,
    PHONE,
    URL,
    VISIT_NUMBER,
    assert_no_personal_data,
    integrate,
    issued_receipt,
    scan_path,
)


async def test_the_public_proof_has_no_personal_data_and_verifies_offline(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = await issued_receipt(app, client)
    await client.post(
        f"{URL}/{issued['id']}/reversal", json={"reason": "退费"}, headers=issued["_headers"]
    )
    await integrate(app)
    response = await client.get(scan_path(issued) + "/proof")
    assert response.status_code == 200, response.text
    assert_no_personal_data(response.content)
    bundle = response.json()
    assert "openings" not in bundle
    document = json.loads(bundle["document"])
    assert document["v"] == 2
    assert document["payer"]["name"].startswith("sha256:")

    report = verify_bundle(response.content, log_key=LOG_KEY)
    assert report.document_version == 2 and report.opened == {}
    assert [e.event for e in report.entries] == ["issued", "reversed"]
    checked = cli_verify(tmp_path, response.content)
    assert checked.returncode == 0, checked.stderr
    assert "document v2 matches every commitment; opened: none" in checked.stdout

    # The public bundle still binds the document: a changed amount fails.
    tampered = dict(bundle)
    tampered["document"] = bundle["document"].replace('"total_fen":8560', '"total_fen":8561')
    with pytest.raises(CommitmentMismatchError):
        verify_bundle(tampered, log_key=LOG_KEY)


async def test_the_issuers_bundle_opens_every_personal_field(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = await issued_receipt(app, client)
    await integrate(app)
    response = await client.get(f"{URL}/{issued['id']}/proof", headers=issued["_headers"])
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert set(bundle["openings"]) == set(PERSONAL_FIELDS)
    report = verify_bundle(bundle, log_key=LOG_KEY)
    assert report.opened == {
        "payer.name": NAME,
        "payer.id_number": ID_NUMBER,
        "payer.email": EMAIL,
        "payer.phone": PHONE,
        "visit.number": VISIT_NUMBER,
    }
    checked = cli_verify(tmp_path, response.content)
    assert checked.returncode == 0, checked.stderr
    assert "opened: payer.name, payer.id_number" in checked.stdout

    # One field may be shown alone (to an insurer, say): the others stay closed.
    alone = bundle | {"openings": {"payer.name": bundle["openings"]["payer.name"]}}
    assert verify_bundle(alone, log_key=LOG_KEY).opened == {"payer.name": NAME}

    wrong_value = json.loads(json.dumps(bundle))
    wrong_value["openings"]["payer.id_number"]["value"] = "440106199001011234"
    wrong_salt = json.loads(json.dumps(bundle))
    wrong_salt["openings"]["payer.name"]["salt"] = base64.b64encode(bytes(32)).decode()
    swapped = json.loads(json.dumps(bundle))
    openings = swapped["openings"]
    openings["payer.email"], openings["payer.phone"] = (
        openings["payer.phone"],
        openings["payer.email"],
    )
    empty = json.loads(json.dumps(bundle))
    empty["openings"]["payer.phone"]["value"] = None  # claiming the field was empty
    for forged in (wrong_value, wrong_salt, swapped, empty):
        with pytest.raises(CommitmentMismatchError):
            verify_bundle(forged, log_key=LOG_KEY)
        refused = cli_verify(tmp_path, json.dumps(forged).encode())
        assert refused.returncode == 1 and "NOT VERIFIED" in refused.stderr

    not_personal = json.loads(json.dumps(bundle))
    not_personal["openings"]["total_fen"] = bundle["openings"]["payer.name"]
    in_clear = json.loads(json.dumps(bundle))
    document = json.loads(in_clear["document"])
    document["payer"]["name"] = NAME  # a "version 2" document with a name in clear
    in_clear["document"] = canonical_json(document).decode()
    name = bundle["openings"]["payer.name"]
    shapes: list[object] = [
        [],
        {"payer.name": "张三"},
        {"payer.name": name | {"extra": 1}},
        {"payer.name": {"value": 7, "salt": name["salt"]}},
        {"payer.name": {"value": NAME, "salt": base64.b64encode(bytes(16)).decode()}},
        {"payer.name": {"value": NAME, "salt": "not base64!"}},
    ]
    forgeries = [bundle | {"openings": shape} for shape in shapes]
    withheld = {k: v for k, v in bundle.items() if k != "document"} | {"withheld": "x"}
    nameless = withheld | {"receipt": {k: v for k, v in bundle["receipt"].items() if k != "issuer"}}
    del nameless["openings"]
    for malformed in (not_personal, in_clear, *forgeries, withheld, nameless):
        with pytest.raises(MalformedBundleError):
            verify_bundle(malformed, log_key=LOG_KEY)


async def test_an_empty_field_is_committed_and_opens_as_null(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    payer = {"name": NAME}
    response = await client.post(URL, json=receipt_request(payer=payer), headers=cashier.headers)
    issued = response.json()
    await integrate(app)
    bundle = (await client.get(f"{URL}/{issued['id']}/proof", headers=cashier.headers)).json()
    document = json.loads(bundle["document"])
    assert document["payer"]["phone"].startswith("sha256:")  # not null: emptiness is hidden
    opened = verify_bundle(bundle, log_key=LOG_KEY).opened
    assert opened is not None and opened["payer.phone"] is None
    filled = json.loads(json.dumps(bundle))
    filled["openings"]["payer.phone"]["value"] = PHONE  # claiming a phone that was not there
    with pytest.raises(CommitmentMismatchError):
        verify_bundle(filled, log_key=LOG_KEY)


async def rewrite_in_first_form(receipt_id: str) -> None:
    """Make the receipt's pending issue statement what it was before version 2: a 16-byte
    salt stored as is, committing to the document with personal data in clear."""
    receipt = await Receipt.get(id=receipt_id).select_related("issuer")
    items = list(await LineItem.filter(receipt_id=receipt.id))
    entry = await LedgerEntry.get(receipt_id=receipt.id, event="issued")
    assert entry.leaf_index is None and len(stored_secret(entry.salt)) == 32
    salt = secrets.token_bytes(16)
    document = canonical_json(legacy_receipt_document(receipt, receipt.issuer, items))
    fields = json.loads(bytes(entry.statement))
    fields["commitment"] = commitment(salt, document)
    entry.statement = canonical_json(fields)
    entry.salt = salt
    await entry.save(update_fields=["statement", "salt"])


async def test_a_first_form_receipt_is_verified_by_its_issuer_and_withheld_from_the_public(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = await issued_receipt(app, client, email=False)
    await rewrite_in_first_form(issued["id"])
    # A later statement about an old receipt commits to the same (first) form.
    reversal = await client.post(
        f"{URL}/{issued['id']}/reversal", json={"reason": "退费"}, headers=issued["_headers"]
    )
    assert reversal.status_code == 201, reversal.text
    reversed_entry = await LedgerEntry.get(receipt_id=issued["id"], event="reversed")
    assert len(stored_secret(reversed_entry.salt)) == 16
    await integrate(app)

    own = await client.get(f"{URL}/{issued['id']}/proof", headers=issued["_headers"])
    report = verify_bundle(own.content, log_key=LOG_KEY)
    assert report.document_version == 1
    assert [e.event for e in report.entries] == ["issued", "reversed"]
    assert json.loads(own.json()["document"])["payer"]["name"] == NAME  # for the issuer only

    public = await client.get(scan_path(issued) + "/proof")
    assert public.status_code == 200
    assert_no_personal_data(public.content)
    bundle = public.json()
    assert "document" not in bundle and "first document form" in bundle["withheld"]
    assert all("salt" not in entry for entry in bundle["entries"])  # no offline guessing
    withheld = verify_bundle(public.content, log_key=LOG_KEY)
    assert withheld.document_version is None
    assert [e.event for e in withheld.entries] == ["issued", "reversed"]
    checked = cli_verify(tmp_path, public.content)
    assert checked.returncode == 0, checked.stderr
    assert "document withheld" in checked.stdout
    # Withholding names the issuer in the header: a header naming another one fails.
    forged = json.loads(public.content)
    forged["receipt"]["issuer"] = "12440100MB0000000X"
    assert cli_verify(tmp_path, json.dumps(forged).encode()).returncode == 1

    verified = await client.get(
        "/api/v1/verify",
        params={"code": issued["code"], "number": issued["number"], "check": issued["check_code"]},
    )
    assert verified.json()["genuine"] is True, verified.text
    await Receipt.filter(id=issued["id"]).update(payer_id_number="440106199001011234")
    tampered = await client.get(
        "/api/v1/verify",
        params={"code": issued["code"], "number": issued["number"], "check": issued["check_code"]},
    )
    assert tampered.json()["result"] == "tampered"


async def test_a_changed_personal_field_still_reads_tampered(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    issued = await issued_receipt(app, client)
    await integrate(app)
    params = {"code": issued["code"], "number": issued["number"], "check": issued["check_code"]}
    assert (await client.get("/api/v1/verify", params=params)).json()["genuine"] is True
    for field, value in (("payer_id_number", "440106199001011234"), ("payer_phone", None)):
        await Receipt.filter(id=issued["id"]).update(**{field: value})
        answer = (await client.get("/api/v1/verify", params=params)).json()
        assert answer["result"] == "tampered", field
        assert any("commits to" in problem for problem in answer["problems"])


async def test_the_pdf_masks_the_id_number_and_embeds_the_public_proof(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = await issued_receipt(app, client)
    await integrate(app)
    services: Services = app.state.services
    ca_pem = services.documents._credentials.ca.certificate_pem
    for url, headers in (
        (scan_path(issued) + "/receipt.pdf", {}),
        (f"{URL}/{issued['id']}/receipt.pdf", issued["_headers"]),
    ):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        pdf = tmp_path / "receipt.pdf"
        pdf.write_bytes(response.content)
        text = text_of(pdf)
        assert "4401**********1235" in text and ID_NUMBER not in text
        checked = await asyncio.to_thread(verify_pdf, response.content, ca_pem)
        assert checked.valid, checked.problem
        proof = checked.attachments[PROOF_ATTACHMENT]
        assert_no_personal_data(proof)
        assert "openings" not in json.loads(proof)
        assert verify_bundle(proof, log_key=LOG_KEY).document_version == 2
    ca_file = tmp_path / "ca.crt"
    ca_file.write_bytes(ca_pem)
    cli = cli_verify(tmp_path, pdf.read_bytes(), "--ca", str(ca_file))
    assert cli.returncode == 0, cli.stderr
    assert "document v2 matches every commitment; opened: none" in cli.stdout


async def test_a_pdf_stored_before_masking_is_rendered_again(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    issued = await issued_receipt(app, client)
    await integrate(app)
    first = await client.get(scan_path(issued) + "/receipt.pdf")
    assert first.status_code == 200
    # As stored before: the version named only the receipt's state, the PDF had the full ID.
    await RenderedDocument.filter(receipt_id=issued["id"], kind="receipt").update(
        version="valid||anchored", pdf=b"%PDF-1.7 stale", etag="stale"
    )
    again = await client.get(scan_path(issued) + "/receipt.pdf")
    assert again.content != b"%PDF-1.7 stale" and again.content.startswith(b"%PDF-")
    pdf = tmp_path / "again.pdf"
    pdf.write_bytes(again.content)
    assert "4401**********1235" in text_of(pdf)


async def test_the_receipt_key_is_sealed_at_rest_and_survives_a_key_rotation(
    app: Starlette, client: httpx.AsyncClient, settings: Settings
) -> None:
    # The receipt key opens the public commitments: in clear, a copy of the database alone
    # would let the masked ID number be guessed against them.
    issued = await issued_receipt(app, client, email=False)
    entry = await LedgerEntry.get(receipt_id=issued["id"], event="issued")
    stored = bytes(entry.salt)
    key = stored_secret(stored)
    assert stored.startswith(sealing.MAGIC) and len(key) == 32 and key not in stored
    await integrate(app)

    rotated = keyring_for(dataclasses.replace(settings, data_keys=(Secret("k" * 32),)))
    sealing.install(rotated)
    await Resealer(rotated).run()
    await entry.refresh_from_db()
    assert sealing.key_id_of(bytes(entry.salt)) == rotated.current.name
    assert stored_secret(entry.salt) == key

    own = await client.get(f"{URL}/{issued['id']}/proof", headers=issued["_headers"])
    opened = verify_bundle(own.content, log_key=LOG_KEY).opened
    assert opened is not None and opened["payer.id_number"] == ID_NUMBER
