"""The pages work under their Content-Security-Policy: Chromium reports no violation on the scan
page, the verification page, the folder page (whose script logs in and lists the folder) and
the console login, against a real server in demo mode. A control proves the listener hears
violations: an inline script injected into the scan page is refused and reported."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, ConsoleMessage, Page

from tests.e2e.support import Server, phone
from tests.factories import credit_code, receipt_request

VIOLATION = "Content Security Policy"


async def issue(server: Server) -> dict[str, str]:
    issuer = server.piaojia(
        "issuer", "create", "--kind", "hospital", "--name", "广州市第一人民医院",
        "--credit-code", credit_code(78), "--region", "440100",
    )  # fmt: skip
    key = server.piaojia(
        "staff", "create", "--issuer", issuer, "--role", "cashier", "--name", "李四"
    )
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        issued = await http.post(
            "/api/v1/hospital/receipts",
            json=receipt_request(),
            headers={"Authorization": f"Bearer {key}"},
        )
    assert issued.status_code == 201, issued.text
    receipt: dict[str, str] = issued.json()
    return receipt


async def test_the_main_pages_run_without_a_csp_violation(browser: Browser, server: Server) -> None:
    receipt = await issue(server)
    token = receipt["scan_url"].rsplit("/", 1)[1]
    heard: list[str] = []

    def listen(page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if VIOLATION in message.text:
                heard.append(f"{page.url}: {message.text}")

        page.on("console", on_console)

    context = await phone(browser)
    page = await context.new_page()
    listen(page)

    opened = await page.goto(receipt["scan_url"])
    assert opened is not None and opened.status == 200
    assert opened.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in opened.headers["content-security-policy"]
    # Styled, so the inline stylesheet was applied: the amount is large.
    size = await page.eval_on_selector(".amount", "e => getComputedStyle(e).fontSize")
    assert size == "32px"

    verify = (
        f"{server.url}/verify?code={receipt['code']}&number={receipt['number']}"
        f"&check={receipt['check_code']}"
    )
    checked = await page.goto(verify)
    assert checked is not None and checked.status == 200
    assert "content-security-policy" in checked.headers

    # The folder's script runs (by its nonce): the demo login, then the folder.
    await page.goto(f"{server.url}/h5/folder?add={token}")
    await page.wait_for_selector("#login-form", state="visible")
    await page.fill("#login-name", "csp")
    await page.click("#login-submit")
    added = page.locator("#added")
    await added.wait_for(state="visible")
    assert await added.get_attribute("data-state") == "added"

    login = await page.goto(f"{server.url}/console/login")
    assert login is not None and login.status == 200
    await page.wait_for_selector("#login-form")
    assert heard == [], "\n".join(heard)

    # The control: an injected inline script is refused, and the refusal is heard.
    await page.goto(receipt["scan_url"])
    ran = await page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.injected = true";
                   document.body.appendChild(s); return window.injected === true; }"""
    )
    await page.wait_for_timeout(200)
    assert ran is False
    assert any("script" in text for text in heard), heard
