"""A patient's path in Chromium on a phone, against a real server in demo mode.

A cashier issues a receipt over the API and prints its fee slip; the slip's QR code (read by
zbarimg) opens the receipt's H5 page at 390x844; the patient views the PDF, has it emailed
(the demo mail sink writes it to the mail directory), logs in with a demo code and adds the
receipt to the folder page. Screenshots of each step are kept under the test's tmp_path and in
/tmp/piaojia-e2e/.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.async_api import Browser

from tests.documents.support import decode_qr, render_page
from tests.e2e.support import (
    Server,
    fits_the_screen,
    keep,
    phone,
    shot,
    wait_for_mail,
)
from tests.factories import credit_code, receipt_request

HOSPITAL = "广州市第一人民医院"
PATIENT_EMAIL = "zhangsan@example.com"


async def test_patient_scans_views_emails_and_files_a_receipt(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    shot_dir = tmp_path / server.env["PIAOJIA_DATABASE_URL"].split(":")[0]
    shot_dir.mkdir()

    # The hospital and its cashier, made with the CLI as an operator would.
    issuer = server.piaojia(
        "issuer", "create", "--kind", "hospital", "--name", HOSPITAL,
        "--credit-code", credit_code(77), "--region", "440100",
    )  # fmt: skip
    key = server.piaojia(
        "staff", "create", "--issuer", issuer, "--role", "cashier", "--name", "李四"
    )
    cashier = {"Authorization": f"Bearer {key}"}

    # The cashier issues the receipt and prints its fee slip.
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        issued = await http.post(
            "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier
        )
        assert issued.status_code == 201, issued.text
        receipt = issued.json()
        slip = await http.get(
            f"/api/v1/hospital/receipts/{receipt['id']}/slip.pdf", headers=cashier
        )
    assert slip.status_code == 200 and slip.headers["content-type"] == "application/pdf"
    slip_pdf = tmp_path / "slip.pdf"
    slip_pdf.write_bytes(slip.content)
    slip_png = render_page(slip_pdf, dpi=150)
    keep(slip_png, shot_dir, "00-fee-slip")
    codes = decode_qr(slip_png)
    assert len(codes) == 1, codes
    scan_url = codes[0]
    assert scan_url == receipt["scan_url"] and scan_url.startswith(server.url + "/s/")
    scan_token = scan_url.rsplit("/", 1)[1]

    context = await phone(browser)
    page = await context.new_page()

    # The patient scans the slip: the receipt's page, with hospital and amount.
    opened = await page.goto(scan_url)
    assert opened is not None and opened.status == 200
    assert (await page.inner_text("h1")).strip() == HOSPITAL
    assert (await page.inner_text(".amount")).strip() == f"¥{receipt['total']}"
    assert (await page.inner_text("#status")).strip() == "有效"
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "01-scan-page")

    # 查看电子票据: the signed PDF, opened in the browser.
    pdf_url = f"{scan_url}/receipt.pdf"
    async with page.expect_response(pdf_url) as responding:
        await page.tap("#view-pdf")
    viewed = await responding.value
    assert viewed.status == 200
    assert viewed.headers["content-type"] == "application/pdf"
    answer = await context.request.get(pdf_url)
    assert answer.headers["content-type"] == "application/pdf"
    receipt_pdf = tmp_path / "receipt.pdf"
    receipt_pdf.write_bytes(await answer.body())
    assert receipt_pdf.read_bytes().startswith(b"%PDF-")
    keep(render_page(receipt_pdf, dpi=100), shot_dir, "02-receipt-pdf")
    await page.goto(scan_url)

    # 发送到邮箱: the form goes back to the page, which says where the copy goes.
    await page.fill("#email-form input[name=email]", PATIENT_EMAIL)
    async with page.expect_navigation():
        await page.tap("#email-form button[type=submit]")
    assert page.url.split("?")[0] == scan_url
    # The page names the domain; whoever else holds the QR code learns no full address.
    assert "@example.com" in await page.inner_text("#emailed")
    assert PATIENT_EMAIL not in await page.content()
    await shot(page, shot_dir, "03-emailed")
    mail = wait_for_mail(server.mail_dir)
    assert mail["To"] is not None and PATIENT_EMAIL in str(mail["To"])
    attached = [part.get_content_type() for part in mail.iter_attachments()]
    assert "application/pdf" in attached

    # 加入票夹: not logged in yet, so the folder page asks for a demo login first.
    async with page.expect_navigation():
        await page.tap("#add-to-folder")
    assert page.url == f"{server.url}/h5/folder?add={scan_token}"
    await page.wait_for_selector("#login-form", state="visible")
    await shot(page, shot_dir, "04-folder-login")
    await page.fill("#login-name", "zhangsan")
    await page.tap("#login-submit")
    added = page.locator("#added")
    await added.wait_for(state="visible")
    assert await added.get_attribute("data-state") == "added"
    assert HOSPITAL in await added.inner_text()
    rows = page.locator("#receipt-list .receipt")
    await rows.first.wait_for()
    assert await rows.count() == 1
    row = rows.first
    assert await row.get_attribute("data-id") == receipt["id"]
    assert "added" in (await row.get_attribute("class") or "")
    assert (await row.locator(".issuer").inner_text()) == HOSPITAL
    assert (await row.locator(".total").inner_text()) == f"¥{receipt['total']}"
    assert receipt["issued_at"][:10] in await row.locator(".sub").inner_text()
    assert (await row.locator(".badge").inner_text()) == "有效"
    await page.locator("#summary").wait_for(state="visible")
    assert (await page.inner_text("#total-count")) == "1"
    assert (await page.inner_text("#total-amount")) == f"¥{receipt['total']}"
    assert page.url == f"{server.url}/h5/folder"  # a reload will not add again
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "05-folder")

    # The session stays in the browser: the folder opens again without a login.
    await page.reload()
    await rows.first.wait_for()
    assert await rows.count() == 1
    assert await page.locator("#login").is_hidden()
    assert await page.locator("#added").is_hidden()

    # Adding the same receipt again keeps one copy and says so.
    await page.goto(f"{server.url}/h5/folder?add={scan_token}")
    await added.wait_for(state="visible")
    assert await added.get_attribute("data-state") == "already"
    await rows.first.wait_for()
    assert await rows.count() == 1
    await shot(page, shot_dir, "06-folder-again")

    # What the page showed is what the folder API holds for that user.
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        login = await http.post("/api/v1/wx/login", json={"code": "demo-zhangsan.check"})
        folder = await http.get(
            "/api/v1/folder/receipts",
            headers={"Authorization": f"Bearer {login.json()['token']}"},
        )
    assert [item["id"] for item in folder.json()["receipts"]] == [receipt["id"]]
