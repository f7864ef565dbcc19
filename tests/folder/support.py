"""Receipts to put in folders: issued through the hospital API, or stored as transit ones;
receipts and invoices already kept there, and the ids no one may read."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from backend.auth.standin import demo_openid
from backend.issuers.models import IssuerKind, Staff
from backend.receipts.models import Receipt, ReceiptKind
from backend.services import Services
from tests.factories import Actor, issuer_with_staff, receipt_request
from tests.transit.support import INVOICES, import_rows, metro, my_trip_ids, personal, trip_row
from tests.wechat import login

HOSPITAL = "/api/v1/hospital/receipts"
FOLDER = "/api/v1/folder/receipts"


def scan_token(receipt: dict[str, Any]) -> str:
    url: str = receipt["scan_url"]
    return url.rsplit("/s/", 1)[1]


async def issue(client: httpx.AsyncClient, cashier: Actor, **changes: Any) -> dict[str, Any]:
    """Issue a medical receipt; its JSON answer (with ``scan_url``)."""
    response = await client.post(HOSPITAL, json=receipt_request(**changes), headers=cashier.headers)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def reverse(client: httpx.AsyncClient, cashier: Actor, receipt_id: str) -> dict[str, Any]:
    response = await client.post(
        f"{HOSPITAL}/{receipt_id}/reversal", json={"reason": "开错了"}, headers=cashier.headers
    )
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def issue_transit(app: Starlette, total_fen: int) -> str:
    """Store a transit receipt (no transit API yet) through the receipt core; its scan token."""
    operator = await issuer_with_staff(app, kind=IssuerKind.TRANSIT, name="广州测试地铁")
    staff = await Staff.filter(issuer_id=operator.issuer_id).select_related("issuer").get()
    services: Services = app.state.services
    async with in_transaction() as conn:
        stored = await services.receipts.store(
            conn,
            staff=staff,
            receipt=Receipt(
                kind=ReceiptKind.TRANSIT, code="44010000", payer_name="乘客", total_fen=total_fen
            ),
            items=[],
        )
    assert stored.scan_token is not None
    return stored.scan_token


# Receipt ids no one may read: another's, malformed, oversized, or a path's escape.
HOSTILE_IDS = [
    "3f1c9a52-7d4e-4b8a-9c61-2e5f0d8b7a43",  # fixed: parallel workers must collect the same ids
    "not-a-uuid",
    "9" * 400,
    "%00",
    "00000000-0000-0000-0000-00000000000%00",
    "..%2F..%2Fetc",
]


async def kept(
    app: Starlette, client: httpx.AsyncClient, who: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """A medical receipt issued and added to ``who``'s folder; it and their session header."""
    cashier = await issuer_with_staff(app)
    receipt = await issue(client, cashier)
    user = await login(client, f"demo-{who}")
    added = await client.post(FOLDER, json={"scan_token": scan_token(receipt)}, headers=user)
    assert added.status_code == 201, added.text
    receipt["_cashier"] = cashier
    return receipt, user


async def invoiced(
    app: Starlette, client: httpx.AsyncClient, rider: str, trips: int = 2
) -> tuple[dict[str, Any], dict[str, str]]:
    """Trips for ``rider`` invoiced with a personal title and no email; the invoice, the
    rider's session header."""
    operator = await metro(app)
    user = await login(client, f"demo-{rider}")
    rows = [trip_row(n, openid=demo_openid(rider), prefix=rider) for n in range(trips)]
    await import_rows(client, operator, rows)
    ids = await my_trip_ids(client, user)
    answer = await client.post(INVOICES, json={"trips": ids, "title": personal()}, headers=user)
    assert answer.status_code == 201, answer.text
    assert answer.json()["email"] is None
    return answer.json(), user
