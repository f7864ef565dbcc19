"""Verification and reimbursement tests: the app's verification service with a clock moved by
hand and chosen limits."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from backend.config import Settings
from backend.services import Services
from backend.transit.titles import company_buyers
from backend.verify.ledger import LedgerCheck
from backend.verify.reimbursement import ReimbursementService
from backend.verify.services import VerifyService
from backend.verify.throttling import address_limit


class FakeClock:
    """The verification service's clock, moved by hand; starts at the real now."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def install(app: Starlette, service: VerifyService) -> None:
    """Make ``service`` the verification service the views use."""
    app.state.services = dataclasses.replace(app.state.services, verify=service)


def service_for(
    app: Starlette,
    clock: FakeClock,
    *,
    daily_limit: int = 5,
    slow_after: int = 1000,
    refuse_after: int = 2000,
) -> VerifyService:
    services: Services = app.state.services
    return VerifyService(
        ledger=LedgerCheck(anchoring=services.anchoring, witnessing=services.witnessing),
        limiter=address_limit(
            services.limit_store, slow_after=slow_after, refuse_after=refuse_after
        ),
        clock=clock,
        daily_limit=daily_limit,
        company_buyers=company_buyers,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def verify_app(app: Starlette, settings: Settings, clock: FakeClock) -> Starlette:
    """The app with verification routed, a daily limit of 5 and the fake clock."""
    install(app, service_for(app, clock, daily_limit=settings.verify_daily_limit))
    services: Services = app.state.services
    ledger = LedgerCheck(anchoring=services.anchoring, witnessing=services.witnessing)
    reimbursement = ReimbursementService(ledger=ledger, anchoring=services.anchoring, clock=clock)
    app.state.services = dataclasses.replace(services, reimbursement=reimbursement)
    return app


@pytest.fixture
async def vclient(verify_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=verify_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
        yield http
