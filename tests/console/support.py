"""Helpers of the console tests: staff with passwords, logged-in clients, CSRF tokens."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.async_api import Page
from starlette.applications import Starlette

from backend.console.services import ConsoleService
from backend.issuers.models import Staff, StaffRole
from tests.factories import issuer_with_staff, staff_of

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
_serial = iter(range(1, 10**6))


@dataclass(frozen=True)
class Person:
    issuer_id: uuid.UUID
    staff_id: uuid.UUID
    login: str
    key: str


async def person(
    app: Starlette,
    role: StaffRole,
    *,
    issuer_id: uuid.UUID | None = None,
    name: str = "广州测试医院",
) -> Person:
    """A staff member with an API key and a console password (``PASSWORD``)."""
    actor = (
        await staff_of(app, issuer_id, role)
        if issuer_id is not None
        else await issuer_with_staff(app, role, name=name)
    )
    staff = await Staff.filter(issuer_id=actor.issuer_id, role=role).order_by("-created_at").first()
    assert staff is not None
    console: ConsoleService = app.state.services.console
    login = f"{role.value}{next(_serial)}"
    await console.set_password(staff.id, PASSWORD, login=login)
    return Person(actor.issuer_id, staff.id, login, actor.key)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no CSRF token"
    return found.group(1)


async def log_in(client: httpx.AsyncClient, login: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/console/login")
    return await client.post(
        "/console/login",
        data={"login": login, "password": password, "csrf_token": csrf_of(page.text)},
    )


_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields of a page's forms (the last form's value wins), unescaped."""
    return {name: htmllib.unescape(value) for name, value in _HIDDEN.findall(html)}


# Where the browser tests' last screenshots stay.
SHOTS = Path("/tmp/piaojia-console")


async def shot(page: Page, tmp_path: Path, name: str) -> None:
    """A full-page screenshot ``name``.png in ``tmp_path``, copied to SHOTS."""
    path = tmp_path / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SHOTS / path.name)
