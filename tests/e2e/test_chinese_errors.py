"""What a patient reads when something is refused, in Chromium on a phone: Chinese the patient
can act on, in the page, never the API's JSON.

The scan page's email form with ``a@b`` and past the daily mail limit, the scan throttle's
page, the folder page when the receipt is in someone else's folder, and the verification page's
ledger events. Screenshots are kept under the test's tmp_path and in /tmp/piaojia-e2e/.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.e2e.support import Server, fits_the_screen, phone, shot
from tests.factories import credit_code, receipt_request

HOSPITAL = "广州市第一人民医院"
JSON_BODY = re.compile(r'\{\s*"error"')


@pytest.fixture
def server_env() -> dict[str, str]:
    return {
        "PIAOJIA_MAIL_PER_RECEIPT_PER_DAY": "1",  # the second copy of a receipt is refused
        "PIAOJIA_SCAN_SLOW_AFTER": "3",
        "PIAOJIA_SCAN_REFUSE_AFTER": "4",
        # An hour's window: a slow run must not see the count fade across a minute's edge.
        "PIAOJIA_LIMIT_WINDOW": "3600",
    }


def _folder(server: Server, tmp_path: Path) -> Path:
    shots = tmp_path / f"zh-{server.env['PIAOJIA_DATABASE_URL'].split(':')[0]}"
    shots.mkdir(exist_ok=True)
    return shots


async def _no_json(page: Page) -> None:
    """The page is a page: Chinese HTML, not an error body shown as text."""
    text = await page.inner_text("body")
    assert not JSON_BODY.search(text), text
    assert await page.locator("main").count() == 1


def _staff(server: Server, kind: str, role: str, serial: int) -> dict[str, str]:
    name = HOSPITAL if kind == "hospital" else "某保险公司"
    issuer = server.piaojia(
        "issuer", "create", "--kind", kind, "--name", name,
        "--credit-code", credit_code(serial), "--region", "440100",
    )  # fmt: skip
    key = server.piaojia("staff", "create", "--issuer", issuer, "--role", role, "--name", "李四")
    return {"Authorization": f"Bearer {key}"}


async def _issue(http: httpx.AsyncClient, cashier: dict[str, str]) -> dict[str, Any]:
    body = receipt_request(payer={"name": "张三"})  # no address: no copy is queued at issue
    issued = await http.post("/api/v1/hospital/receipts", json=body, headers=cashier)
    assert issued.status_code == 201, issued.text
    receipt: dict[str, Any] = issued.json()
    return receipt


async def test_the_scan_and_folder_pages_say_what_went_wrong_in_chinese(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    shots = _folder(server, tmp_path)
    cashier = _staff(server, "hospital", "cashier", 81)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        receipt = await _issue(http, cashier)
        # Someone else (李雷) put the receipt in their folder first.
        other = await http.post("/api/v1/wx/login", json={"code": "demo-lilei.x"})
        claimed = await http.post(
            "/api/v1/folder/receipts",
            json={"scan_token": receipt["scan_url"].rsplit("/", 1)[1]},
            headers={"Authorization": f"Bearer {other.json()['token']}"},
        )
        assert claimed.status_code == 201, claimed.text
    scan_url = receipt["scan_url"]

    page = await (await phone(browser)).new_page()
    await page.goto(scan_url)

    # a@b passes the browser's own check (HTML allows it), and the server refuses it.
    await page.fill("#email-form input[name=email]", "a@b")
    async with page.expect_navigation() as went:
        await page.tap("#email-form button[type=submit]")
    answer = await went.value
    assert answer is not None and answer.status == 400
    error = await page.inner_text("#email-error")
    assert "邮箱地址不正确" in error and "name@example.com" in error
    assert await page.input_value("#email-form input[name=email]") == "a@b"
    assert (await page.inner_text("h1")).strip() == HOSPITAL  # still the receipt
    await _no_json(page)
    assert await fits_the_screen(page)
    await shot(page, shots, "zh-01-scan-email-invalid")

    # One copy a day is allowed here: the first goes, the second is refused.
    await page.fill("#email-form input[name=email]", "zhangsan@example.com")
    async with page.expect_navigation():
        await page.tap("#email-form button[type=submit]")
    assert await page.locator("#emailed").count() == 1
    await page.fill("#email-form input[name=email]", "zhangsan@example.com")
    async with page.expect_navigation() as went:
        await page.tap("#email-form button[type=submit]")
    answer = await went.value
    assert answer is not None and answer.status == 429
    assert int(await answer.header_value("retry-after") or 0) >= 1
    assert "今天发送电子票的次数已达上限，请明天再试" in await page.inner_text("#email-error")
    assert await page.input_value("#email-form input[name=email]") == "zhangsan@example.com"
    await _no_json(page)
    await shot(page, shots, "zh-02-scan-email-limit")

    # The folder page: the receipt is in 李雷's folder; 张三 is told so, in Chinese.
    await page.goto(f"{server.url}/h5/folder?add={scan_url.rsplit('/', 1)[1]}")
    await page.wait_for_selector("#login-form", state="visible")
    await page.fill("#login-name", "zhangsan")
    await page.tap("#login-submit")
    shown = page.locator("#error")
    await shown.wait_for(state="visible")
    assert (await shown.inner_text()).strip() == "这张票据已在其他人的票夹中，不能重复添加。"
    assert "lilei" not in await page.content()
    await shot(page, shots, "zh-03-folder-in-another")

    # Unknown codes from this phone, until the throttle refuses even the real one.
    for _ in range(4):
        await page.goto(f"{server.url}/s/{uuid.uuid4().hex}")
    refused = await page.goto(scan_url)
    assert refused is not None and refused.status == 429
    assert int(await refused.header_value("retry-after") or 0) >= 1
    said = await page.inner_text("#refused-message")
    assert re.fullmatch(r"扫码过于频繁，请 \d+ (秒|分钟)后再试。", said.strip()), said
    await _no_json(page)
    assert await fits_the_screen(page)
    await shot(page, shots, "zh-04-scan-throttled")
    # So is the PDF the page links to, opened in the browser.
    pdf = await page.goto(f"{scan_url}/receipt.pdf")
    assert pdf is not None and pdf.status == 429
    assert "扫码过于频繁" in await page.inner_text("#refused-message")
    await _no_json(page)


async def test_the_verification_page_names_ledger_events_in_chinese(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    shots = _folder(server, tmp_path)
    cashier = _staff(server, "hospital", "cashier", 82)
    party = _staff(server, "reimburser", "reimburser", 83)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        claimed, reversed_ = await _issue(http, cashier), await _issue(http, cashier)
        named = {k: claimed[k] for k in ("code", "number")} | {"check": claimed["check_code"]}
        for step in ("lock", "close"):
            done = await http.post(f"/api/v1/reimbursements/{step}", json=named, headers=party)
            assert done.status_code == 200, done.text
        red = await http.post(
            f"/api/v1/hospital/receipts/{reversed_['id']}/reversal",
            json={"reason": "收费有误"},
            headers=cashier | {"Idempotency-Key": str(uuid.uuid4())},
        )
        assert red.status_code == 201, red.text

    page = await (await phone(browser)).new_page()
    for receipt, expected, name in (
        (claimed, ["开具", "报销锁定", "报销完成"], "zh-05-verify-reimbursed"),
        (reversed_, ["开具", "冲红"], "zh-06-verify-reversed"),
    ):
        query = f"code={receipt['code']}&number={receipt['number']}"
        url = f"{server.url}/verify?{query}&check={receipt['check_code']}"
        events: list[str] = []
        for _ in range(120):  # the ledger integrates every 0.2 s; a busy machine is slower
            await page.goto(url)
            events = [t.strip() for t in await page.locator("dt.event").all_inner_texts()]
            if len(events) >= len(expected) and "待上链" not in await page.inner_text("main"):
                break
            await page.wait_for_timeout(500)
        assert events == expected, events
        body = await page.inner_text("main")
        for english in ("issued", "locked", "closed", "reversed"):
            assert english not in body
        await shot(page, shots, name)
