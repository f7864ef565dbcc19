"""``/``: the home page, and ``/docs``: Swagger UI over ``/openapi.json``.

In demo mode the home page links every part of the demo (a demo receipt's scan page, the
folder with its demo riders, 查验, the console with its demo logins, the API docs, the ledger)
from ``backend.demo.overview``; outside demo mode it names the service and links only what is
public. ``/docs`` is Swagger UI from the files the ``swagger-ui-py`` package installs, with its
start-up script served as a file too, so the page's policy admits scripts from this origin only
and no outside host is ever asked for anything.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from backend.demo.overview import DemoOverview, demo_overview

_SWAGGER = importlib.util.find_spec("swagger_ui")
assert _SWAGGER is not None and _SWAGGER.submodule_search_locations, "swagger-ui-py is missing"
SWAGGER_DIR = Path(next(iter(_SWAGGER.submodule_search_locations))) / "static"
STATIC_DIR = Path(__file__).parent / "static"
# The only files /docs/<name> serves: name → (file, media type).
ASSETS = {
    "swagger-ui.css": (SWAGGER_DIR / "swagger-ui.css", "text/css"),
    "swagger-ui-bundle.js": (SWAGGER_DIR / "swagger-ui-bundle.js", "text/javascript"),
    "docs.js": (STATIC_DIR / "docs.js", "text/javascript"),
}
# Swagger UI fetches /openapi.json and, with "Try it out", calls the API: this origin only.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _path(url: str) -> str:
    # The page links within its own origin, whatever host the browser reached it by.
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _links(found: DemoOverview) -> dict[str, str | None]:
    return {
        "scan": _path(found.scan) if found.scan else None,
        "folder": _path(found.folder),
        "verify": _path(found.verify),
        "console": _path(found.console),
        "docs": _path(found.docs),
        "ledger": _path(found.ledger),
    }


async def home_page(request: Request) -> Response:
    settings = request.app.state.settings
    templates: Environment = request.app.state.templates
    context: dict[str, object] = {"demo": bool(settings.demo)}
    if settings.demo:
        found = await demo_overview(settings)
        context |= {
            "links": _links(found),
            "riders": found.riders,
            "logins": found.logins,
            "mail_sink": found.mail_sink,
            "mail_dir": found.mail_dir if found.mail_sink else None,
        }
    page = templates.get_template("home.html").render(**context)
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


async def docs_page(request: Request) -> Response:
    templates: Environment = request.app.state.templates
    page = templates.get_template("docs.html").render()
    return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_POLICY})


async def docs_asset(request: Request) -> Response:
    found = ASSETS.get(request.path_params["asset"])
    if found is None:
        raise HTTPException(404, "not found")
    path, media_type = found
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})


PAGES: list[tuple[str, str, Callable[[Request], Awaitable[Response]], str]] = [
    ("GET", "/", home_page, "home.page"),
    ("GET", "/docs", docs_page, "docs.page"),
    ("GET", "/docs/{asset}", docs_asset, "docs.asset"),
]
