"""Receipts anchored in the ledger: statements, integration, checkpoint and tiles over HTTP."""

from __future__ import annotations

import json

import httpx
from starlette.applications import Starlette

from backend.anchoring.commitments import stored_secret
from backend.anchoring.models import LedgerEntry
from backend.issuers.models import Issuer
from backend.receipts.canonical import receipt_document
from backend.receipts.models import LineItem, Receipt
from backend.services import Services
from chain.checkpoint import open_checkpoint
from chain.hashing import leaf_hash
from chain.note import NoteVerifier
from chain.receipt.canonical import canonical_json, commitment, commitment_salt
from chain.tiles import decode_entry_bundle
from chain.verify import verify_inclusion
from tests.factories import issuer_with_staff, receipt_request
from tests.rows import column

URL = "/api/v1/hospital/receipts"


async def test_issue_and_reversal_are_anchored_without_personal_data(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    issued = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    await client.post(
        f"{URL}/{issued['id']}/reversal", json={"reason": "退费"}, headers=cashier.headers
    )

    entries = await LedgerEntry.all().order_by("id")
    assert [e.event for e in entries] == ["issued", "issued", "reversed"]
    for entry in entries:
        text = bytes(entry.statement).decode()
        for private in ("张三", "440106199001011235", "zhangsan@example.com", "阿莫西林"):
            assert private not in text
        fields = json.loads(text)
        assert set(fields) == {"v", "event", "issuer", "code", "number", "at", "commitment"}

    # The holder of the receipt and its salt recomputes the commitment from the stored rows.
    first = entries[0]
    receipt = await Receipt.get(id=issued["id"])
    issuer = await Issuer.get(id=cashier.issuer_id)
    items = list(await LineItem.filter(receipt_id=receipt.id))
    # Version 2: the stored secret is the receipt key the field salts come from, and the
    # published salt is derived from it.
    key = stored_secret(first.salt)
    document = canonical_json(receipt_document(receipt, issuer, items, key=key))
    assert json.loads(bytes(first.statement))["commitment"] == commitment(
        commitment_salt(key), document
    )
    assert "张三" not in document.decode() and json.loads(document)["v"] == 2


async def test_failed_issue_anchors_nothing(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    response = await client.post(URL, json=receipt_request(total="1.00"), headers=cashier.headers)
    assert response.status_code == 422
    assert await LedgerEntry.all().count() == 0


async def test_integrated_receipts_are_served_as_checkpoint_and_tiles(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    services: Services = app.state.services
    empty = await services.sequencer.integrate_once()  # an empty log signs size 0
    assert empty is not None and empty.checkpoint.size == 0
    assert (await client.get("/ledger/checkpoint")).text.splitlines()[1] == "0"
    cashier = await issuer_with_staff(app)
    for _ in range(3):
        await client.post(URL, json=receipt_request(), headers=cashier.headers)
    signed = await services.sequencer.integrate_once()
    assert signed is not None and signed.checkpoint.size == 3

    key = (await client.get("/ledger/key")).text.strip()
    verifier = NoteVerifier.from_key_string(key)
    note = (await client.get("/ledger/checkpoint")).content
    opened, _ = open_checkpoint(note, [verifier], origin="piaojia.test/ledger")
    assert opened.checkpoint.size == 3

    bundle = await client.get("/ledger/tile/entries/000.p/3")
    assert bundle.status_code == 200
    assert bundle.headers["cache-control"] == "public, max-age=60"  # partial: replaced later
    entries = decode_entry_bundle(bundle.content)
    tile = (await client.get("/ledger/tile/0/000.p/3")).content
    assert [tile[i * 32 : (i + 1) * 32] for i in range(3)] == [leaf_hash(e) for e in entries]

    proof = await services.anchoring.ledger.inclusion_proof(1, 3)
    verify_inclusion(1, 3, leaf_hash(entries[1]), list(proof.hashes), opened.checkpoint.root_hash)

    stored = await column(LedgerEntry.all().order_by("id"), "leaf_index")
    assert sorted(stored) == [0, 1, 2]
    for missing in (
        "/ledger/tile/0/000.p/4",
        "/ledger/tile/0/001",
        "/ledger/tile/x/000",
        "/ledger/tile/entries/000.p/300",
        # Indexes past 64 bits (a 500 once), and the largest that fits.
        "/ledger/tile/0/x001/x002/x003/x004/x005/x006/x007/x008/x009/x010/999",
        "/ledger/tile/entries/" + "x999/" * 30 + "999",
        "/ledger/tile/0/x009/x223/x372/x036/x854/x775/807",
        "/ledger/tile/entries/x009/x223/x372/x036/x854/x775/807.p/5",
    ):
        response = await client.get(missing)
        assert response.status_code == 404, missing
        assert response.json()["error"]["code"] == "tile_not_found"
