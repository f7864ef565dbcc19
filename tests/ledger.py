"""Receipts issued into the ledger and read back from it: what the ledger and proof tests share.

The sample receipt is issued to ``PAYER``, whose personal fields are the values no public proof
may carry (:func:`assert_no_personal_data`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette

from backend.anchoring.models import LedgerEntry
from backend.services import Services
from tests.factories import SAMPLE_RECEIPT, issuer_with_staff, receipt_request

URL = "/api/v1/hospital/receipts"
NAME, ID_NUMBER, EMAIL, PHONE = "王小明", "440106199001011235", "wangxm@example.com", "13800138000"
VISIT_NUMBER = str(SAMPLE_RECEIPT["visit"]["number"])
PERSONAL = (NAME, ID_NUMBER, EMAIL, PHONE, VISIT_NUMBER)
PAYER = {"name": NAME, "id_number": ID_NUMBER, "email": EMAIL, "phone": PHONE}


async def issued_receipt(
    app: Starlette, client: httpx.AsyncClient, *, email: bool = True
) -> dict[str, Any]:
    """Issue the sample receipt to ``PAYER``. Without ``email`` no copy is queued, so that no
    mail is being rendered when the app stops (the relay finishes what it has in hand)."""
    cashier = await issuer_with_staff(app)
    payer = PAYER if email else {k: v for k, v in PAYER.items() if k != "email"}
    response = await client.post(URL, json=receipt_request(payer=payer), headers=cashier.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    body["_headers"] = cashier.headers
    return body


async def integrate(app: Starlette) -> None:
    """Integrate every pending statement of ``app``'s ledger now."""
    services: Services = app.state.services
    await services.sequencer.integrate_once()


def assert_no_personal_data(raw: bytes) -> None:
    """``raw`` holds none of ``PAYER``'s personal fields, in clear or JSON-escaped."""
    for value in PERSONAL:
        assert value.encode() not in raw, value
    # Nor escaped as JSON would escape it.
    assert json.dumps(NAME).strip('"').encode() not in raw


def scan_path(issued: dict[str, Any]) -> str:
    """The path of an issued receipt's scan URL."""
    return str(urlsplit(issued["scan_url"]).path)


async def pending_entries(app: Starlette, client: httpx.AsyncClient, count: int) -> None:
    """``count`` more pending statements (one through the API, the rest written alongside)."""
    cashier = await issuer_with_staff(app)
    issued = (await client.post(URL, json=receipt_request(), headers=cashier.headers)).json()
    first = await LedgerEntry.filter(receipt_id=issued["id"]).first()
    assert first is not None
    await LedgerEntry.bulk_create(
        LedgerEntry(
            statement=bytes(first.statement) + b" %d" % n,
            salt=bytes(first.salt),
            event=first.event,
            receipt_id=issued["id"],
        )
        for n in range(count - 1)
    )
