"""The world a hostile request is sent into (:class:`tests.hostile.support.World`)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from backend.issuers.models import IssuerKind, StaffRole
from tests.console.support import csrf_of, log_in, person
from tests.factories import issuer_with_staff, receipt_request, staff_of
from tests.hostile.support import World
from tests.wechat import BASE_URL, login


def _client(app: Starlette) -> httpx.AsyncClient:
    # A 500 must come back as an answer to assert on, not as the app's exception.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, follow_redirects=False)


@pytest.fixture
async def world(wx_app: Starlette) -> AsyncIterator[World]:
    client = _client(wx_app)
    console_admin = _client(wx_app)
    cashier = await issuer_with_staff(wx_app, StaffRole.CASHIER)
    admin = await staff_of(wx_app, cashier.issuer_id, StaffRole.ADMIN)
    reimburser = await issuer_with_staff(wx_app, StaffRole.REIMBURSER, kind=IssuerKind.REIMBURSER)
    operator = await issuer_with_staff(wx_app, StaffRole.OPERATOR, kind=IssuerKind.TRANSIT)
    metro_admin = await staff_of(wx_app, operator.issuer_id, StaffRole.ADMIN)
    # No payer email: the mail relay would write its attempts while the battery counts rows.
    payer = {"name": "张三", "id_number": "440106199001011235"}
    issued = await client.post(
        "/api/v1/hospital/receipts", json=receipt_request(payer=payer), headers=cashier.headers
    )
    assert issued.status_code == 201, issued.text
    receipt = issued.json()
    user = await login(client, "demo-hostile")
    token = receipt["scan_url"].rsplit("/", 1)[1]
    added = await client.post("/api/v1/folder/receipts", json={"scan_token": token}, headers=user)
    assert added.status_code in (200, 201), added.text
    me = (await client.get("/api/v1/me", headers=user)).json()
    exit_at = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # the day before the test's clock
    trip = {
        "ref": f"T-{uuid.uuid4().hex[:12]}",
        "rider": {"openid": me["openid"]},
        "entry": {"station": "体育西路", "at": (exit_at - timedelta(minutes=9)).isoformat()},
        "exit": {"station": "珠江新城", "at": exit_at.isoformat()},
        "fare": "3.00",
        "channel": "qrcode",
    }
    imported = await client.post(
        "/api/v1/transit/trips", json={"trips": [trip]}, headers=operator.headers
    )
    assert imported.json()["new"] == 1, imported.text
    trips = (await client.get("/api/v1/folder/trips", headers=user)).json()["trips"]
    boss = await person(wx_app, StaffRole.ADMIN, issuer_id=cashier.issuer_id)
    assert (await log_in(console_admin, boss.login)).status_code == 303
    csrf = csrf_of((await console_admin.get("/console/staff")).text)
    yield World(
        client=client,
        cashier=cashier.headers,
        admin=admin.headers,
        reimburser=reimburser.headers,
        operator=operator.headers,
        metro_admin=metro_admin.headers,
        user=user,
        console_admin=console_admin,
        receipt_id=receipt["id"],
        scan_token=token,
        code=receipt["code"],
        number=receipt["number"],
        check=receipt["check_code"],
        trip_id=trips[0]["id"],
        csrf=csrf,
    )
    await client.aclose()
    await console_admin.aclose()
