"""A one-line progress bar for the command line, redrawn in place."""

from __future__ import annotations

import time
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    """A one-line bar on ``out``: share done, rows so far, rows per second."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._started = time.monotonic()

    def __call__(self, done: int, total: int, rows: int) -> None:
        """Redraw the bar for ``done`` of ``total`` (any unit, e.g. bytes) and ``rows``
        handled; a ``total`` of 0 shows as complete."""
        share = done / total if total else 1.0
        filled = int(share * BAR_WIDTH)
        rate = rows / max(time.monotonic() - self._started, 1e-6)
        self._out.write(
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:6.1%} {rows} rows {rate:,.0f}/s"
        )
        self._out.flush()
