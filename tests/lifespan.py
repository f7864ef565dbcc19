"""Running an app's lifespan in a test, with room for a busy machine.

asgi-lifespan gives start-up and shutdown 5 s each. On a laptop whose cores are taken by other
work, a shutdown that waits for its background tasks can need longer; a timeout there would
leave the app half stopped. The bound here only catches a shutdown that hangs.
"""

from __future__ import annotations

from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp

STARTUP_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 60.0


def lifespan(app: ASGIApp) -> LifespanManager:
    """``async with lifespan(app):`` runs ``app``'s start-up, then its shutdown on exit."""
    return LifespanManager(app, startup_timeout=STARTUP_TIMEOUT, shutdown_timeout=SHUTDOWN_TIMEOUT)
