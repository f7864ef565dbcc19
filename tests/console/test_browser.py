"""Chromium end-to-end: a cashier issues, prints and reverses; an admin reads the dashboard.

Runs against a real server process (``tests/console/server.py``) on a free port. Screenshots are
kept under the test's tmp_path and in /tmp/piaojia-console/.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from tests.console.support import PASSWORD, shot


async def log_in(browser: Browser, url: str, login: str, width: int) -> Page:
    context = await browser.new_context(
        viewport={"width": width, "height": 900}, accept_downloads=True, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.goto(url + "/console")
    await page.fill("#login", login)
    await page.fill("#password", PASSWORD)
    async with page.expect_navigation():
        await page.click("#login-submit")
    return page


async def issue(
    page: Page, url: str, payer: str, items: list[tuple[str, str, str, str, str]]
) -> str:
    await page.goto(url + "/console/receipts/new")
    await page.fill("#payer_name", payer)
    await page.fill("#visit_number", "MZ20261127001")
    await page.fill("#department", "内科")
    for i, (category, name, quantity, unit, amount) in enumerate(items):
        await page.select_option(f"select[name=item-{i}-category]", category)
        await page.fill(f"input[name=item-{i}-name]", name)
        await page.fill(f"input[name=item-{i}-quantity]", quantity)
        await page.fill(f"input[name=item-{i}-unit]", unit)
        await page.fill(f"input[name=item-{i}-amount]", amount)
    await page.fill("#fund", "10.00")
    async with page.expect_navigation():
        await page.click("#issue-submit")
    if await page.locator("#issued-banner").count() == 0:
        pytest.fail(f"not issued: {await page.inner_text('main')}")
    found = re.search(r"/console/receipts/([0-9a-f-]{36})", page.url)
    assert found is not None, page.url
    return found.group(1)


def decode_qr(pdf: Path) -> str:
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    images = sorted(pdf.parent.glob(pdf.stem + "*.png"))
    assert images, "pdftoppm made no image"
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(images[0])], capture_output=True, text=True, check=True
    )
    return decoded.stdout.strip()


THREE_ITEMS = [
    ("西药费", "阿莫西林胶囊", "2", "盒", "25.60"),
    ("检查费", "血常规", "1", "次", "60.00"),
    ("诊察费", "普通门诊诊察费", "1", "次", "10.00"),
]


async def test_cashier_and_admin_in_chromium(
    browser: Browser, server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, seeded = server
    # The cashier at a desktop counter.
    page = await log_in(browser, url, seeded["cashier1"], 1280)
    await shot(page, tmp_path, "01-cashier-home-desktop")
    await page.goto(url + "/console/receipts/new")
    await shot(page, tmp_path, "02-issue-form-desktop")
    first = await issue(page, url, "张三", THREE_ITEMS)
    assert await page.locator("#item-table tbody tr").count() == 3
    assert (await page.inner_text("#total")).strip() == "¥95.60"
    await shot(page, tmp_path, "03-issued-desktop")

    # 打印 opens the slip in a new tab, inline, to print from the browser's viewer.
    link = page.locator("#print-slip")
    assert await link.get_attribute("target") == "_blank"
    assert await link.get_attribute("download") is None
    slip = await page.request.get(url + (await link.get_attribute("href") or ""))
    disposition = slip.headers["content-disposition"]
    assert disposition.startswith('inline; filename="slip-'), disposition
    assert "filename*=UTF-8''%E6%94%B6%E8%B4%B9%E5%91%8A%E7%9F%A5%E5%8D%95-" in disposition
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(await slip.body())
    assert pdf.read_bytes().startswith(b"%PDF")
    assert decode_qr(pdf).startswith(url + "/s/")

    second = await issue(page, url, "王五", THREE_ITEMS[:1])
    await page.fill("#reason", "收费项目录入错误")
    async with page.expect_navigation():
        await page.click("#reverse-submit")
    # The confirmation says what will happen; nothing is reversed until confirmed.
    summary = await page.inner_text("#reversal-confirm")
    assert "收费项目录入错误" in summary and "不能撤销" in summary
    assert (await page.inner_text("#confirm-amount")) == "-¥25.60"
    await shot(page, tmp_path, "04-reversal-confirm-desktop")
    async with page.expect_navigation():
        await page.click("#cancel-reversal")
    assert await page.inner_text("#status") == "有效"
    await page.fill("#reason", "收费项目录入错误")
    async with page.expect_navigation():
        await page.click("#reverse-submit")
    async with page.expect_navigation():
        await page.click("#confirm-reversal")
    assert "红字票据" in await page.inner_text("#status")
    await shot(page, tmp_path, "04-reversed-desktop")
    await page.goto(url + f"/console/receipts/{second}")
    assert await page.inner_text("#status") == "已冲红"
    await page.goto(url + f"/console/receipts/{first}")
    trail = await page.locator("#trail tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.event)"
    )
    assert trail == ["issued", "slip_printed"]
    await page.goto(url + "/console/receipts?payer=张三")
    assert await page.locator("#receipt-list .receipt-link").count() == 1
    await shot(page, tmp_path, "05-find-desktop")

    # The same cashier on a phone-sized screen: the form still fits.
    phone = await log_in(browser, url, seeded["cashier1"], 390)
    await phone.goto(url + "/console/receipts/new")
    await shot(phone, tmp_path, "06-issue-form-phone")
    overflow = await phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

    # The admin's dashboard counts what was just issued: 2 receipts and 1 red one.
    admin = await log_in(browser, url, seeded["admin1"], 1280)
    assert admin.url.endswith("/console/dashboard")
    bars = await admin.locator("svg.chart g.bar").evaluate_all(
        "bars => bars.map(b => [b.dataset.day, Number(b.dataset.total)])"
    )
    today_total = sum(total for _, total in bars)
    assert today_total == 3 and bars[-1][1] == 3
    segments = await admin.locator("svg.chart g.bar rect").evaluate_all(
        "rs => rs.map(r => [r.dataset.state, Number(r.dataset.count)])"
    )
    assert sorted(segments) == [["red", 1], ["reversed", 1], ["unopened", 1]]
    assert await admin.inner_text("#total") == "3"
    await shot(admin, tmp_path, "07-dashboard-desktop")
    admin_phone = await log_in(browser, url, seeded["admin1"], 390)
    await shot(admin_phone, tmp_path, "08-dashboard-phone")

    # The other hospital's cashier sees none of it.
    other = await log_in(browser, url, seeded["cashier2"], 1280)
    await other.goto(url + "/console/receipts")
    assert await other.locator("#receipt-list .receipt-link").count() == 0
    answer = await other.goto(url + f"/console/receipts/{first}")
    assert answer is not None and answer.status == 404
