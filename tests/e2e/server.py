"""The app as ``piaojia serve`` runs it, plus the folder's H5 page, for the patient e2e test.

``python -m tests.e2e.server PORT``: settings from the environment. ``/h5/folder`` is routed
here until ``backend/app.py`` routes ``backend.folder.pages.PAGES`` itself.
"""

from __future__ import annotations

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from backend.app import create_app
from backend.config import load_settings
from backend.folder.pages import PAGES


def app_with_folder_page() -> Starlette:
    app = create_app(load_settings())
    routed = {getattr(route, "name", None) for route in app.router.routes}
    for method, path, page, name in PAGES:
        if name not in routed:
            app.router.routes.append(Route(path, page, methods=[method], name=name))
    return app


def main() -> None:
    port = int(sys.argv[1])
    uvicorn.run(
        app_with_folder_page(), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


if __name__ == "__main__":
    main()
