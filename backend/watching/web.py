"""The request log and the request metrics: one pure ASGI middleware around the whole app.

Each request gets an id: the client's ``X-Request-ID`` when it is sane (1 to 64 of
``A-Z a-z 0-9 . _ -``), a new one otherwise; the answer carries it back in ``X-Request-ID``
and every record logged while serving it names it. When the answer is done, one access line
(logger ``piaojia.access``) says who asked what and how it went, with the path's scan token cut
short, and the request is counted under its route template (``/s/{token}``, never the path
itself, so no token reaches a label and unknown paths share one label).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.instruments import LATENCY, REQUESTS
from backend.logredact import shorten_tokens
from backend.watching.logs import ACCESS_LOGGER, REQUEST_ID

access_log = logging.getLogger(ACCESS_LOGGER)
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
HEADER = b"x-request-id"
# The route label of a request no route matched (a 404 of the router, a scan for paths).
UNMATCHED = "unmatched"


def request_id_of(header: bytes | None) -> str:
    """The client's request id if it is sane, else a new one (32 hexadecimal digits)."""
    if header is not None:
        text = header.decode("latin-1")
        if _SANE_ID.fullmatch(text):
            return text
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The path template of the route that served ``scope`` (set by Starlette's router)."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else UNMATCHED


class RequestLog:
    """ASGI middleware: request id in and out, the access line and the request metrics.

    An exception that escapes the app (answered 500 by Starlette's outermost layer) is logged
    and counted as a 500 before it goes on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = next((v for k, v in scope["headers"] if k == HEADER), None)
        request_id = request_id_of(given)
        token = REQUEST_ID.set(request_id)
        status = 500
        echoed = (HEADER, request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != HEADER]
                message["headers"] = [*headers, echoed]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
            self._done(scope, request_id, status, time.perf_counter() - started)

    def _done(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        method = str(scope["method"])
        route = route_template(scope)
        REQUESTS.labels(method, route, str(status)).inc()
        LATENCY.labels(method, route).observe(seconds)
        if not access_log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        where = f"{client[0]}:{client[1]}" if client else "-"
        path = shorten_tokens(str(scope["path"]))
        query = scope.get("query_string", b"")
        target = f"{path}?{shorten_tokens(query.decode('latin-1'))}" if query else path
        duration_ms = round(seconds * 1000, 1)
        access_log.info(
            '%s - "%s %s HTTP/%s" %d %.1f ms id=%s',
            where,
            method,
            target,
            scope.get("http_version", "1.1"),
            status,
            duration_ms,
            request_id,
            extra={
                "request_id": request_id,
                "method": method,
                "path": target,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
                "client": where,
            },
        )
