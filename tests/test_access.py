"""The access table, walked whole: every operation in /openapi.json, called with a staff key of
every issuer kind and every role. Those the operation's rule admits get past authentication;
every other gets 403 with a stable code before anything runs. A GET never writes a row."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from backend.app import ENDPOINTS
from backend.config import Settings
from backend.db import connection
from backend.issuers.models import IssuerKind, Staff, StaffRole
from backend.receipts.errors import WrongReceiptKind
from backend.receipts.models import Receipt, ReceiptKind, ReceiptStatus
from backend.services import Services
from tests.factories import credit_code, receipt_request

_serial = iter(range(900_000, 10**6))
# The tables a GET may add to: the signed PDF as first served, kept so that every later
# download of the same receipt state is the same bytes (and ETag), derived from the receipt
# with no state of its own; and the limits' counters (an unknown scan code counts against its
# address, on PostgreSQL in the database).
DERIVED = {"rendered_document", "rate_limit_counter"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with limits no walk reaches: the walk sends a few hundred requests
    with unknown tokens and references, which are not what it is testing."""
    return dataclasses.replace(
        settings,
        scan_slow_after=10**6,
        scan_refuse_after=10**6,
        verify_slow_after=10**6,
        verify_refuse_after=10**6,
    )


async def keys_of_every_kind_and_role(app: Starlette) -> dict[tuple[IssuerKind, StaffRole], str]:
    """One issuer of each kind, with a key of each role (whether the role fits it or not)."""
    services: Services = app.state.services
    keys = {}
    for kind in IssuerKind:
        issuer = await services.issuers.create(
            kind=kind, name=f"测试{kind}", credit_code=credit_code(next(_serial)), region="440100"
        )
        for role in StaffRole:
            _, key = await services.staff.create(issuer_id=issuer.id, role=role, name="测试员")
            keys[kind, role] = key
    return keys


async def row_counts() -> dict[str, int]:
    """The number of rows of every table, in one statement."""
    conn = connection()
    if conn.capabilities.dialect == "postgres":
        listing = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    else:
        listing = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    names = [r["name"] for r in await conn.execute_query_dict(listing) if r["name"] not in DERIVED]
    counts = ", ".join(f'(SELECT COUNT(*) FROM "{name}") AS "{name}"' for name in names)
    row = (await conn.execute_query_dict(f"SELECT {counts}"))[0]
    return {name: int(row[name]) for name in names}


def concrete(path: str, receipt_id: str) -> str:
    return (
        path.replace("{receipt_id}", receipt_id)
        .replace("{format}", "png")
        .replace("{token}", "unknown-token-0000000000")
        .replace("{path}", "0/000")
    )


def expected_refusal(kinds: Any, roles: Any, kind: IssuerKind, role: StaffRole) -> str | None:
    if kind not in kinds:
        return "kind_not_allowed"
    if role not in roles:
        return "role_not_allowed"
    return None


async def test_every_operation_for_every_kind_and_role(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    keys = await keys_of_every_kind_and_role(app)
    issued = await client.post(
        "/api/v1/hospital/receipts",
        # No email: the mail relay's attempts would write rows while the walk runs.
        json=receipt_request(payer={"name": "张三", "id_number": "440106199001011235"}),
        headers={"Authorization": f"Bearer {keys[IssuerKind.HOSPITAL, StaffRole.CASHIER]}"},
    )
    assert issued.status_code == 201, issued.text
    receipt_id = issued.json()["id"]
    document = (await client.get("/openapi.json")).json()
    by_name = {endpoint.name: endpoint for endpoint in ENDPOINTS}
    walked = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            endpoint = by_name[operation["operationId"]]
            # One table: an operation declares roles and kinds together, or neither.
            assert bool(endpoint.roles) == bool(endpoint.kinds), endpoint.name
            url = concrete(path, receipt_id)
            before = await row_counts() if method == "get" else None
            for (kind, role), key in keys.items():
                response = await client.request(
                    method.upper(),
                    url,
                    headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                    content=b"{}" if method in ("post", "put") else None,
                )
                walked += 1
                what = f"{method.upper()} {url} with a {kind} {role} key"
                assert response.status_code < 500, f"{what}: {response.text}"
                if not endpoint.roles:
                    continue
                refusal = expected_refusal(endpoint.kinds, endpoint.roles, kind, role)
                if refusal is None:
                    assert response.status_code not in (401, 403), f"{what}: {response.text}"
                else:
                    assert response.status_code == 403, f"{what}: {response.text}"
                    assert response.json()["error"]["code"] == refusal, what
            if before is not None:
                assert await row_counts() == before, f"GET {url} wrote rows"
    assert walked == len(keys) * sum(len(ops) for ops in document["paths"].values())


async def test_a_metro_cashier_cannot_reverse_an_invoice_through_the_hospital_api(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """Neither through the API nor by calling the receipt core with the medical kind: the
    invoice stays valid with its trips (only the transit path frees them)."""
    keys = await keys_of_every_kind_and_role(app)
    for kind in (IssuerKind.TRANSIT, IssuerKind.REIMBURSER):
        headers = {"Authorization": f"Bearer {keys[kind, StaffRole.CASHIER]}"}
        issued = await client.post(
            "/api/v1/hospital/receipts", json=receipt_request(), headers=headers
        )
        assert issued.status_code == 403 and issued.json()["error"]["code"] == "kind_not_allowed"
    services: Services = app.state.services
    cashier = await (
        Staff.filter(issuer__kind=IssuerKind.TRANSIT, role=StaffRole.CASHIER)
        .select_related("issuer")
        .get()
    )
    async with in_transaction() as conn:
        invoice = Receipt(
            kind=ReceiptKind.TRANSIT, code="44910026", payer_name="乘客", total_fen=300
        )
        stored = await services.receipts.store(conn, staff=cashier, receipt=invoice, items=[])
    reversed_ = await client.post(
        f"/api/v1/hospital/receipts/{stored.receipt.id}/reversal",
        json={"reason": "退款"},
        headers={"Authorization": f"Bearer {keys[IssuerKind.TRANSIT, StaffRole.CASHIER]}"},
    )
    assert reversed_.status_code == 403
    assert reversed_.json()["error"]["code"] == "kind_not_allowed"
    with pytest.raises(WrongReceiptKind):
        async with in_transaction() as conn:
            await services.receipts.reverse(
                conn,
                staff=cashier,
                receipt_id=stored.receipt.id,
                reason="退款",
                kind=ReceiptKind.MEDICAL,
            )
    assert (await Receipt.get(id=stored.receipt.id)).status == ReceiptStatus.VALID
