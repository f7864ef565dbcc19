"""The log judged by its witness policy: nested groups per size, and no cosignature kept from
a witness whose clock runs ahead beyond the skew."""

from __future__ import annotations

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.applications import Starlette

from backend.anchoring.models import LedgerCosignature
from backend.anchoring.witness_client import WitnessClient
from backend.anchoring.witnessing import Witnessing
from backend.services import Services
from backend.witness.app import create_witness_app
from backend.witness.keys import witness_signer
from chain.cosignature import MAX_CLOCK_SKEW
from chain.policy import Policy
from chain.witness import MemoryWitnessState, Witness
from tests.factories import LOG_SIGNER

NOW = 1_790_000_000


async def test_a_fast_witness_is_not_counted_until_its_clock_is_within_the_skew(
    app: Starlette,
) -> None:
    services: Services = app.state.services
    log_time, witness_time = [NOW], [NOW + MAX_CLOCK_SKEW + 60]
    signer = witness_signer(
        "fast.example/w", Ed25519PrivateKey.generate(), clock=lambda: witness_time[0]
    )
    witness = Witness(signer, {LOG_SIGNER.name: [LOG_SIGNER.verifier()]}, MemoryWitnessState())
    client = WitnessClient(transport=httpx.ASGITransport(app=create_witness_app(witness)))
    policy = Policy.threshold([(witness.verifier().key_string(), "http://fast.test")], 1)
    witnessing = Witnessing(
        ledger=services.anchoring.ledger, policy=policy, client=client, clock=lambda: log_time[0]
    )
    try:
        signed = await services.sequencer.integrate_once()
        assert signed is not None
        assert await witnessing.offer(signed) == 0  # dated 660 s ahead: not kept
        assert await LedgerCosignature.filter(size=signed.checkpoint.size).count() == 0
        assert await witnessing.latest_witnessed_size() is None

        # Its clock is corrected: it waits for real time to reach its last cosignature (see
        # tests/witness/test_clock.py), then cosigns, and now the log keeps the cosignature.
        witness_time[0] = log_time[0] = NOW + 30
        assert await witnessing.offer(signed) == 0
        witness_time[0] = log_time[0] = NOW + MAX_CLOCK_SKEW + 60
        assert await witnessing.offer(signed) == 1
        assert await witnessing.latest_witnessed_size() == signed.checkpoint.size
    finally:
        await witnessing.close()


async def test_the_latest_witnessed_size_follows_a_nested_policy(app: Starlette) -> None:
    """2 of 3 X witnesses and any Y witness: judged per size on the cosignatures kept."""
    services: Services = app.state.services
    keys = {n: witness_signer(f"{n}.example", Ed25519PrivateKey.generate()) for n in NAMES}
    lines = [f"witness {n} {k.verifier().key_string()} http://{n}.test" for n, k in keys.items()]
    policy = Policy.parse(
        "\n".join([*lines, "group X 2 x1 x2 x3", "group Y any y1 y2", "group XY all X Y"])
        + "\nquorum XY\n"
    )
    witnessing = Witnessing(ledger=services.anchoring.ledger, policy=policy, client=WitnessClient())
    try:
        kept = {
            1: ["x1", "x2", "y1"],  # met
            2: ["x1", "x2", "x3", "y2"],  # met
            3: ["x1", "y1", "y2"],  # one X only
            4: ["x1", "x2", "x3"],  # no Y
            5: ["x3"],
        }
        for size, names in kept.items():
            for name in names:
                await LedgerCosignature.create(size=size, witness=f"{name}.example", line="—")
        assert await witnessing.latest_witnessed_size() == 2
        await LedgerCosignature.create(size=4, witness="y2.example", line="—")
        assert await witnessing.latest_witnessed_size() == 4
        # Many newer sizes that look like candidates (three cosignatures) but miss the Y group:
        # the search pages past them.
        await LedgerCosignature.bulk_create(
            LedgerCosignature(size=size, witness=f"{name}.example", line="—")
            for size in range(10, 90)
            for name in ("x1", "x2", "x3")
        )
        assert await witnessing.latest_witnessed_size() == 4
    finally:
        await witnessing.close()


NAMES = ("x1", "x2", "x3", "y1", "y2")
