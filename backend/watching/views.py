"""``/healthz``, ``/readyz`` and ``/metrics``."""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from backend.anchoring.services import Sequencer
from backend.clock import utc_now
from backend.watching.errors import MetricsTokenRequired, NotReady
from backend.watching.metrics import exposition, snapshot
from backend.watching.readiness import readiness
from backend.watching.schemas import Alive, Ready
from backend.web import Endpoint, json_answer, service

# How long a load balancer waits before asking /readyz again after a "not ready".
READY_RETRY_AFTER = 5


async def alive(request: Request) -> Response:
    return json_answer({"status": "ok"})


async def ready(request: Request) -> Response:
    checks = await readiness(service(request, Sequencer))
    failed = [name for name, said in checks.items() if said != "ok"]
    if failed:
        raise NotReady(
            f"not ready: {', '.join(f'{name} ({checks[name]})' for name in failed)}",
            retry_after=READY_RETRY_AFTER,
            checks=checks,
        )
    return json_answer({"status": "ready", "checks": checks})


async def metrics(request: Request) -> Response:
    token = request.app.state.settings.metrics_token
    if token is None:
        raise HTTPException(404)  # as if there were no such path: the router's own answer
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.reveal().encode()
    ):
        raise MetricsTokenRequired("send the metrics token as Authorization: Bearer <token>")
    body = exposition(await snapshot(utc_now()))
    return Response(body, media_type=CONTENT_TYPE_PLAIN_0_0_4)


ENDPOINTS = [
    Endpoint(
        "GET",
        "/healthz",
        alive,
        name="health",
        summary="Alive: the process answers (it checks nothing else)",
        tag="watching",
        response=Alive,
    ),
    Endpoint(
        "GET",
        "/readyz",
        ready,
        name="ready",
        summary=(
            "Ready for requests: the database answers, its migrations are current and the "
            "ledger's sequencer has a leader; 503 names the checks that failed"
        ),
        tag="watching",
        response=Ready,
    ),
    Endpoint(
        "GET",
        "/metrics",
        metrics,
        name="metrics",
        summary=(
            "Prometheus text format; only with Authorization: Bearer <PIAOJIA_METRICS_TOKEN>, "
            "404 when no token is configured"
        ),
        tag="watching",
        media_type="text/plain",
    ),
]
