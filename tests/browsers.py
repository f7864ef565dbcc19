"""One headless Chromium per test process, a clean slate for each test that drives it.

Launching Chromium and Playwright's driver costs a second or two each time; the browser tests
share one launch per pytest-xdist worker instead. They stay independent: each opens its own
contexts (cookies, storage, viewport), and every context a test opened is closed after it,
whether it passed or not, so the next test starts with none.

Playwright's objects belong to the event loop they were made in, so the browser tests run in
the session's loop: every test that uses the ``browser`` fixture is marked so here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that drive the shared Chromium run in the session's event loop, where it lives."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            # First, ahead of the plain marker asyncio_mode = "auto" gave every async test.
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """This process's Chromium, launched on first use and closed at the end of the session."""
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser(chromium: Browser) -> AsyncIterator[Browser]:
    """The process's Chromium for one test, with no context open; every context the test
    opens is closed when it ends."""
    assert chromium.is_connected(), "Chromium exited during an earlier test"
    for context in chromium.contexts:  # left by a test that failed while closing its own
        await context.close()
    try:
        yield chromium
    finally:
        for context in chromium.contexts:
            await context.close()
