"""What ``piaojia serve`` tells uvicorn so the service can be watched."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from typing import Any

from backend.config import Settings, share_with_workers
from backend.watching.logs import log_config

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def serve_options(settings: Settings, *, workers: int, access: bool) -> dict[str, Any]:
    """uvicorn's options for watching: the logging configuration (text or JSON lines, the
    app's access line, ``access=False`` silencing it).

    With several workers this also makes a new, empty folder for their metric files, names it
    in ``PROMETHEUS_MULTIPROC_DIR`` for the workers this process starts, and removes it when
    this process exits: counts never carry over from an earlier run, and ``/metrics`` adds up
    every worker's whichever one is scraped."""
    if workers > 1:
        folder = tempfile.mkdtemp(prefix="piaojia-metrics-")
        share_with_workers(MULTIPROC_VARIABLE, folder)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    config = log_config(
        json_lines=settings.log_format == "json", level=settings.log_level, access=access
    )
    return {"log_config": config}
