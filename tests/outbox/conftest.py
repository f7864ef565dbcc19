"""Fixtures of the outbox tests: the database open, a real SMTP server
on a free port (stopped after the test), and a clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend import db
from backend.outbox.mail_sink import LocalSmtpServer
from tests.clock import FakeClock
from tests.outbox.support import RecordingHandler


@pytest.fixture
async def outbox_db(database_url: str) -> AsyncIterator[str]:
    await db.open_database(database_url)
    try:
        yield database_url
    finally:
        await db.close_database()


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
async def smtp(handler: RecordingHandler) -> AsyncIterator[LocalSmtpServer]:
    server = LocalSmtpServer(handler, hostname="mx.piaojia.test")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def clock() -> FakeClock:
    """Starts at the real now."""
    return FakeClock()
