"""The app under benchmark: the real app plus one bare Starlette endpoint on the same server.

The bare endpoint answers a small JSON document from memory: what this machine, this server
and this number of workers can do at most, measured in the same run as the real endpoints.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backend.app import app_from_environment

BARE = {"status": "ok", "numbers": list(range(10))}


async def bare(request: Request) -> Response:
    return JSONResponse(BARE)


def bench_app() -> Starlette:
    app = app_from_environment()
    app.router.routes.append(Route("/bench/bare", bare, methods=["GET"]))
    return app
