"""A log whose checkpoints are signed with Ed25519 and ML-DSA-44 (`ledger init --algorithms`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx

from backend.app import create_app
from backend.config import Settings
from backend.secret import Secret
from backend.services import Services
from chain.mldsa import MLDSACosignatureSigner
from chain.policy import Policy
from chain.quorum import open_checkpoint_under
from tests.commands import piaojia
from tests.factories import LOG_SIGNER
from tests.lifespan import lifespan


def test_ledger_init_makes_both_keys_and_refuses_other_choices(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/ledger.db"
    made = piaojia(
        url, "ledger", "init", "--origin", "pq.example/ledger", "--algorithms",
        "ed25519,ml-dsa-44", cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    ed, pq = made.stdout.split()
    assert ed.startswith("pq.example/ledger+") and pq.startswith("pq.example/ledger+")
    lines = (tmp_path / "var" / "ledger.key").read_text().split()
    assert len(lines) == 2 and MLDSACosignatureSigner.from_key_string(lines[1])
    assert piaojia(url, "ledger", "key", cwd=tmp_path).stdout.strip() == ed
    for wrong in ("ml-dsa-44", "ed25519,rsa", "ed25519,ed25519"):
        refused = piaojia(url, "ledger", "init", "--algorithms", wrong, cwd=tmp_path)
        assert refused.returncode == 2 and "expected ed25519" in refused.stderr


async def test_the_app_signs_with_both_and_publishes_both_log_keys(settings: Settings) -> None:
    pq = MLDSACosignatureSigner.generate(LOG_SIGNER.name)
    both = replace(settings, ledger_key=Secret(f"{LOG_SIGNER.key_string()}\n{pq.key_string()}"))
    app = create_app(both)
    async with lifespan(app):
        services: Services = app.state.services
        signed = await services.sequencer.integrate_once()
        assert signed is not None
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            policy = Policy.parse((await http.get("/ledger/policy")).content)
            note = (await http.get("/ledger/checkpoint")).content
    assert [log.vkey for log in policy.logs] == [
        LOG_SIGNER.verifier().key_string(),
        pq.verifier().key_string(),
    ]
    assert note.count("— piaojia.test/ledger ".encode()) == 2
    only_pq = Policy.parse(f"log {pq.verifier().key_string()}\nquorum none\n")
    checkpoint, _ = open_checkpoint_under(note, only_pq)
    assert checkpoint.size == signed.checkpoint.size
