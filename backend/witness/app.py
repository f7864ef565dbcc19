"""The witness application: routes and the one table from refusals to HTTP statuses.

Statuses follow c2sp.org/tlog-witness. A stale old size answers ``409 Conflict`` with the
recorded size alone (``<size>\\n``) as ``Content-Type: text/x.tlog.size``, exactly, so clients can
retry from it; every other refusal is a one-line ``text/plain`` reason. Refusals that may be
evidence of a misbehaving log (a bad proof, a different root for a cosigned size) are logged
with the request body.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from backend.witness.errors import RequestTooLargeError
from backend.witness.views import MAX_BODY_BYTES, WitnessViews
from chain.errors import (
    ClockBehindError,
    InconsistentCheckpointError,
    MalformedRequestError,
    OldSizeMismatchError,
    OldSizeTooLargeError,
    RootMismatchError,
    UnknownLogError,
    UntrustedCheckpointError,
    WitnessError,
)
from chain.witness import Witness

log = logging.getLogger("piaojia.witness")

SIZE_CONTENT_TYPE = "text/x.tlog.size"

# Most specific first.
STATUS_BY_ERROR: tuple[tuple[type[WitnessError], int], ...] = (
    (MalformedRequestError, 400),
    (OldSizeTooLargeError, 400),
    (UntrustedCheckpointError, 403),
    (UnknownLogError, 404),
    (OldSizeMismatchError, 409),
    (RootMismatchError, 409),
    (InconsistentCheckpointError, 422),
    (ClockBehindError, 503),  # the witness's own fault: the log should try again later
)
EVIDENCE = (InconsistentCheckpointError, RootMismatchError)


def _text(status: int, message: str) -> Response:
    return PlainTextResponse(message + "\n", status)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WitnessError)
    if isinstance(exc, OldSizeMismatchError):
        return Response(
            f"{exc.known_size}\n",
            409,
            headers={"content-type": SIZE_CONTENT_TYPE},  # set verbatim: no charset appended
        )
    status = next((code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind)), 400)
    if isinstance(exc, ClockBehindError):
        log.error("refused to cosign: %s", exc)
    if isinstance(exc, EVIDENCE):
        body = getattr(request.state, "witness_body", b"")
        log.warning("refused a checkpoint (%s): %s\n%s", status, exc, body.decode(errors="replace"))
    return _text(status, str(exc))


async def _too_large(request: Request, exc: Exception) -> Response:
    return _text(413, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _text(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}")


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return _text(500, "internal error; it has been logged")


def create_witness_app(witness: Witness, *, max_body_bytes: int = MAX_BODY_BYTES) -> Starlette:
    """A Starlette app serving ``witness`` over C2SP tlog-witness.

    ``POST /add-checkpoint`` (bodies over ``max_body_bytes`` get 413), and ``GET /`` and
    ``GET /key`` returning the witness's verifier key. The caller owns the witness's state and
    closes it after the app stops.
    """
    views = WitnessViews(witness, max_body_bytes=max_body_bytes)
    routes = [
        Route("/add-checkpoint", views.add_checkpoint, methods=["POST"], name="add_checkpoint"),
        Route("/key", views.key, methods=["GET"], name="key"),
        Route("/", views.key, methods=["GET"], name="index"),
    ]
    return Starlette(
        routes=routes,
        exception_handlers={
            WitnessError: _refused,
            RequestTooLargeError: _too_large,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
    )
