"""The console's access rule, walked whole: every page with a session of every issuer kind and
every role. Issuing and 冲红 are for hospital cashiers only; refusals are 403 with a stable
code, and nothing is issued or reversed by anyone else."""

from __future__ import annotations

import uuid

import httpx
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from backend.console import csrf
from backend.console.pages import PAGES
from backend.console.web import PAGE_ACCESS, SESSION_COOKIE
from backend.hospital.schemas import IssueMedicalReceipt
from backend.issuers.models import IssuerKind, Staff, StaffRole
from backend.receipts.models import Receipt
from backend.services import Services
from tests.console.support import PASSWORD, log_in
from tests.factories import TEST_SECRET, credit_code, receipt_request

_serial = iter(range(800_000, 900_000))


async def sessions(
    app: Starlette, transport: httpx.ASGITransport
) -> dict[tuple[IssuerKind, StaffRole], httpx.AsyncClient]:
    """A logged-in console client for a staff member of every kind and role."""
    services: Services = app.state.services
    clients = {}
    for kind in IssuerKind:
        issuer = await services.issuers.create(
            kind=kind, name=f"测试{kind}", credit_code=credit_code(next(_serial)), region="440100"
        )
        for role in StaffRole:
            staff, _ = await services.staff.create(issuer_id=issuer.id, role=role, name="测试员")
            login = f"{kind.value}-{role.value}"
            await services.console.set_password(staff.id, PASSWORD, login=login)
            client = httpx.AsyncClient(transport=transport, base_url="https://piaojia.test")
            assert (await log_in(client, login)).status_code == 303
            clients[kind, role] = client
    return clients


async def test_every_page_for_every_kind_and_role(
    app: Starlette, cclient: httpx.AsyncClient
) -> None:
    transport = httpx.ASGITransport(app=app)
    clients = await sessions(app, transport)
    hospital = clients[IssuerKind.HOSPITAL, StaffRole.CASHIER]
    hospital_id = (
        await app.state.services.console.authenticate(hospital.cookies[SESSION_COOKIE])
    ).issuer.id
    services: Services = app.state.services
    walked = 0
    for method, path, handler, _name in PAGES:
        if handler.__name__ not in PAGE_ACCESS:
            continue  # the login pages: before any session
        roles, kinds = PAGE_ACCESS[handler.__name__]
        for (kind, role), client in clients.items():
            receipt = await _a_receipt(services, hospital_id)
            url = path.replace("{receipt_id}", str(receipt)).replace(
                "{staff_id}", str(uuid.uuid4())
            )
            token = csrf.token_for(TEST_SECRET.encode(), "session", client.cookies[SESSION_COOKIE])
            data = {"csrf_token": token, "reason": "测试", "idempotency_key": str(uuid.uuid4())}
            if handler.__name__ == "logout":
                continue  # ends the session the walk goes on with; any kind and role may
            response = await client.request(method, url, data=data if method == "POST" else None)
            walked += 1
            what = f"{method} {url} as {kind} {role}"
            assert response.status_code < 500, what
            if kind not in kinds:
                assert response.status_code == 403, what
                assert 'id="error-code">kind_not_allowed<' in response.text, what
            elif role not in roles:
                assert response.status_code == 403, what
                assert 'id="error-code">role_not_allowed<' in response.text, what
            else:
                assert response.status_code != 403, f"{what}: {response.text[:300]}"
    assert walked > 12 * 10
    # Only the hospital's cashier reversed anything, and only its own receipts exist.
    reversed_by = set(
        await Receipt.filter(reverses_id__not_isnull=True).values_list(
            "staff__role", "issuer__kind"
        )
    )
    assert reversed_by <= {(StaffRole.CASHIER, IssuerKind.HOSPITAL)}
    for client in clients.values():
        await client.aclose()


async def _a_receipt(services: Services, issuer_id: uuid.UUID) -> uuid.UUID:
    """A valid receipt of the hospital (a fresh one once the last was reversed)."""
    found = await Receipt.filter(issuer_id=issuer_id, status="valid", reverses_id=None).first()
    if found is not None:
        return found.id
    staff = (
        await Staff.filter(issuer_id=issuer_id, role=StaffRole.CASHIER)
        .select_related("issuer")
        .first()
    )
    assert staff is not None
    request = IssueMedicalReceipt.model_validate(receipt_request())
    async with in_transaction() as conn:
        loaded = await services.hospital.issue(conn, staff=staff, request=request)
    return loaded.receipt.id
