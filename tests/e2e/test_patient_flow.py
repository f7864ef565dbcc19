"""A patient's path in Chromium on a phone, against a real server in demo mode.

A cashier issues a receipt over the API and prints its fee slip; the slip's QR code (read by
zbarimg) opens the receipt's H5 page at 390x844; the patient views the PDF, has it emailed
(the demo mail sink writes it to the mail directory), logs in with a demo code and adds the
receipt to the folder page. Screenshots of each step are kept under the test's tmp_path and in
/tmp/piaojia-e2e/.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, async_playwright

from tests.documents.support import decode_qr, render_page
from tests.factories import TEST_SECRET, credit_code, receipt_request

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp/piaojia-e2e")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSPITAL = "广州市第一人民医院"
PATIENT_EMAIL = "zhangsan@example.com"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    url: str
    env: dict[str, str]
    mail_dir: Path

    def piaojia(self, *args: str) -> str:
        """Run ``python -m backend ARGS`` against the server's database; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "backend", *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mail_dir = tmp_path / "mail"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIAOJIA_")} | {
        "PIAOJIA_DEMO": "1",
        "PIAOJIA_DATABASE_URL": database_url,
        "PIAOJIA_SECRET_KEY": TEST_SECRET,
        "PIAOJIA_LEDGER_KEY_FILE": str(tmp_path / "ledger.key"),
        "PIAOJIA_LEDGER_INTERVAL": "0.2",
        "PIAOJIA_PUBLIC_BASE_URL": url,
        "PIAOJIA_RENDER_WORKERS": "1",
        "PIAOJIA_CA_DIR": str(tmp_path / "ca"),
        "PIAOJIA_MAIL_DIR": str(mail_dir),
        # Demo mode runs its own mail sink on this port, writing to PIAOJIA_MAIL_DIR.
        "PIAOJIA_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
        "PYTHONPATH": str(ROOT),
    }
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.server", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(url + "/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"the server did not start: {log_path.read_text()}")
                    time.sleep(0.1)
            yield Server(url, env, mail_dir)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _publish(path: Path) -> None:
    """A copy in /tmp/piaojia-e2e/<database>/, where the last run's screenshots stay."""
    (SHOTS / path.parent.name).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SHOTS / path.parent.name / path.name)


async def shot(page: Page, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    _publish(path)


def keep(image: Path, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    shutil.copyfile(image, path)
    _publish(path)


async def fits_the_screen(page: Page) -> bool:
    overflow: int = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return overflow <= 0


def wait_for_mail(directory: Path, seconds: float = 30) -> EmailMessage:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(directory.glob("*.eml")) if directory.exists() else []
        if found:
            message = email.message_from_bytes(found[0].read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            return message
        time.sleep(0.2)
    pytest.fail(f"no mail arrived in {directory} within {seconds} s")


async def test_patient_scans_views_emails_and_files_a_receipt(
    server: Server, tmp_path: Path
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

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="zh-CN",
                accept_downloads=True,
            )
            context.set_default_timeout(15_000)
            page = await context.new_page()

            # The patient scans the slip: the receipt's page, with hospital and amount.
            opened = await page.goto(scan_url)
            assert opened is not None and opened.status == 200
            assert (await page.inner_text("h1")).strip() == HOSPITAL
            assert (await page.inner_text(".amount")).strip() == f"¥{receipt['total']}"
            assert (await page.inner_text("#status")).strip() == "有效"
            assert await fits_the_screen(page)
            await shot(page, shot_dir, "01-scan-page")

            # 查看电子票: the signed PDF, opened in the browser.
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
        finally:
            await browser.close()

    # What the page showed is what the folder API holds for that user.
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        login = await http.post("/api/v1/wx/login", json={"code": "demo-zhangsan.check"})
        folder = await http.get(
            "/api/v1/folder/receipts",
            headers={"Authorization": f"Bearer {login.json()['token']}"},
        )
    assert [item["id"] for item in folder.json()["receipts"]] == [receipt["id"]]
