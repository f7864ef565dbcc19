"""Ledger state on receipts, proofs over HTTP, proof bundles and ?wait=anchored."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import httpx

from backend.app import create_app
from backend.config import Settings
from backend.services import Services
from chain.hashing import leaf_hash
from chain.verify import verify_consistency, verify_inclusion
from tests.factories import issuer_with_staff, receipt_request
from tests.lifespan import lifespan

URL = "/api/v1/hospital/receipts"


def b64(items: list[str]) -> list[bytes]:
    return [base64.b64decode(item) for item in items]


async def test_receipts_show_their_ledger_state_and_prove_it(
    app: object, client: httpx.AsyncClient
) -> None:
    services: Services = app.state.services  # type: ignore[attr-defined]
    cashier = await issuer_with_staff(app)  # type: ignore[arg-type]
    issued = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    assert issued["ledger"] == {"state": "pending", "leaf_index": None}

    not_yet = await client.get(f"{URL}/{issued['id']}/proof", headers=cashier.headers)
    assert not_yet.status_code == 409
    assert not_yet.json()["error"]["code"] == "not_yet_anchored"

    await services.sequencer.integrate_once()
    second = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    await services.sequencer.integrate_once()
    read = (await client.get(f"{URL}/{issued['id']}", headers=cashier.headers)).json()
    assert read["ledger"] == {"state": "anchored", "leaf_index": 0}

    bundle = (await client.get(f"{URL}/{issued['id']}/proof", headers=cashier.headers)).json()
    assert bundle["format"] == "piaojia-proof-bundle/v1"
    assert bundle["log_origin"] == "piaojia.test/ledger"
    assert json.loads(bundle["document"])["payer"]["name"].startswith("sha256:")
    assert bundle["openings"]["payer.name"]["value"] == "张三"  # for the issuer only
    [entry] = bundle["entries"]
    assert entry["event"] == "issued" and entry["leaf_index"] == 0
    checkpoint_lines = bundle["checkpoint"].splitlines()
    size, root = int(checkpoint_lines[1]), base64.b64decode(checkpoint_lines[2])
    assert size == 2
    verify_inclusion(
        0, size, leaf_hash(entry["statement"].encode()), b64(entry["inclusion_proof"]), root
    )

    inclusion = await client.get("/ledger/proof/inclusion", params={"index": 1, "size": 2})
    proof = inclusion.json()
    assert inclusion.status_code == 200, inclusion.text
    assert proof["size"] == 2 and base64.b64decode(proof["root_hash"]) == root
    second_entry = (await client.get(f"{URL}/{second['id']}/proof", headers=cashier.headers)).json()
    statement = second_entry["entries"][0]["statement"].encode()
    verify_inclusion(1, 2, leaf_hash(statement), b64(proof["hashes"]), root)

    consistency = (await client.get("/ledger/proof/consistency", params={"from": 1})).json()
    first_root = leaf_hash(entry["statement"].encode())
    verify_consistency(1, 2, b64(consistency["hashes"]), first_root, root)

    cases: list[tuple[str, dict[str, int | str]]] = [
        ("inclusion", {"index": 5}),
        ("inclusion", {"index": -1}),
        ("inclusion", {"index": "x"}),
        ("consistency", {"from": 3}),
        ("consistency", {}),
    ]
    for path, params in cases:
        response = await client.get(f"/ledger/proof/{path}", params=params)
        assert response.status_code in (404, 422), (path, params, response.text)
        assert response.json()["error"]["code"] in ("proof_unavailable", "validation_failed")

    other = await issuer_with_staff(app)  # type: ignore[arg-type]
    hidden = await client.get(f"{URL}/{issued['id']}/proof", headers=other.headers)
    assert hidden.status_code == 404


async def test_reversal_bundle_holds_both_events(app: object, client: httpx.AsyncClient) -> None:
    services: Services = app.state.services  # type: ignore[attr-defined]
    cashier = await issuer_with_staff(app)  # type: ignore[arg-type]
    issued = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    await client.post(
        f"{URL}/{issued['id']}/reversal", json={"reason": "退费"}, headers=cashier.headers
    )
    await services.sequencer.integrate_once()
    bundle = (await client.get(f"{URL}/{issued['id']}/proof", headers=cashier.headers)).json()
    assert [e["event"] for e in bundle["entries"]] == ["issued", "reversed"]


async def test_wait_anchored_answers_once_integrated(settings: Settings) -> None:
    fast = create_app(replace(settings, ledger_interval=0.05))
    async with lifespan(fast):
        transport = httpx.ASGITransport(app=fast)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            cashier = await issuer_with_staff(fast)
            response = await http.post(
                URL, params={"wait": "anchored"}, json=receipt_request(), headers=cashier.headers
            )
            assert response.status_code == 201
            assert response.json()["ledger"]["state"] == "anchored"
            bad = await http.post(
                URL, params={"wait": "forever"}, json=receipt_request(), headers=cashier.headers
            )
            assert bad.status_code == 422
