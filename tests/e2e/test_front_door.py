"""A newcomer's first minutes in Chromium, against a real server in demo mode: ``piaojia demo``
prints the URLs and console logins; the home page links the demo receipt's scan page; ``/docs``
renders the operations of ``/openapi.json`` under its strict policy; each printed console login
logs in; a demo rider finds a week of trips in 乘车开票. The logins are read from what the demo
printed, never written down here."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, ConsoleMessage, Page

from tests.e2e.support import Server, fits_the_screen, phone, shot

LOGIN_LINE = re.compile(r"^\s+(\S+) (管理员|收费员)\s+login (\S+) password (\S+)$", re.M)
VIOLATION = "Content Security Policy"


def printed_logins(demo_output: str) -> dict[str, tuple[str, str]]:
    """``piaojia demo``'s console logins: login name → (role, password)."""
    return {login: (role, password) for _, role, login, password in LOGIN_LINE.findall(demo_output)}


def printed_url(demo_output: str, label: str) -> str:
    found = re.search(rf"^{label}\s+(http\S+)$", demo_output, re.M)
    assert found, demo_output
    return found.group(1)


def listen_for_violations(page: Page, heard: list[str]) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if VIOLATION in message.text:
            heard.append(f"{page.url}: {message.text}")

    page.on("console", on_console)


async def desktop(browser: Browser) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(30_000)
    return await context.new_page()


async def test_from_the_demo_output_to_every_page(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    shot_dir = tmp_path / server.env["PIAOJIA_DATABASE_URL"].split(":")[0]
    shot_dir.mkdir()
    output = server.piaojia_done("demo").stderr
    logins = printed_logins(output)
    assert {role for role, _ in logins.values()} == {"管理员", "收费员"}
    assert len(logins) == 3, output  # the hospital's admin and cashier, the metro's admin
    scan_url = printed_url(output, "扫码页 a demo receipt's scan page")
    assert printed_url(output, "首页 home") == f"{server.url}/"
    heard: list[str] = []

    context = await phone(browser)
    page = await context.new_page()
    listen_for_violations(page, heard)
    home = await page.goto(f"{server.url}/")
    assert home is not None and home.status == 200
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "front-01-home")
    for link in ("folder", "verify", "console", "docs", "ledger"):
        assert await page.locator(f"#link-{link}").is_visible(), link
    # The home page's scan link is the one the demo printed, and opens the receipt.
    assert f"{server.url}{await page.get_attribute('#link-scan', 'href')}" == scan_url
    await page.tap("#link-scan")
    await page.wait_for_url(scan_url)
    assert "85.60" in await page.inner_text(".amount")

    # A demo rider's week of trips in 乘车开票.
    await page.goto(f"{server.url}/h5/folder")
    await page.fill("#login-name", "xiaoming")
    await page.tap("#login-submit")
    await page.tap("#tab-trips")
    trips = page.locator("#trip-list .trip")
    await trips.nth(5).wait_for()
    assert await trips.count() == 6
    await shot(page, shot_dir, "front-02-rider-trips")

    docs = await desktop(browser)
    listen_for_violations(docs, heard)
    opened = await docs.goto(f"{server.url}/docs")
    assert opened is not None and opened.status == 200
    operations = docs.locator(".opblock")
    await operations.first.wait_for()
    assert await operations.count() > 20
    paths = await docs.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/hospital/receipts" in path for path in paths), paths
    await shot(docs, shot_dir, "front-03-docs", full_page=False)

    landing = {"管理员": "/console/dashboard", "收费员": "/console/receipts"}
    for number, (login, (role, password)) in enumerate(sorted(logins.items()), 4):
        console = await desktop(browser)
        listen_for_violations(console, heard)
        await console.goto(f"{server.url}/console/login")
        await console.fill("#login", login)
        await console.fill("#password", password)
        await console.click("#login-submit")
        await console.wait_for_url(f"{server.url}{landing[role]}*")
        if login == "hospital-cashier":
            assert "0000000001" in await console.inner_text("main")  # the demo receipt
        await shot(console, shot_dir, f"front-0{number}-console-{login}", full_page=False)
        await console.context.close()
    assert heard == [], "\n".join(heard)
