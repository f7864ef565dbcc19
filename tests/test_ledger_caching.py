"""What caches and mirrors may keep: full tiles and bundles for good, the rest briefly."""

from __future__ import annotations

import gzip

import httpx
from starlette.applications import Starlette

from backend.services import Services
from chain.policy import Policy
from chain.tiles import TILE_WIDTH, decode_entry_bundle
from tests.ledger import pending_entries

URL = "/api/v1/hospital/receipts"

IMMUTABLE = "public, max-age=31536000, immutable"


async def test_full_tiles_are_immutable_partial_ones_and_the_checkpoint_short_lived(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    services: Services = app.state.services
    await pending_entries(app, client, TILE_WIDTH + 3)
    signed = await services.sequencer.integrate_once()
    assert signed is not None and signed.checkpoint.size == TILE_WIDTH + 3

    for path in ("tile/0/000", "tile/entries/000"):
        answer = await client.get(f"/ledger/{path}")
        assert answer.status_code == 200 and answer.headers["cache-control"] == IMMUTABLE
    for path in ("tile/0/001.p/3", "tile/1/000.p/1", "tile/entries/001.p/3"):
        answer = await client.get(f"/ledger/{path}")
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=60"
    checkpoint = await client.get("/ledger/checkpoint")
    assert checkpoint.headers["cache-control"] == "public, max-age=1"


async def test_entry_bundles_are_gzipped_only_for_clients_that_ask(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    services: Services = app.state.services
    await pending_entries(app, client, 5)
    await services.sequencer.integrate_once()
    path = "/ledger/tile/entries/000.p/5"

    plain = await client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    assert len(decode_entry_bundle(plain.content)) == 5

    # Read the raw bytes: httpx would otherwise undo the encoding before the test sees it.
    async with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as zipped:
        raw = b"".join([chunk async for chunk in zipped.aiter_raw()])
        assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == plain.content
    refused = await client.get(path, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    # Hash tiles are random bytes: never compressed.
    tile = await client.get("/ledger/tile/0/000.p/5", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in tile.headers


async def test_the_policy_is_published_in_tlog_policy_format(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    answer = await client.get("/ledger/policy")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    policy = Policy.parse(answer.content)
    key = (await client.get("/ledger/key")).text.strip()
    assert [log.vkey for log in policy.logs] == [key]
    assert policy.logs[0].url == "https://piaojia.test/ledger" or policy.logs[0].url
    assert policy.quorum == "none"  # the test settings configure no witness
