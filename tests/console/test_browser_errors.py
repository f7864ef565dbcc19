"""The console's refusals in Chromium, in Chinese a cashier can act on: the login slowed and
locked (with the wait in seconds or minutes, said right), and the issuing form with a 医保统筹
amount above the total (said at that field, the values kept). Screenshots are kept under the
test's tmp_path and in /tmp/piaojia-console/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from tests.console.support import PASSWORD, shot

WAIT = re.compile(r"请 (\d+) (秒|分钟)后再试")


@pytest.fixture
def server_args() -> list[str]:
    return ["4"]  # the fourth wrong password locks the login


async def _submit_login(page: Page, url: str, login: str, password: str) -> int:
    await page.goto(url + "/console/login")
    await page.fill("#login", login)
    await page.fill("#password", password)
    async with page.expect_navigation() as went:
        await page.click("#login-submit")
    answer = await went.value
    assert answer is not None
    return answer.status


async def test_login_refusals_and_the_issue_form_speak_chinese(
    browser: Browser, server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, seeded = server
    context = await browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    victim = seeded["admin2"]

    for _ in range(3):
        assert await _submit_login(page, url, victim, "wrong password") == 401
        assert "登录名或密码不正确" in await page.inner_text("#login-error")
    # The fourth try comes too soon: slowed, and told for how long.
    assert await _submit_login(page, url, victim, "wrong password") == 429
    slowed = await page.inner_text("#login-error")
    found = WAIT.search(slowed)
    assert found is not None and found.group(2) == "秒", slowed
    assert "seconds" not in slowed and "try again" not in slowed
    assert await page.input_value("#login") == victim
    await shot(page, tmp_path, "zh-console-01-login-slowed")

    await page.wait_for_timeout((int(found.group(1)) + 1) * 1000)
    assert await _submit_login(page, url, victim, "wrong password") == 401  # the 4th
    # Locked now: even the right password is refused, for 15 minutes.
    assert await _submit_login(page, url, victim, PASSWORD) == 429
    locked = await page.inner_text("#login-error")
    assert "该账号已暂时锁定，请 15 分钟后再试" in locked, locked
    await shot(page, tmp_path, "zh-console-02-login-locked")

    # A cashier enters a 医保统筹 amount above the items' total.
    assert await _submit_login(page, url, seeded["cashier1"], PASSWORD) == 200
    await page.goto(url + "/console/receipts/new")
    await page.fill("#payer_name", "张三")
    await page.fill("#visit_number", "MZ20261127001")
    await page.fill("#department", "内科")
    await page.select_option("select[name=item-0-category]", "西药费")
    await page.fill("input[name=item-0-name]", "阿莫西林胶囊")
    await page.fill("input[name=item-0-quantity]", "2")
    await page.fill("input[name=item-0-unit]", "盒")
    await page.fill("input[name=item-0-amount]", "85.60")
    await page.fill("#fund", "120.00")
    async with page.expect_navigation() as went:
        await page.click("#issue-submit")
    answer = await went.value
    assert answer is not None and answer.status == 422
    expected = "医保统筹基金支付金额（120.00 元）超过了票据合计 85.60 元，请核对。"
    assert (await page.inner_text("#fund-error")).strip() == expected
    assert await page.get_attribute("#fund", "aria-invalid") == "true"
    assert await page.get_attribute("#cash", "aria-invalid") is None
    assert await page.locator("#cash-error").count() == 0
    listed = await page.inner_text("#form-errors")
    assert "cash" not in listed and "Value error" not in listed
    for field, value in (("#fund", "120.00"), ("#payer_name", "张三"), ("#cash", "")):
        assert await page.input_value(field) == value
    assert await page.input_value("input[name=item-0-amount]") == "85.60"
    await shot(page, tmp_path, "zh-console-03-issue-fund-above-total")

    # Fixed at that field, the same form issues.
    await page.fill("#fund", "50.00")
    async with page.expect_navigation():
        await page.click("#issue-submit")
    assert await page.locator("#issued-banner").count() == 1
