"""Public ledger endpoints: the log's key, its checkpoint, and its tiles per C2SP tlog-tiles."""

from __future__ import annotations

import base64
import gzip

from pydantic import Field
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from backend.anchoring.errors import NoCheckpointYet, ProofUnavailable, TileNotFound
from backend.anchoring.services import AnchoringService
from backend.anchoring.witnessing import Witnessing
from backend.schema import Model
from backend.web import Endpoint, json_answer, parse_query, service
from chain.errors import ChainError
from chain.tiles import TILE_WIDTH, TileId

# A full tile or bundle never changes; a partial one is replaced by wider ones as the log grows
# (and may go once the full one exists), and the checkpoint changes with every integration.
IMMUTABLE = "public, max-age=31536000, immutable"
PARTIAL = "public, max-age=60"
SHORT = "public, max-age=1"
# Tiles are stored by a 64-bit index: a larger one names nothing (and would not fit a query).
MAX_TILE_INDEX = 2**63 - 1
# Leaf indexes and tree sizes are BIGINT columns too: a larger one names no leaf or tree.
MAX_TREE_SIZE = 2**63 - 1


async def ledger_key(request: Request) -> Response:
    return PlainTextResponse(service(request, AnchoringService).ledger.verifier_key + "\n")


async def policy(request: Request) -> Response:
    """The witness policy this log works by, in c2sp.org/tlog-policy format (no witness URLs)."""
    text = service(request, Witnessing).policy.text(witness_urls=False)
    return PlainTextResponse(text, headers={"Cache-Control": SHORT})


async def checkpoint(request: Request) -> Response:
    cosigned = await service(request, Witnessing).cosigned_note()
    if cosigned is None:
        raise NoCheckpointYet("the ledger has not signed a checkpoint yet")
    return Response(
        cosigned[0], media_type="text/plain; charset=utf-8", headers={"Cache-Control": SHORT}
    )


class InclusionQuery(Model):
    index: int = Field(ge=0, le=MAX_TREE_SIZE)
    size: int | None = Field(None, ge=1, le=MAX_TREE_SIZE)


class ConsistencyQuery(Model):
    size1: int = Field(ge=0, le=MAX_TREE_SIZE, alias="from")
    size2: int | None = Field(None, ge=1, le=MAX_TREE_SIZE, alias="to")


class ProofOut(Model):
    """Hashes in base64, from leaf (or old tree) up, as in RFC 9162."""

    size: int
    root_hash: str
    hashes: list[str]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def inclusion(request: Request) -> Response:
    query = parse_query(request, InclusionQuery)
    try:
        proof = await service(request, AnchoringService).ledger.inclusion_proof(
            query.index, query.size
        )
    except ChainError as exc:
        raise ProofUnavailable(str(exc)) from exc
    out = ProofOut(
        size=proof.size, root_hash=_b64(proof.root_hash), hashes=[_b64(h) for h in proof.hashes]
    )
    return json_answer(out)


async def consistency(request: Request) -> Response:
    query = parse_query(request, ConsistencyQuery)
    try:
        proof = await service(request, AnchoringService).ledger.consistency_proof(
            query.size1, query.size2
        )
    except ChainError as exc:
        raise ProofUnavailable(str(exc)) from exc
    out = ProofOut(
        size=proof.size2, root_hash=_b64(proof.root2), hashes=[_b64(h) for h in proof.hashes]
    )
    return json_answer(out)


async def tile(request: Request) -> Response:
    path = "tile/" + request.path_params["path"]
    ledger = service(request, AnchoringService).ledger
    try:
        tile_id = TileId.parse(path)
        if tile_id.index > MAX_TILE_INDEX:
            raise TileNotFound(f"{path}: no log holds a tile that far out")
        if tile_id.entries:
            data = await ledger.read_entry_bundle(tile_id.index, tile_id.width)
        else:
            data = await ledger.read_tile(tile_id.level, tile_id.index, tile_id.width)
    except ChainError as exc:
        raise TileNotFound(f"{path}: {exc}") from exc
    headers = {"Cache-Control": IMMUTABLE if tile_id.width == TILE_WIDTH else PARTIAL}
    if tile_id.entries:
        headers["Vary"] = "Accept-Encoding"
        if _accepts_gzip(request.headers.get("accept-encoding", "")):
            # Entries compress well; the bytes are fixed per path, so caches may keep both.
            data = gzip.compress(data, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
    return Response(data, media_type="application/octet-stream", headers=headers)


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in {"gzip", "*"}:
            q = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


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
        "/ledger/policy",
        policy,
        name="ledger.policy",
        summary="The witness policy: which cosignatures make a checkpoint witnessed (tlog-policy)",
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
    Endpoint(
        "GET",
        "/ledger/proof/inclusion",
        inclusion,
        name="ledger.inclusion",
        summary="Inclusion proof of a leaf in the tree of a size (default: latest)",
        tag="ledger",
        query=InclusionQuery,
        response=ProofOut,
    ),
    Endpoint(
        "GET",
        "/ledger/proof/consistency",
        consistency,
        name="ledger.consistency",
        summary="Consistency proof between two tree sizes (default: latest)",
        tag="ledger",
        query=ConsistencyQuery,
        response=ProofOut,
    ),
]
