"""Talking to witnesses over C2SP tlog-witness: the outbound HTTP edge of the ledger."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from chain.witness import AddCheckpointRequest


@dataclass(frozen=True, slots=True)
class WitnessReply:
    """What a witness answered: cosignature lines on 200, its known size on 409."""

    status: int
    cosignature: bytes = b""
    known_size: int | None = None
    message: str = ""


class WitnessClient:
    """Sends ``POST <url>/add-checkpoint`` requests; never raises for an HTTP answer."""

    def __init__(self, *, timeout: float = 5.0, transport: httpx.AsyncBaseTransport | None = None):
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def add_checkpoint(self, url: str, request: AddCheckpointRequest) -> WitnessReply:
        """Submit one checkpoint; connection failures come back as status 0 with a message."""
        try:
            response = await self._http.post(
                url.rstrip("/") + "/add-checkpoint",
                content=request.encode(),
                headers={"Content-Type": "text/plain"},
            )
        except httpx.HTTPError as exc:
            return WitnessReply(0, message=f"{type(exc).__name__}: {exc}")
        if response.status_code == 200:
            return WitnessReply(200, cosignature=response.content)
        known = None
        if response.status_code == 409 and response.text.strip().isdigit():
            known = int(response.text.strip())
        return WitnessReply(response.status_code, known_size=known, message=response.text[:200])

    async def aclose(self) -> None:
        await self._http.aclose()
