"""`ledger mirror`: a log copied as static files, served by a plain web server, audited."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.applications import Starlette

from backend.anchoring.audit import AuditError, audit_log
from backend.anchoring.mirror_client import mirror_log
from backend.services import Services
from chain.cosignature import CosignatureSigner
from chain.policy import Policy
from chain.tiles import TILE_WIDTH
from tests.factories import LOG_KEY
from tests.ledger import pending_entries

BASE = "https://piaojia.test"


class Interrupted(Exception):
    pass


async def test_a_mirror_served_by_http_server_passes_the_audit_and_resumes(
    app: Starlette, client: httpx.AsyncClient, static_server: tuple[str, Path]
) -> None:
    url, folder = static_server
    services: Services = app.state.services
    await pending_entries(app, client, TILE_WIDTH + 5)
    await services.sequencer.integrate_once()

    seen: list[tuple[int, int]] = []

    def stop_after_three(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        await mirror_log(BASE, folder, log_key=LOG_KEY, progress=stop_after_three, client=client)
    assert not (folder / "ledger" / "checkpoint").exists()  # written only once all verified
    total = seen[0][1]
    assert total == 5  # tiles 0/000, 0/001.p/5, 1/000.p/1 and two entry bundles

    resumed = await mirror_log(BASE, folder, log_key=LOG_KEY, client=client)
    assert resumed.reused >= 3 and resumed.fetched + resumed.reused == total
    assert resumed.fetched <= total - 3
    again = await mirror_log(BASE, folder, log_key=LOG_KEY, client=client)
    assert (again.fetched, again.reused) == (0, total)  # nothing missing: nothing fetched

    audited = await audit_log(url, log_key=LOG_KEY, state_file=None)
    assert (audited.tree_size, audited.bundles) == (TILE_WIDTH + 5, 2)
    assert (folder / "ledger" / "key").read_text().strip() == LOG_KEY

    # The log grows: the mirror follows, fetching only the new files, and stays auditable.
    await pending_entries(app, client, 2)
    await services.sequencer.integrate_once()
    grown = await mirror_log(BASE, folder, log_key=LOG_KEY, client=client)
    assert grown.audit.previous_size == TILE_WIDTH + 5
    assert grown.fetched == 2  # 0/001.p/7 and entries/001.p/7; 1/000.p/1 is unchanged
    assert (await audit_log(url, log_key=LOG_KEY, state_file=None)).tree_size == TILE_WIDTH + 7

    # A damaged file is named by the audit and removed from the mirror, so a rerun mends it.
    tile = folder / "ledger" / "tile" / "entries" / "000"
    tile.write_bytes(tile.read_bytes()[:-1] + b"!")
    with pytest.raises(AuditError) as caught:
        await mirror_log(BASE, folder, log_key=LOG_KEY, client=client)
    assert caught.value.place.startswith("tile/")
    assert not (folder / "ledger" / caught.value.place).exists()
    mended = await mirror_log(BASE, folder, log_key=LOG_KEY, client=client)
    assert mended.fetched == 1


async def test_the_audit_holds_the_checkpoint_to_a_policy(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    services: Services = app.state.services
    await pending_entries(app, client, 2)
    await services.sequencer.integrate_once()
    none = Policy.parse(f"log {LOG_KEY}\nquorum none\n")
    report = await audit_log(BASE, log_key=LOG_KEY, state_file=None, client=client, policy=none)
    assert report.tree_size == 2
    witness = CosignatureSigner("w.example", Ed25519PrivateKey.generate()).verifier()
    needs_one = Policy.parse(f"witness W {witness.key_string()}\nquorum W\n")
    with pytest.raises(AuditError, match=r"checkpoint: 0 valid cosignature.*W did not cosign"):
        await audit_log(BASE, log_key=LOG_KEY, state_file=None, client=client, policy=needs_one)
