"""HTTP views of the witness (c2sp.org/tlog-witness): parse, call the witness, answer.

Refusals are raised, not answered here; :mod:`backend.witness.app` holds the one table that turns
them into statuses.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from backend.witness.errors import RequestTooLargeError
from chain.witness import Witness

MAX_BODY_BYTES = 65_536
"""63 proof lines take under 3 KiB; the rest leaves room for a checkpoint with 100 signatures."""


class WitnessViews:
    """The endpoints of one witness."""

    def __init__(self, witness: Witness, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        self._witness = witness
        self._max_body_bytes = max_body_bytes
        self._key_line = witness.verifier().key_string() + "\n"

    async def add_checkpoint(self, request: Request) -> Response:
        """``POST /add-checkpoint``: 200 with the cosignature line(s) as text/plain."""
        body = await self._read_body(request)
        request.state.witness_body = body  # kept for logging refusals that may be evidence
        lines = await self._witness.handle_request(body)
        return PlainTextResponse(lines)

    async def key(self, request: Request) -> Response:
        """``GET /`` and ``GET /key``: the witness's verifier key string and a newline."""
        return PlainTextResponse(self._key_line)

    async def _read_body(self, request: Request) -> bytes:
        """The request body, refusing (before reading it all) one above the limit."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max_body_bytes:
            raise RequestTooLargeError(self._max_body_bytes)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self._max_body_bytes:
                raise RequestTooLargeError(self._max_body_bytes)
        return bytes(body)
