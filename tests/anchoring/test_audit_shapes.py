"""The audit over trees of every tile shape, served from memory: sizes at and around tile edges."""

from __future__ import annotations

import httpx
import pytest

from backend.anchoring.audit import AuditError, audit_log
from chain.log import Log
from chain.note import NoteSigner
from chain.storage.memory import MemoryStorage
from chain.tiles import TILE_WIDTH, TileId, tiles_for_size

SIGNER = NoteSigner.generate("memory.test/ledger")


async def served_log(size: int) -> dict[str, bytes]:
    """Every path an auditor of a ``size``-leaf log fetches, with what the log serves there."""
    log = Log(MemoryStorage(), SIGNER)
    for n in range(size):
        await log.append(b"entry %d" % n)
    signed = await log.integrate(max_batch=size or 1)
    files = {"ledger/checkpoint": signed.note}
    for tile in tiles_for_size(size):
        files[f"ledger/{tile.path()}"] = await log.read_tile(tile.level, tile.index, tile.width)
    for n in range(-(-size // TILE_WIDTH)):
        bundle = TileId(0, n, min(TILE_WIDTH, size - n * TILE_WIDTH), entries=True)
        files[f"ledger/{bundle.path()}"] = await log.read_entry_bundle(n, bundle.width)
    return files


def client_for(files: dict[str, bytes]) -> httpx.AsyncClient:
    def serve(request: httpx.Request) -> httpx.Response:
        data = files.get(request.url.path.lstrip("/"))
        return httpx.Response(404) if data is None else httpx.Response(200, content=data)

    return httpx.AsyncClient(transport=httpx.MockTransport(serve))


async def audit(files: dict[str, bytes]) -> tuple[int, int, int]:
    async with client_for(files) as client:
        report = await audit_log(
            "https://memory.test",
            log_key=SIGNER.verifier().key_string(),
            state_file=None,
            client=client,
        )
    return report.tree_size, report.tiles, report.bundles


@pytest.mark.parametrize(
    ("size", "tiles", "bundles"),
    [(1, 1, 1), (255, 1, 1), (256, 2, 1), (257, 3, 2), (512, 3, 2), (65536, 258, 256)],
)
async def test_trees_of_every_tile_shape_pass(size: int, tiles: int, bundles: int) -> None:
    assert await audit(await served_log(size)) == (size, tiles, bundles)


async def test_a_fault_two_levels_up_is_named() -> None:
    files = await served_log(65536 + 300)  # level 2 holds one hash: the root of 65536 leaves
    assert "ledger/tile/2/000.p/1" in files
    assert (await audit(files))[0] == 65836

    tampered = dict(files)
    level1 = bytearray(files["ledger/tile/1/000"])
    level1[200 * 32] ^= 0x01
    tampered["ledger/tile/1/000"] = bytes(level1)
    with pytest.raises(AuditError) as caught:
        await audit(tampered)
    # The entries still give the signed root, so the tile that differs from them is named.
    assert str(caught.value) == "tile/1/000: hash 200 is not the root of tile/0/200"

    top = bytearray(files["ledger/tile/2/000.p/1"])
    top[0] ^= 0x80
    tampered = {**files, "ledger/tile/2/000.p/1": bytes(top)}
    with pytest.raises(
        AuditError, match=r"^tile/2/000\.p/1: hash 0 is not the root of tile/1/000$"
    ):
        await audit(tampered)


async def test_a_tile_wider_than_its_path_is_named() -> None:
    files = await served_log(5)
    files["ledger/tile/0/000.p/5"] += bytes(32)
    with pytest.raises(AuditError, match=r"^tile/0/000\.p/5: holds 6 hashes, expected 5$"):
        await audit(files)


async def test_a_checkpoint_whose_root_no_tile_gives_is_named() -> None:
    files = await served_log(5)
    log = Log(MemoryStorage(), SIGNER)  # the same key signs a tree of other entries
    for n in range(5):
        await log.append(b"other %d" % n)
    files["ledger/checkpoint"] = (await log.integrate()).note
    with pytest.raises(AuditError) as caught:
        await audit(files)
    # Tiles and entries agree with each other, and neither gives the signed root.
    assert str(caught.value) == ("checkpoint: root hash is not the root of the tree the log serves")
