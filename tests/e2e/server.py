"""The app as ``piaojia serve`` runs it, for the end-to-end tests.

``python -m tests.e2e.server PORT``: settings from the environment, one uvicorn worker on
127.0.0.1.
"""

from __future__ import annotations

import sys

import uvicorn

from backend.app import create_app
from backend.config import load_settings


def main() -> None:
    port = int(sys.argv[1])
    uvicorn.run(
        create_app(load_settings()),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
