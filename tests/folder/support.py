"""Receipts to put in folders: issued through the hospital API, or stored as transit ones."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from backend.issuers.models import IssuerKind, Staff
from backend.receipts.models import Receipt, ReceiptKind
from backend.services import Services
from tests.factories import Actor, issuer_with_staff, receipt_request

HOSPITAL = "/api/v1/hospital/receipts"


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
