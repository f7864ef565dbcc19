"""Public ledger endpoints: the log's key, its checkpoint, and its tiles per C2SP tlog-tiles."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from backend.anchoring.errors import NoCheckpointYet, TileNotFound
from backend.web import Endpoint, services
from chain.errors import ChainError
from chain.tiles import TileId

# A tile path names its width, so what it serves never changes; a checkpoint changes often.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=1"


async def ledger_key(request: Request) -> Response:
    return PlainTextResponse(services(request).anchoring.ledger.verifier_key + "\n")


async def checkpoint(request: Request) -> Response:
    latest = await services(request).anchoring.ledger.latest_checkpoint()
    if latest is None:
        raise NoCheckpointYet("the ledger has not signed a checkpoint yet")
    return Response(
        latest.note, media_type="text/plain; charset=utf-8", headers={"Cache-Control": SHORT}
    )


async def tile(request: Request) -> Response:
    path = "tile/" + request.path_params["path"]
    ledger = services(request).anchoring.ledger
    try:
        tile_id = TileId.parse(path)
        if tile_id.entries:
            data = await ledger.read_entry_bundle(tile_id.index, tile_id.width)
        else:
            data = await ledger.read_tile(tile_id.level, tile_id.index, tile_id.width)
    except ChainError as exc:
        raise TileNotFound(f"{path}: {exc}") from exc
    return Response(
        data, media_type="application/octet-stream", headers={"Cache-Control": IMMUTABLE}
    )


TEXT = "text/plain"

ENDPOINTS = [
    Endpoint(
        "GET",
        "/ledger/key",
        ledger_key,
        name="ledger.key",
        summary="The log's C2SP verifier key",
        tag="ledger",
        media_type=TEXT,
    ),
    Endpoint(
        "GET",
        "/ledger/checkpoint",
        checkpoint,
        name="ledger.checkpoint",
        summary="The latest signed checkpoint (C2SP tlog-checkpoint)",
        tag="ledger",
        media_type=TEXT,
    ),
    Endpoint(
        "GET",
        "/ledger/tile/{path:path}",
        tile,
        name="ledger.tile",
        summary="A hash tile or entry bundle (C2SP tlog-tiles)",
        tag="ledger",
        media_type="application/octet-stream",
    ),
]
