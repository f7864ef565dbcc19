"""The console and whereabouts services of a test app, rebuilt with the test's clock."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from starlette.applications import Starlette

from backend.clock import Clock, utc_now
from backend.console.services import ConsoleService
from backend.services import Services
from backend.whereabouts.services import WhereaboutsService


def install(
    app: Starlette, *, clock: Clock = utc_now, lock_after: int = 8
) -> tuple[ConsoleService, WhereaboutsService]:
    """Give the app console and whereabouts services that read ``clock``; a login is locked
    after ``lock_after`` wrong passwords."""
    services: Services = app.state.services
    console = ConsoleService(
        staff=services.staff,
        clock=clock,
        session_lifetime=timedelta(hours=12),
        lock_after=lock_after,
    )
    where = WhereaboutsService(clock=clock)
    app.state.services = dataclasses.replace(services, console=console, whereabouts=where)
    return console, where
