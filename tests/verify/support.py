"""Helpers of the verification tests: issuing receipts, reimbursing parties, naming receipts."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from backend.issuers.models import IssuerKind, StaffRole
from tests.factories import Actor, issuer_with_staff, receipt_request

ISSUE = "/api/v1/hospital/receipts"


async def issue(
    app: Starlette, client: httpx.AsyncClient, cashier: Actor | None = None, **changes: Any
) -> dict[str, Any]:
    """Issue the sample receipt (with ``changes``); its answer, with ``_cashier`` added."""
    cashier = cashier or await issuer_with_staff(app)
    response = await client.post(ISSUE, json=receipt_request(**changes), headers=cashier.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    body["_cashier"] = cashier
    return body


async def reimburser(app: Starlette, name: str = "广州市测试保险有限公司") -> Actor:
    """A reimbursing party (an organisation of kind ``reimburser``) with one reimburser key."""
    return await issuer_with_staff(app, StaffRole.REIMBURSER, kind=IssuerKind.REIMBURSER, name=name)


def ref(receipt: dict[str, Any], **changes: str) -> dict[str, str]:
    """The three elements naming ``receipt``, with ``changes``."""
    named = {"code": receipt["code"], "number": receipt["number"], "check": receipt["check_code"]}
    named.update(changes)
    return named


def five(receipt: dict[str, Any], **changes: str) -> dict[str, str]:
    """All five elements naming ``receipt``, with ``changes``."""
    named = ref(receipt, date=receipt["issued_at"][:10], amount=receipt["total"])
    named.update(changes)
    return named
