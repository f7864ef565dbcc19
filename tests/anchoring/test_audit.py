"""Auditing the ledger over HTTP, on both databases: a sound log passes, every fault is named."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from backend.anchoring.audit import AuditError, AuditReport, audit_log
from backend.anchoring.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from backend.services import Services
from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.hashing import leaf_hash
from chain.log import Log
from chain.note import NoteSigner, split_note
from chain.storage.memory import MemoryStorage
from chain.tiles import decode_entry_bundle, tiles_for_size
from tests.factories import LOG_SIGNER, Actor, issuer_with_staff, receipt_request

URL = "/api/v1/hospital/receipts"
BASE = "https://piaojia.test"


async def issue(client: httpx.AsyncClient, cashier: Actor, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        response = await client.post(URL, json=receipt_request(), headers=cashier.headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def integrate(app: Starlette) -> int:
    services: Services = app.state.services
    signed = await services.sequencer.integrate_once()
    assert signed is not None
    return signed.checkpoint.size


async def audit(
    client: httpx.AsyncClient, state: Path | None = None, key: str | None = None
) -> AuditReport:
    key = LOG_SIGNER.verifier().key_string() if key is None else key
    return await audit_log(BASE, log_key=key, state_file=state, client=client)


async def audit_error(client: httpx.AsyncClient, state: Path | None = None) -> AuditError:
    with pytest.raises(AuditError) as caught:
        await audit(client, state)
    assert "\n" not in str(caught.value)
    return caught.value


async def flip_tile_byte(level: int, index: int, offset: int) -> bytes:
    """Flip one bit of a stored tile; returns the original bytes for restoring."""
    tile = await LedgerTile.get(level=level, index=index)
    original = bytes(tile.data)
    data = bytearray(original)
    data[offset] ^= 0x01
    await LedgerTile.filter(id=tile.id).update(data=bytes(data))
    return original


async def restore_tile(level: int, index: int, data: bytes) -> None:
    await LedgerTile.filter(level=level, index=index).update(data=data)


async def test_audit_passes_and_follows_the_log_as_it_grows(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    cashier = await issuer_with_staff(app)
    first_ids = await issue(client, cashier, 3)
    await client.post(f"{URL}/{first_ids[0]}/reversal", json={"reason": "退费"},
                      headers=cashier.headers)  # fmt: skip
    size = await integrate(app)
    state = tmp_path / "audit" / "checkpoint"

    report = await audit(client, state)

    note = (await client.get("/ledger/checkpoint")).content
    checkpoint = Checkpoint.parse(split_note(note)[0])
    assert (report.tree_size, report.root_hash) == (size, checkpoint.root_hash)
    assert size == 5  # three issues, one reversal receipt issued, one reversal event
    assert report.origin == "piaojia.test/ledger"
    assert (report.tiles, report.bundles, report.previous_size) == (1, 1, None)
    assert report.checkpoint == note == state.read_bytes()

    await issue(client, cashier, 4)
    grown = await integrate(app)
    again = await audit(client, state)
    assert (again.previous_size, again.tree_size) == (5, grown) == (5, 9)
    assert state.read_bytes() == again.checkpoint != note

    # An audit with no news is consistent with itself.
    assert (await audit(client, state)).previous_size == 9


async def test_audit_of_an_empty_log(app: Starlette, client: httpx.AsyncClient) -> None:
    assert await integrate(app) == 0
    report = await audit(client)
    assert (report.tree_size, report.tiles, report.bundles) == (0, 0, 0)


async def test_audit_names_the_tampered_tile_or_entry_in_a_tree_of_two_levels(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    await issue(client, cashier, 100)
    await integrate(app)  # a tree grown over two integrations, the second crossing a tile
    await issue(client, cashier, 200)
    size = await integrate(app)
    assert size == 300
    assert [t.path() for t in tiles_for_size(size)] == [
        "tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1"]  # fmt: skip

    report = await audit(client)
    assert (report.tiles, report.bundles, report.tree_size) == (3, 2, 300)

    # A hash in a full level-0 tile: the level-1 tile and the entries both say otherwise.
    original = await flip_tile_byte(0, 0, 17 * 32 + 5)
    error = await audit_error(client)
    assert str(error) == "tile/0/000: hash 17 does not match entry 17 (of tile/entries/000)"
    assert error.place == "tile/0/000"
    await restore_tile(0, 0, original)

    # A hash in the partial level-0 tile, which the root commits to directly.
    original = await flip_tile_byte(0, 1, 40 * 32)
    error = await audit_error(client)
    assert str(error) == (
        "tile/0/001.p/44: hash 40 does not match entry 296 (of tile/entries/001.p/44)"
    )
    await restore_tile(0, 1, original)

    # The level-1 hash that stands for the whole first level-0 tile.
    original = await flip_tile_byte(1, 0, 31)
    error = await audit_error(client)
    assert str(error) == "tile/1/000.p/1: hash 0 is not the root of tile/0/000"
    await restore_tile(1, 0, original)

    # One byte of one entry in the second bundle: the tiles still give the signed root.
    stored = await LedgerBundle.get(index=1)
    entries = decode_entry_bundle(bytes(stored.data))
    offset = sum(2 + len(e) for e in entries[:3]) + 2 + 10  # inside entry 3's statement
    flipped = bytearray(stored.data)
    flipped[offset] ^= 0x01
    await LedgerBundle.filter(index=1).update(data=bytes(flipped))
    error = await audit_error(client)
    assert error.place == "tile/entries/001.p/44"
    assert str(error) == (
        "tile/entries/001.p/44: entry 3 (leaf 259) does not match hash 3 of tile/0/001.p/44, "
        "which the checkpoint commits to"
    )
    await LedgerBundle.filter(index=1).update(data=bytes(stored.data))

    # A forged entry served with a level-0 tile that matches it: the signed root confirms the
    # level-1 hash, so the level-0 tile is the one that is provably wrong.
    stored = await LedgerBundle.get(index=0)
    entries = decode_entry_bundle(bytes(stored.data))
    forged = entries[17].replace(b'"issued"', b'"reimbursed"')
    assert forged != entries[17]
    rest = b"".join(len(e).to_bytes(2, "big") + e for e in [*entries[:17], forged, *entries[18:]])
    await LedgerBundle.filter(index=0).update(data=rest)
    tile = await LedgerTile.get(level=0, index=0)
    data = bytes(tile.data)
    await LedgerTile.filter(id=tile.id).update(
        data=data[: 17 * 32] + leaf_hash(forged) + data[18 * 32 :]
    )
    error = await audit_error(client)
    assert str(error) == (
        "tile/0/000: root is not hash 0 of tile/1/000.p/1, which the checkpoint commits to"
    )
    await LedgerBundle.filter(index=0).update(data=bytes(stored.data))
    await restore_tile(0, 0, data)

    assert (await audit(client)).tree_size == 300  # every fault undone, the audit passes again


async def test_audit_names_a_truncated_bundle_and_a_short_tile(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    await issue(client, cashier, 3)
    await integrate(app)
    stored = await LedgerBundle.get(index=0)
    await LedgerBundle.filter(index=0).update(data=bytes(stored.data)[:-1])
    assert str(await audit_error(client)).startswith("tile/entries/000.p/3: ")
    await LedgerBundle.filter(index=0).update(data=bytes(stored.data))

    tile = await LedgerTile.get(level=0, index=0)
    await LedgerTile.filter(id=tile.id).update(data=bytes(tile.data)[:-32])
    error = await audit_error(client)
    assert error.place == "tile/0/000.p/3"
    assert "HTTP 404" in error.detail  # the log cannot serve a tile it does not hold


async def test_audit_rejects_a_checkpoint_not_signed_by_the_key(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await integrate(app)
    impostor = NoteSigner.generate("piaojia.test/ledger").verifier().key_string()
    with pytest.raises(AuditError, match=r"^checkpoint: not validly signed by the log key"):
        await audit(client, key=impostor)
    other_log = NoteSigner.generate("elsewhere.test/ledger").verifier().key_string()
    with pytest.raises(AuditError, match=r"^checkpoint: not validly signed"):
        await audit(client, key=other_log)
    with pytest.raises(AuditError, match=r"^log key: "):
        await audit(client, key="not-a-key")


async def rewrite_history(statements: list[bytes]) -> None:
    """Replace the served tree by a fresh one of ``statements``, re-signed by the log's key."""
    memory = MemoryStorage()
    forged = Log(memory, LOG_SIGNER)
    for statement in statements:
        await forged.append(statement)
    signed = await forged.integrate()
    size = signed.checkpoint.size
    tiles = await memory.read_tiles([t.key for t in tiles_for_size(size)])
    await LedgerTile.all().delete()
    await LedgerBundle.all().delete()
    await LedgerCheckpoint.all().delete()
    for (level, index), data in tiles.items():
        await LedgerTile.create(level=level, index=index, data=data)
    for index in range(-(-size // 256)):
        bundle = await memory.read_entry_bundle(index)
        assert bundle is not None
        await LedgerBundle.create(index=index, data=bundle)
    await LedgerCheckpoint.create(size=size, note=signed.note)


async def test_a_rewritten_history_is_not_consistent_with_the_saved_state(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    cashier = await issuer_with_staff(app)
    await issue(client, cashier, 4)
    await integrate(app)
    state = tmp_path / "checkpoint"
    assert (await audit(client, state)).tree_size == 4
    saved = state.read_bytes()
    stored = [
        bytes(s)
        for s in await LedgerEntry.filter(leaf_index__not_isnull=True)
        .order_by("leaf_index")
        .values_list("statement", flat=True)
    ]

    # The log drops its second statement and signs a longer tree: well-formed on its own.
    forked = [stored[0], *stored[2:], b'{"v":1}', b'{"v":2}', b'{"v":3}']
    await rewrite_history(forked)
    assert (await audit(client)).tree_size == 6  # a fresh auditor cannot tell
    error = await audit_error(client, state)
    assert str(error).startswith("checkpoint: not consistent with the one saved at size 4 in ")
    assert state.read_bytes() == saved  # a failed audit leaves the state as it was

    # A log that shrinks is caught before any root is compared.
    await rewrite_history(stored[:3])
    error = await audit_error(client, state)
    assert str(error) == f"checkpoint: size 3 is smaller than the size 4 saved in {state}"

    # The honest history, extended, is consistent again.
    await rewrite_history([*stored, b'{"v":4}'])
    assert (await audit(client, state)).previous_size == 4


async def test_a_state_file_from_another_log_is_refused(
    app: Starlette, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await integrate(app)
    state = tmp_path / "checkpoint"
    other = NoteSigner.generate("piaojia.test/ledger")
    foreign = sign_checkpoint(Checkpoint("piaojia.test/ledger", 0, b"\0" * 32), [other])
    state.write_bytes(foreign.note)
    error = await audit_error(client, state)
    assert error.place == f"state file {state}"
    assert error.detail.startswith("not validly signed by the log key")
    state.write_bytes(b"garbage")
    assert (await audit_error(client, state)).detail.startswith("malformed")


async def test_an_unreachable_log_is_named() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as dead:
        with pytest.raises(AuditError) as caught:
            await audit_log(
                "https://nowhere.test/",
                log_key=LOG_SIGNER.verifier().key_string(),
                state_file=None,
                client=dead,
            )
    assert caught.value.place == "checkpoint"
    assert caught.value.detail.startswith("cannot fetch https://nowhere.test/ledger/checkpoint")
