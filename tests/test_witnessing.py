"""The app's log witnessed by two real witness processes, a quorum of two, and a receipt's
bundle verified offline against them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.anchoring.models import LedgerCosignature
from backend.app import create_app
from backend.config import Settings
from backend.services import Services
from chain.cosignature import CosignatureSigner
from chain.receipt.bundle import verify_bundle
from chain.receipt.errors import WitnessQuorumError
from tests.factories import LOG_SIGNER, issuer_with_staff, receipt_request
from tests.lifespan import lifespan
from tests.witness.support import WitnessProcess

URL = "/api/v1/hospital/receipts"


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[list[WitnessProcess]]:
    log_key = LOG_SIGNER.verifier().key_string()
    started = []
    for name in ("witness-a.test", "witness-b.test"):
        folder = tmp_path / name
        folder.mkdir()
        started.append(WitnessProcess(folder, name, [log_key]))
    yield started
    for witness in started:
        witness.stop()


async def test_two_witnesses_cosign_and_a_bundle_verifies_offline(
    settings: Settings, witnesses: list[WitnessProcess]
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
        services: Services = app.state.services
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            cashier = await issuer_with_staff(app)
            issued = (await http.post(URL, json=receipt_request(), headers=cashier.headers)).json()
            await services.sequencer.integrate_once()
            assert await LedgerCosignature.filter(size=1).count() == 2

            for _ in range(3):  # the witnesses follow the log as it grows
                await http.post(URL, json=receipt_request(), headers=cashier.headers)
                await services.sequencer.integrate_once()
            assert await LedgerCosignature.filter(size=4).count() == 2

            checkpoint = (await http.get("/ledger/checkpoint")).text
            assert sum(line.startswith("— witness-") for line in checkpoint.splitlines()) == 2
            read = (await http.get(f"{URL}/{issued['id']}", headers=cashier.headers)).json()
            assert read["ledger"]["state"] == "witnessed"
            scan_path = issued["scan_url"].removeprefix("https://piaojia.test")
            scanned = (await http.get(scan_path, headers={"Accept": "application/json"})).json()
            assert scanned["ledger"] == read["ledger"]
            bundle = (
                await http.get(f"{URL}/{issued['id']}/proof", headers=cashier.headers)
            ).content

    report = verify_bundle(
        bundle, log_key=LOG_SIGNER.verifier().key_string(), witness_keys=keys, quorum=2
    )
    assert report.tree_size == 4
    stranger = CosignatureSigner("witness-b.test", Ed25519PrivateKey.generate()).verifier()
    with pytest.raises(WitnessQuorumError):  # a cosignature under another key does not count
        verify_bundle(
            bundle,
            log_key=LOG_SIGNER.verifier().key_string(),
            witness_keys=[keys[0], stranger.key_string()],
            quorum=2,
        )


async def test_an_unreachable_witness_does_not_stop_the_log(settings: Settings) -> None:
    nobody = CosignatureSigner("witness-c.test", Ed25519PrivateKey.generate()).verifier()
    configured = replace(settings, witnesses=(("http://127.0.0.1:9", nobody.key_string()),))
    app = create_app(configured)
    async with lifespan(app):
        services: Services = app.state.services
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            cashier = await issuer_with_staff(app)
            issued = (await http.post(URL, json=receipt_request(), headers=cashier.headers)).json()
            signed = await services.sequencer.integrate_once()
            assert signed is not None and signed.checkpoint.size == 1
            read = (await http.get(f"{URL}/{issued['id']}", headers=cashier.headers)).json()
            assert read["ledger"]["state"] == "anchored"  # in the log, not yet witnessed
