"""The folder page's rows in Chromium on 390 and 360 px phones, against a real server in demo
mode: filter, open a row's detail, download the PDF and the accounting XML (a transit invoice
asked for without an email address too), email a copy, re-issue (换开) the invoice with a
company title, and remove a receipt a reimbursing party has locked (after a confirmation; the
lock stays). Nothing is wider than the screen. Screenshots are kept under the test's tmp_path
and in /tmp/piaojia-e2e/.
"""

from __future__ import annotations

import email
import email.policy
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from backend.auth.standin import demo_openid
from backend.receipts.schemas import CHINA_STANDARD_TIME
from tests.accounting.support import assert_valid, texts
from tests.documents.support import render_page, text_of, write
from tests.e2e.support import (
    Server,
    fits_the_screen,
    keep,
    phone,
    shot,
    wait_for_mail,
)
from tests.factories import credit_code, receipt_request

RIDER = "wangfang"
COMPANY = "广州示范科技有限公司"
COMPANY_CODE = credit_code(5151)
SEND_TO = "me@example.com"
WIDTHS = ((390, 844), (360, 740))


def demo_keys(server: Server) -> dict[str, str]:
    """Seed the demo issuers as ``make run`` does; their keys from the key file."""
    server.piaojia("demo")
    lines = (server.workdir / "var" / "demo-keys.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def rides(openid: str) -> list[dict[str, Any]]:
    now = datetime.now(CHINA_STANDARD_TIME).replace(microsecond=0)
    rows = []
    for n, (entry, exit_) in enumerate((("体育西路", "珠江新城"), ("公园前", "广州南站"))):
        exit_at = now - timedelta(days=n + 1)
        rows.append(
            {
                "ref": f"GZM-FD-{n:04d}",
                "rider": {"openid": openid},
                "entry": {"station": entry, "at": (exit_at - timedelta(minutes=20)).isoformat()},
                "exit": {"station": exit_, "at": exit_at.isoformat()},
                "fare": "4.00",
                "channel": "qrcode",
            }
        )
    return rows


async def seed(server: Server) -> dict[str, Any]:
    """Two medical receipts and a transit invoice (no email) in the rider's folder; the first
    medical one locked by a reimbursing party."""
    keys = demo_keys(server)
    party = server.piaojia(
        "issuer", "create", "--kind", "reimburser", "--name", "广州市示范保险有限公司",
        "--credit-code", credit_code(8181), "--region", "440100",
    )  # fmt: skip
    party_key = server.piaojia(
        "staff", "create", "--issuer", party, "--role", "reimburser", "--name", "王五"
    )
    cashier = {"Authorization": f"Bearer {keys['PIAOJIA_DEMO_CASHIER_KEY']}"}
    operator = {"Authorization": f"Bearer {keys['PIAOJIA_DEMO_OPERATOR_KEY']}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        login = await http.post("/api/v1/wx/login", json={"code": f"demo-{RIDER}.seed"})
        rider = {"Authorization": f"Bearer {login.json()['token']}"}
        medical = []
        for _ in range(2):
            issued = await http.post(
                "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier
            )
            assert issued.status_code == 201, issued.text
            medical.append(issued.json())
            token = issued.json()["scan_url"].rsplit("/", 1)[1]
            added = await http.post(
                "/api/v1/folder/receipts", json={"scan_token": token}, headers=rider
            )
            assert added.status_code == 201, added.text
        trips = await http.post(
            "/api/v1/transit/trips", json={"trips": rides(demo_openid(RIDER))}, headers=operator
        )
        assert trips.status_code == 200, trips.text
        ids = [
            t["id"] for t in (await http.get("/api/v1/folder/trips", headers=rider)).json()["trips"]
        ]
        invoice = await http.post(
            "/api/v1/folder/transit-invoices",
            json={"trips": ids, "title": {"kind": "personal", "name": "王芳"}},
            headers=rider,
        )
        assert invoice.status_code == 201 and invoice.json()["email"] is None, invoice.text
        first = medical[0]
        named = {"code": first["code"], "number": first["number"], "check": first["check_code"]}
        locked = await http.post(
            "/api/v1/reimbursements/lock",
            json=named,
            headers={"Authorization": f"Bearer {party_key}"},
        )
        assert locked.status_code == 200, locked.text
    return {"medical": medical, "invoice": invoice.json()}


def mail_to(directory: Path, address: str, seconds: float = 60) -> EmailMessage:
    """The message the demo mail sink wrote for ``address`` (issuing also mails the payer)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wait_for_mail(directory, seconds)
        for path in sorted(directory.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if isinstance(message, EmailMessage) and address in str(message["To"]):
                return message
        time.sleep(0.2)
    pytest.fail(f"no mail for {address} arrived in {directory} within {seconds} s")


async def rows(page: Page) -> list[str]:
    return [
        str(await r.get_attribute("data-id"))
        for r in await page.locator("#receipt-list .receipt").all()
    ]


async def test_a_folder_row_opens_and_its_receipt_can_be_kept_sent_reissued_and_removed(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    shot_dir = tmp_path / server.env["PIAOJIA_DATABASE_URL"].split(":")[0]
    shot_dir.mkdir()
    seeded = await seed(server)
    locked, other = seeded["medical"]
    invoice = seeded["invoice"]["receipt"]

    context = await phone(browser)
    page = await context.new_page()
    await page.goto(f"{server.url}/h5/folder")
    await page.fill("#login-name", RIDER)
    await page.tap("#login-submit")
    await page.locator("#receipt-list .receipt").nth(2).wait_for()
    assert await page.locator("#filters").is_visible()
    claim = page.locator(f".receipt[data-id='{locked['id']}'] .claim")
    assert (await claim.inner_text()) == "报销中"

    for width, height in WIDTHS:
        await page.set_viewport_size({"width": width, "height": height})
        assert await fits_the_screen(page), width
        await shot(page, shot_dir, f"folder-{width}-list")
        # Every row opens its detail, which fits the screen.
        for receipt_id in (invoice["id"], locked["id"]):
            await page.locator(f".receipt[data-id='{receipt_id}']").tap()
            await page.locator("#detail").wait_for(state="visible")
            assert await page.locator("#pane-folder").is_hidden()
            assert await fits_the_screen(page), (width, receipt_id)
            await shot(page, shot_dir, f"folder-{width}-detail-{receipt_id[:8]}")
            if receipt_id == locked["id"]:
                await page.go_back()  # the phone's back button closes it too
            else:
                await page.tap("#detail-back")
            await page.locator("#pane-folder").wait_for(state="visible")
            assert await page.locator("#detail").is_hidden()

    # Filters: by kind, by status, by text.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.locator("#filters .chips button[data-kind='transit']").tap()
    await expect(page.locator("#receipt-list .receipt")).to_have_count(1)
    assert await rows(page) == [invoice["id"]]
    await page.locator("#filters .chips button[data-kind='']").tap()
    await expect(page.locator("#receipt-list .receipt")).to_have_count(3)
    await page.select_option("#filter-status", "locked")
    await expect(page.locator("#receipt-list .receipt")).to_have_count(1)
    assert await rows(page) == [locked["id"]]
    await page.select_option("#filter-status", "")
    await page.fill("#filter-text", "不存在的单位")
    await page.locator("#no-match").wait_for(state="visible")
    assert await page.locator("#empty").is_hidden()
    await shot(page, shot_dir, "folder-390-no-match")
    await page.fill("#filter-text", "地铁")
    await expect(page.locator("#receipt-list .receipt")).to_have_count(1)
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "folder-390-filtered")
    await page.fill("#filter-text", "")
    await expect(page.locator("#receipt-list .receipt")).to_have_count(3)

    # The invoice the rider asked for without an email address: its PDF, here.
    await page.locator(f".receipt[data-id='{invoice['id']}']").tap()
    await page.locator("#d-reissue-form").wait_for(state="visible")
    assert "王*" in await page.inner_text("#d-fields")
    assert "王芳" not in await page.inner_text("#detail")
    # A 数电票 has no code: its 20-digit number stands alone, no dash before it.
    assert (await page.inner_text("#d-kind")).endswith(f" · {invoice['number']}")
    verify = await page.get_attribute("#d-verify", "href")
    assert verify is not None and f"number={invoice['number']}" in verify
    async with page.expect_download() as downloading:
        await page.tap("#d-pdf")
    download = await downloading.value
    assert download.suggested_filename.endswith(".pdf")
    content = Path(await download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    pdf = write(tmp_path, "invoice", content)
    assert invoice["number"] in text_of(pdf) and "王芳" in text_of(pdf)
    keep(render_page(pdf, dpi=100), shot_dir, "folder-invoice-pdf")
    # Its accounting data beside it: the public copy, the buyer masked.
    async with page.expect_download() as downloading:
        await page.tap("#d-xml")
    download = await downloading.value
    assert download.suggested_filename.endswith(".xml")
    content = Path(await download.path()).read_bytes()
    root = assert_valid(content, "einv.xsd")
    assert texts(root, "InvoiceNumber") == [invoice["number"]]
    assert "王芳".encode() not in content
    await expect(page.locator("#d-xml")).to_be_enabled()
    await shot(page, shot_dir, "folder-390-downloads")

    # 换开 to a company title: the old invoice is reversed, the new one is shown.
    await page.locator("#rk-company-label").tap()
    await page.fill("#rk-name", COMPANY)
    await page.fill("#rk-tax-id", COMPANY_CODE.lower())
    await shot(page, shot_dir, "folder-390-reissue-form")
    async with page.expect_response("**/reissue") as answering:
        await page.tap("#rk-submit")
    reissued = await (await answering.value).json()
    notice = page.locator("#detail-notice")
    await notice.wait_for(state="visible")
    assert "已换开" in await notice.inner_text()
    assert "广州******公司" in await page.inner_text("#d-fields")
    assert (await page.inner_text("#d-status")) == "有效"
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "folder-390-reissued")
    await page.tap("#detail-back")
    old_row = page.locator(f".receipt[data-id='{invoice['id']}']")
    await expect(old_row.locator(".badge").first).to_have_text("已冲红")
    await old_row.tap()
    await page.locator("#d-reissue-why").wait_for(state="visible")
    assert await page.locator("#d-reissue-form").is_hidden()
    assert "不能再换开" in await page.inner_text("#d-reissue-why")
    await page.tap("#detail-back")
    new_row = page.locator(f".receipt[data-id='{reissued['receipt']['id']}']")
    await new_row.wait_for()

    # Email a copy of the other medical receipt: the payer's address is filled in.
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.locator(f".receipt[data-id='{other['id']}']").tap()
    await page.locator("#d-email").wait_for(state="visible")
    assert await page.input_value("#d-email") == "zhangsan@example.com"
    assert "张*" in await page.inner_text("#d-fields")
    assert "4401**********1235" in await page.inner_text("#d-fields")
    await page.fill("#d-email", "not-an-address")
    await page.tap("#d-email-submit")
    await page.locator("#d-email-error").wait_for(state="visible")
    await page.fill("#d-email", SEND_TO)
    await page.tap("#d-email-submit")
    done = page.locator("#d-email-done")
    await done.wait_for(state="visible")
    assert "m***@example.com" in await done.inner_text()
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "folder-360-emailed")
    await page.tap("#detail-back")

    # Remove the locked receipt: a confirmation says the lock stays; cancel, then yes.
    await page.locator(f".receipt[data-id='{locked['id']}']").tap()
    await page.locator("#d-claim").wait_for()
    assert "报销中" in await page.inner_text("#d-claim")
    await page.tap("#d-remove")
    confirm = page.locator("#d-remove-confirm")
    await confirm.wait_for(state="visible")
    assert "不会影响报销" in await confirm.inner_text()
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "folder-360-remove-confirm")
    await page.tap("#d-remove-cancel")
    assert await confirm.is_hidden()
    await page.tap("#d-remove")
    async with page.expect_response(f"**/api/v1/folder/receipts/{locked['id']}") as gone:
        await page.tap("#d-remove-yes")
    assert (await gone.value).status == 204
    await page.locator("#pane-folder").wait_for(state="visible")
    await expect(page.locator(f".receipt[data-id='{locked['id']}']")).to_have_count(0)
    assert "已移出票夹" in await page.inner_text("#added")
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "folder-360-removed")

    # The copy arrived at the mail sink with the receipt's PDF.
    mail = mail_to(server.mail_dir, SEND_TO)
    pdfs = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    attached = pdfs[0].get_content()
    assert isinstance(attached, bytes) and attached.startswith(b"%PDF-")
    assert other["number"] in text_of(write(tmp_path, "mailed", attached))
    # And its accounting data beside it.
    (data,) = [p for p in mail.iter_attachments() if p.get_content_type() == "application/xml"]
    assert data.get_filename() == "receipt.xml"
    root = assert_valid(data.get_content(), "efi.xsd")
    assert texts(root, "EInvoiceNumber") == [other["number"]]

    # The removed receipt is still locked: verification says so.
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        checked = await http.get(
            "/api/v1/verify",
            params={
                "code": locked["code"],
                "number": locked["number"],
                "check": locked["check_code"],
            },
        )
    assert checked.status_code == 200, checked.text
    assert checked.json()["reimbursement"]["state"] == "locked"
