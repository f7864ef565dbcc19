"""What the browser tests share: the server they run against, screenshots, the mail sink."""

from __future__ import annotations

import email
import email.policy
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page

SHOTS = Path("/tmp/piaojia-e2e")
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Server:
    url: str
    env: dict[str, str]
    mail_dir: Path
    workdir: Path  # where command lines run, so that nothing they write lands in the tree

    def piaojia(self, *args: str) -> str:
        """Run ``python -m backend ARGS`` against the server's database; its output."""
        return self.piaojia_done(*args).stdout.strip()

    def piaojia_done(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``python -m backend ARGS`` against the server's database, which must succeed;
        its output and messages (stderr)."""
        done = subprocess.run(
            [sys.executable, "-m", "backend", *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.workdir,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done


async def phone(browser: Browser) -> BrowserContext:
    """A phone-sized context: 390x844 at 2x, touch, Chinese locale."""
    context = await browser.new_context(
        viewport={"width": PHONE["width"], "height": PHONE["height"]},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    return context


def _publish(path: Path) -> None:
    """A copy in /tmp/piaojia-e2e/<database>/, where the last run's screenshots stay."""
    (SHOTS / path.parent.name).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SHOTS / path.parent.name / path.name)


async def shot(page: Page, folder: Path, name: str, *, full_page: bool = True) -> None:
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
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


def wait_for_mail(directory: Path, seconds: float = 30, *, to: str | None = None) -> EmailMessage:
    """The first message the demo mail sink wrote to ``directory`` (to ``to``, if given: the
    demo's own receipt mails its payer too)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(directory.glob("*.eml")) if directory.exists() else []
        for path in found:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            if to is None or to in str(message["To"]):
                return message
        time.sleep(0.2)
    pytest.fail(f"no mail {f'to {to} ' if to else ''}arrived in {directory} within {seconds} s")
