"""The application factory: routes, lifespan and the answers to errors."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from tortoise.exceptions import BaseORMException

from backend import db, logredact, sealing
from backend.anchoring.views import ENDPOINTS as LEDGER_ENDPOINTS
from backend.auth.views import DEMO_ENDPOINTS
from backend.auth.views import ENDPOINTS as AUTH_ENDPOINTS
from backend.clock import Clock, utc_now
from backend.config import Settings, load_settings
from backend.console.pages import PAGES as CONSOLE_PAGES
from backend.documents.fonts import check_fonts
from backend.errors import DomainError, PayloadTooLarge, TooManyRequests, status_of
from backend.folder.pages import PAGES as FOLDER_PAGES
from backend.folder.views import ENDPOINTS as FOLDER_ENDPOINTS
from backend.headers import SecurityHeaders
from backend.home.views import PAGES as HOME_PAGES
from backend.hospital.views import ENDPOINTS as HOSPITAL_ENDPOINTS
from backend.i18n.language import Language, negotiate
from backend.i18n.messages import in_language, message
from backend.keys.services import keyring_for
from backend.openapi import build_openapi
from backend.outbox.mail_sink import demo_sink_for
from backend.outbox.views import ENDPOINTS as OUTBOX_ENDPOINTS
from backend.scan.views import ENDPOINTS as SCAN_ENDPOINTS
from backend.services import services_from_settings
from backend.templating import template_environment
from backend.throttle.errors import LimiterUnavailable
from backend.throttle.storage import close_storage
from backend.transit.views import ENDPOINTS as TRANSIT_ENDPOINTS
from backend.verify.views import ENDPOINTS as VERIFY_ENDPOINTS
from backend.watching.errors import NotReady
from backend.watching.metrics import forget_this_process
from backend.watching.views import ENDPOINTS as WATCHING_ENDPOINTS
from backend.watching.web import RequestLog
from backend.web import Endpoint, retry_after
from backend.whereabouts.views import ENDPOINTS as WHEREABOUTS_ENDPOINTS

log = logging.getLogger("piaojia")

ENDPOINTS: list[Endpoint] = [
    *HOSPITAL_ENDPOINTS,
    *LEDGER_ENDPOINTS,
    *SCAN_ENDPOINTS,
    *AUTH_ENDPOINTS,
    *FOLDER_ENDPOINTS,
    *VERIFY_ENDPOINTS,
    *WHEREABOUTS_ENDPOINTS,
    *TRANSIT_ENDPOINTS,
    *OUTBOX_ENDPOINTS,
    *WATCHING_ENDPOINTS,
]


def _error(status: int, code: str, message: str, **details: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **details}}, status)


def _language(request: Request) -> Language:
    return negotiate(request.headers.get("accept-language"))


def _said(request: Request, code: str, english: str) -> str:
    """``english``, or the code's Chinese when the client prefers Chinese."""
    if _language(request) == "zh":
        return message(code, "zh", {}) or english
    return english


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    status = status_of(exc)
    # The code and details stay as they are for programs; the message is in the reader's language.
    response = _error(status, exc.code, in_language(exc, _language(request)), **exc.details)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="piaojia"'
    if isinstance(exc, TooManyRequests | LimiterUnavailable | NotReady):
        response.headers.update(retry_after(exc.retry_after))
    if isinstance(exc, PayloadTooLarge):
        # The rest of the body is not read: the server closes the connection rather than
        # reading and discarding it, and says so (RFC 9112 9.6).
        response.headers["Connection"] = "close"
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "no_such_endpoint", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "http_error")
    said = f"{request.method} {request.url.path}: {exc.detail}"
    if exc.status_code != 405:
        return _error(exc.status_code, code, _said(request, code, said))
    allowed = _allowed_methods(request)
    said = f"{said}; this path takes {', '.join(allowed)}"
    response = _error(405, code, _said(request, code, said))
    response.headers["Allow"] = ", ".join(allowed)
    return response


def _allowed_methods(request: Request) -> list[str]:
    # Starlette's own Allow names only the first route of the path, and a path may have several
    # (GET and PUT /api/v1/transit/settings): ask every route.
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods or set()
    return sorted(methods)


# How long a client waits before sending again a request the database was too busy for.
DATABASE_RETRY_AFTER = 1


async def _database_error(request: Request, exc: Exception) -> Response:
    # A busy database (SQLite locked past busy_timeout, PostgreSQL out of connections) is a
    # moment's unavailability, not a fault: 503 with Retry-After. Anything else is a 500.
    if db.is_busy(exc):
        log.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
        said = "the database is busy; send the request again in a moment"
        response = _error(503, "database_busy", _said(request, "database_busy", said))
        response.headers.update(retry_after(DATABASE_RETRY_AFTER))
        return response
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    said = "something went wrong on our side; it has been logged"
    return _error(500, "internal_error", _said(request, "internal_error", said))


def _version() -> str:
    try:
        return version("piaojia")
    except PackageNotFoundError:
        return "0.0.0"


async def _every_second(work: Callable[[], Awaitable[object]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        try:
            await work()
        except Exception:  # a failed round is retried a second later
            log.exception("background work %s failed", getattr(work, "__name__", work))


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("warming up the render processes failed: %s", task.exception())


def create_app(settings: Settings, *, clock: Clock = utc_now) -> Starlette:
    """A Piaojia app for ``settings``. The database opens in the lifespan, not here."""

    check_fonts()
    sealing.install(keyring_for(settings))  # before any row with personal data is touched
    logredact.install()  # scan tokens in request paths are logged cut short
    services = services_from_settings(settings, clock=clock)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.open_database(settings.database_url)
        stop = asyncio.Event()
        if settings.render_warm_up:
            warming = asyncio.create_task(services.documents.warm_up(settings.render_workers))
            warming.add_done_callback(_log_failure)
        # Demo mode: the local mail sink, so the mail the relay sends lands in var/mail. With
        # several workers the first one binds the port and serves them all.
        sink = (
            demo_sink_for(settings.smtp_url.reveal(), Path(settings.mail_dir))
            if settings.demo
            else None
        )
        if sink is not None:
            try:
                await sink.start()
                log.info("demo mail sink on port %d writes to %s/", sink.port, settings.mail_dir)
            except OSError:
                sink = None  # another worker (or `piaojia mail-sink`) has the port
        background = [
            asyncio.create_task(services.relay.run(stop), name="mail-relay"),
            asyncio.create_task(services.sequencer.run(stop), name="ledger-sequencer"),
            asyncio.create_task(_every_second(services.scan.flush_opens, stop), name="opens"),
        ]
        # What is loaded by now lives as long as the app: keep it out of the cyclic collector's
        # full passes, which would otherwise walk it all and pause every request for tens of ms.
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            stop.set()
            try:
                await asyncio.gather(*background)
                if sink is not None:
                    await sink.stop()
                await services.scan.flush_opens()
                await services.witnessing.close()
                await services.auth.close()
                await close_storage(services.limit_store)
                # In a thread: waiting for a render in progress must not stall the event loop.
                await asyncio.to_thread(services.documents.close)
            finally:
                await db.close_database()  # whatever failed above, the process-wide context goes
                forget_this_process()

    openapi_document = build_openapi(ENDPOINTS, version=_version())

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document)

    # The WeChat stand-in exists only in demo mode, and stays out of the API description.
    routed = [*ENDPOINTS, *(DEMO_ENDPOINTS if settings.demo else [])]
    routes = [Route(e.path, e.serve, methods=[e.method], name=e.name) for e in routed] + [
        Route("/openapi.json", openapi, methods=["GET"], name="openapi"),
    ]
    # Console pages are HTML for people, not part of the API description.
    routes += [
        Route(path, page, methods=[method], name=name)
        for method, path, page, name in [*CONSOLE_PAGES, *FOLDER_PAGES, *HOME_PAGES]
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(RequestLog),  # outermost: its time and status are the client's
            Middleware(
                SecurityHeaders, https=settings.public_base_url.lower().startswith("https://")
            ),
        ],
        exception_handlers={
            DomainError: _domain_error,
            HTTPException: _http_error,
            BaseORMException: _database_error,
            sqlite3.Error: _database_error,
            asyncpg.PostgresError: _database_error,
            Exception: _unexpected,
        },
    )
    app.state.settings = settings
    app.state.services = services
    app.state.templates = template_environment()
    return app


def app_from_environment() -> Starlette:
    """Factory for ``uvicorn --factory`` and worker processes: settings from the environment."""
    return create_app(load_settings())
