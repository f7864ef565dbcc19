"""``piaojia serve`` in demo mode: one uvicorn server that prints the demo's overview (every URL
and console login) once its socket listens, so what it prints can be opened at once."""

from __future__ import annotations

import logging
import socket
import sys

import uvicorn

from backend.config import Settings
from backend.demo.overview import demo_overview, overview_text

log = logging.getLogger("piaojia")


class AnnouncingServer(uvicorn.Server):
    """A uvicorn server that prints the demo overview to stderr after it starts listening."""

    def __init__(self, config: uvicorn.Config, settings: Settings) -> None:
        super().__init__(config)
        self._settings = settings

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started or self.should_exit:
            return
        try:
            # The app's lifespan has opened the database by now (for every task).
            text = overview_text(await demo_overview(self._settings))
        except Exception:  # the overview is a courtesy: serving goes on without it
            log.exception("could not gather the demo overview")
            return
        print(f"\nPiaojia demo is serving:\n{text}\n", file=sys.stderr, flush=True)


def serve_announcing(config: uvicorn.Config, settings: Settings) -> None:
    """Run ``config`` in this process (one worker) with the overview printed once listening."""
    AnnouncingServer(config, settings).run()
