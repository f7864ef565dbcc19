"""The app in demo mode, seeded as ``make run`` seeds it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

from backend.app import create_app
from backend.config import Settings
from backend.demo.seed import seed_demo
from backend.secret import Secret
from tests.lifespan import lifespan
from tests.servers import free_port


@pytest.fixture
async def demo(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Starlette, Settings]]:
    """The app in demo mode with the demo seeded (its key file under tmp_path)."""
    monkeypatch.chdir(tmp_path)
    demo_settings = dataclasses.replace(
        settings,
        demo=True,
        smtp_url=Secret(f"smtp://127.0.0.1:{free_port()}"),
        mail_dir=str(tmp_path / "mail"),
    )
    application = create_app(demo_settings)
    async with lifespan(application):
        assert await seed_demo(demo_settings, application.state.services, quiet=True) == 0
        await application.state.services.sequencer.integrate_once()  # the receipt is in the log
        yield application, demo_settings
