"""The outbox inside the app: the lifespan's relay mails the real signed PDF, the issuer turns
reminders on over HTTP, and demo mode starts the mail sink."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from backend.app import create_app
from backend.config import Settings
from backend.issuers.models import StaffRole
from backend.outbox.mail_sink import LocalSmtpServer
from backend.receipts.models import Receipt
from backend.secret import Secret
from backend.services import Services
from tests.documents.support import pdf_text
from tests.factories import issuer_with_staff, receipt_request
from tests.lifespan import lifespan
from tests.outbox.support import RecordingHandler, send_message
from tests.servers import free_port


@pytest.fixture
def settings(settings: Settings, smtp: LocalSmtpServer) -> Settings:
    return dataclasses.replace(
        settings,
        smtp_url=Secret(f"smtp://127.0.0.1:{smtp.port}"),
        mail_from="noreply@piaojia.test",
    )


async def test_the_apps_relay_mails_the_signed_pdf(
    app: Starlette, client: httpx.AsyncClient, handler: RecordingHandler
) -> None:
    cashier = await issuer_with_staff(app)
    issued = await client.post(
        "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
    )
    assert issued.status_code == 201
    services: Services = app.state.services
    receipt = await Receipt.get(id=issued.json()["id"])
    async with in_transaction() as conn:
        queued = await services.outbox.queue_receipt_email(
            conn, receipt=receipt, to="patient@example.com"
        )
    assert queued.to == "p***@example.com"
    # The copy waits for the receipt's ledger proof (PIAOJIA_MAIL_PROOF_WAIT): anchor it.
    await services.sequencer.integrate_once()
    async with asyncio.timeout(30):
        while not handler.received:
            await asyncio.sleep(0.05)
    attachment, _data = list(handler.received[0].message.iter_attachments())
    assert receipt.number in pdf_text(attachment.get_content())


async def test_an_admin_turns_the_reminder_on_and_off(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    admin = await issuer_with_staff(app, StaffRole.ADMIN)
    url = "/api/v1/issuer/reminder"
    assert (await client.get(url, headers=admin.headers)).json()["enabled"] is False
    on = await client.put(url, json={"enabled": True, "after_days": 3}, headers=admin.headers)
    assert on.status_code == 200 and on.json()["after_days"] == 3 and on.json()["enabled"]
    missing = await client.put(url, json={"enabled": True}, headers=admin.headers)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "invalid_reminder"
    too_long = await client.put(
        url, json={"enabled": True, "after_days": 91}, headers=admin.headers
    )
    assert too_long.status_code == 422
    off = await client.put(url, json={"enabled": False}, headers=admin.headers)
    assert off.status_code == 200 and off.json()["enabled"] is False
    cashier = await issuer_with_staff(app)
    assert (await client.get(url, headers=cashier.headers)).status_code == 403


@pytest.fixture
async def demo_app(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[Starlette, int]]:
    port = free_port()
    demo = dataclasses.replace(
        settings,
        demo=True,
        smtp_url=Secret(f"smtp://127.0.0.1:{port}"),
        mail_dir=str(tmp_path / "mail"),
    )
    application = create_app(demo)
    async with lifespan(application):
        yield application, port


async def test_demo_mode_starts_the_mail_sink(
    demo_app: tuple[Starlette, int], tmp_path: Path
) -> None:
    _, port = demo_app
    queue_id = await send_message(port)
    assert (tmp_path / "mail" / f"{queue_id}.eml").exists()
