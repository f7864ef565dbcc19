"""Console security: CSRF on every form, tenant isolation, login throttling, roles."""

from __future__ import annotations

from datetime import timedelta

import httpx
from starlette.applications import Starlette

from backend.console.models import ConsoleSession, StaffPassword
from backend.issuers.models import Staff, StaffRole
from backend.receipts.models import Receipt, ReceiptEvent
from tests.clock import FakeClock
from tests.console.support import PASSWORD, csrf_of, log_in, person
from tests.factories import receipt_request


async def _issue(client: httpx.AsyncClient, key: str) -> str:
    answer = await client.post(
        "/api/v1/hospital/receipts",
        json=receipt_request(),
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def _written() -> tuple[int, int, int, int, int]:
    return (
        await Receipt.all().count(),
        await ReceiptEvent.all().count(),
        await Staff.filter(revoked_at=None).count(),
        await StaffPassword.all().count(),
        await ConsoleSession.filter(ended_at=None).count(),
    )


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 403, answer.text
    assert 'id="error-code">csrf_failed<' in answer.text


async def test_every_console_form_needs_its_csrf_token(
    app: Starlette, cclient: httpx.AsyncClient
) -> None:
    cashier = await person(app, StaffRole.CASHIER)
    admin = await person(app, StaffRole.ADMIN, issuer_id=cashier.issuer_id)
    receipt_id = await _issue(cclient, cashier.key)
    login_page = await cclient.get("/console/login")
    assert login_page.status_code == 200
    before = await _written()
    for token in (None, "0" * 64, csrf_of(login_page.text) + "0"):
        fields = {"login": cashier.login, "password": PASSWORD}
        _refused(
            await cclient.post(
                "/console/login", data=fields | ({"csrf_token": token} if token else {})
            )
        )
    assert await _written() == before and "pj_console=" not in str(cclient.cookies)

    await log_in(cclient, cashier.login)
    before = await _written()
    good = csrf_of((await cclient.get("/console/receipts/new")).text)
    forms = {
        "/console/receipts": {"payer_name": "李四", "visit_type": "outpatient",
                              "visit_number": "1", "department": "内科",
                              "item-0-category": "西药费", "item-0-name": "药",
                              "item-0-quantity": "1", "item-0-unit": "盒",
                              "item-0-amount": "1.00"},
        f"/console/receipts/{receipt_id}/reversal": {"reason": "错"},
        "/console/logout": {},
    }  # fmt: skip
    for path, fields in forms.items():
        _refused(await cclient.post(path, data=fields))
        _refused(await cclient.post(path, data=fields | {"csrf_token": "f" * 64}))
    assert await _written() == before
    # The token of one session is useless in another: log the admin in on a second client.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as other:
        await log_in(other, admin.login)
        before = await _written()
        staff_forms = {
            "/console/staff": {"name": "新人", "role": "cashier", "login": "new1",
                               "password": "long enough pw"},
            f"/console/staff/{cashier.staff_id}/revoke": {},
        }  # fmt: skip
        for path, fields in staff_forms.items():
            _refused(await other.post(path, data=fields))
            _refused(await other.post(path, data=fields | {"csrf_token": good}))
        assert await _written() == before
        # With its own token the same form works: the refusals above were the token's doing.
        own = csrf_of((await other.get("/console/staff")).text)
        done = await other.post(
            "/console/staff", data=staff_forms["/console/staff"] | {"csrf_token": own}
        )
        assert done.status_code == 303
    # A form post from another site (no session cookie at all) is refused the same way.
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as stranger:
        _refused(await stranger.post("/console/logout", data={"csrf_token": good}))


async def test_one_issuers_staff_never_see_anothers_receipts(
    app: Starlette, cclient: httpx.AsyncClient
) -> None:
    owner = await person(app, StaffRole.CASHIER, name="甲医院")
    receipt_id = await _issue(cclient, owner.key)
    cashier_b = await person(app, StaffRole.CASHIER, name="乙医院")
    admin_b = await person(app, StaffRole.ADMIN, issuer_id=cashier_b.issuer_id)
    events_before = await ReceiptEvent.filter(receipt_id=receipt_id).count()

    await log_in(cclient, cashier_b.login)
    listing = await cclient.get("/console/receipts")
    assert listing.status_code == 200 and receipt_id not in listing.text
    for path in (f"/console/receipts/{receipt_id}", f"/console/receipts/{receipt_id}/slip.pdf"):
        answer = await cclient.get(path)
        assert answer.status_code == 404, path
        assert "receipt_not_found" in answer.text
    token = csrf_of(listing.text)
    confirm = await cclient.post(
        f"/console/receipts/{receipt_id}/reversal/confirm",
        data={"csrf_token": token, "reason": "试"},
    )
    assert confirm.status_code == 404 and "receipt_not_found" in confirm.text
    # No confirmation can be had for it, and the reversal step needs one.
    reversal = await cclient.post(
        f"/console/receipts/{receipt_id}/reversal", data={"csrf_token": token, "reason": "试"}
    )
    assert reversal.status_code == 400 and "reversal_not_confirmed" in reversal.text
    assert (await Receipt.get(id=receipt_id)).status == "valid"
    assert await ReceiptEvent.filter(receipt_id=receipt_id).count() == events_before

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as admin:
        await log_in(admin, admin_b.login)
        dashboard = await admin.get("/console/dashboard")
        assert dashboard.status_code == 200 and 'id="total">0<' in dashboard.text
        csv = await admin.get("/console/dashboard/receipts.csv")
        assert csv.status_code == 200 and receipt_id not in csv.text
        revoke = await admin.post(
            f"/console/staff/{owner.staff_id}/revoke",
            data={"csrf_token": csrf_of((await admin.get("/console/staff")).text)},
        )
        assert revoke.status_code == 404
        assert (await Staff.get(id=owner.staff_id)).revoked_at is None

    for key in (cashier_b.key, admin_b.key):
        headers = {"Authorization": f"Bearer {key}"}
        stats = (await cclient.get("/api/v1/issuer/stats", headers=headers)).json()
        assert stats["total"] == 0
        page = (await cclient.get("/api/v1/issuer/receipts", headers=headers)).json()
        assert page["receipts"] == []
        events = await cclient.get(f"/api/v1/issuer/receipts/{receipt_id}/events", headers=headers)
        assert events.status_code == 404 and events.json()["error"]["code"] == "receipt_not_found"
        csv_api = await cclient.get("/api/v1/issuer/receipts.csv", headers=headers)
        assert csv_api.status_code == 200 and receipt_id not in csv_api.text


async def test_wrong_passwords_are_slowed_then_locked_out(
    clocked_app: Starlette, clock: FakeClock
) -> None:
    app = clocked_app
    cashier = await person(app, StaffRole.CASHIER)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as client:

        async def attempt(password: str) -> httpx.Response:
            return await log_in(client, cashier.login, password)

        for _ in range(3):  # the first three mistakes cost nothing but the answer
            wrong = await attempt("wrong password 1")
            assert wrong.status_code == 401 and "密码" in wrong.text
        slowed = await attempt(PASSWORD)  # even the right one waits its turn
        assert slowed.status_code == 429 and slowed.headers["retry-after"] == "2"
        assert "pj_console=" not in slowed.headers.get("set-cookie", "")
        waits = []
        for _ in range(5):  # waiting out each delay, the next mistake is counted again
            clock.now += timedelta(seconds=61)
            assert (await attempt("wrong password 2")).status_code == 401
            refused = await attempt("wrong password 3")
            assert refused.status_code == 429
            waits.append(int(refused.headers["retry-after"]))
        assert waits[:4] == [3, 5, 9, 17]  # 2, 4, 8, 16 s (+1 rounding up)
        assert waits[4] > 15 * 60 - 5  # the eighth mistake locks the login for 15 minutes
        clock.now += timedelta(minutes=10)
        locked = await attempt(PASSWORD)
        assert locked.status_code == 429 and "已暂时锁定" in locked.text
        clock.now += timedelta(minutes=6)
        opened = await attempt(PASSWORD)
        assert opened.status_code == 303 and "pj_console=" in opened.headers["set-cookie"]
        # Success clears the count: one more mistake is a plain 401 again.
        await client.post(
            "/console/logout",
            data={"csrf_token": csrf_of((await client.get("/console/receipts")).text)},
        )
        assert (await attempt("wrong password 4")).status_code == 401
        # An unknown login name is throttled the same way, and answered the same way.
        for _ in range(3):
            unknown = await log_in(client, "nobody", "x" * 12)
            assert unknown.status_code == 401
        assert (await log_in(client, "nobody", "x" * 12)).status_code == 429


async def test_pages_check_roles_and_bad_issue_input_writes_nothing(
    app: Starlette, cclient: httpx.AsyncClient
) -> None:
    cashier = await person(app, StaffRole.CASHIER)
    admin = await person(app, StaffRole.ADMIN, issuer_id=cashier.issuer_id)
    assert (await cclient.get("/console/dashboard")).status_code == 303  # to the login page
    await log_in(cclient, cashier.login)
    for path in ("/console/dashboard", "/console/staff", "/console/dashboard/receipts.csv"):
        assert (await cclient.get(path)).status_code == 403, path
    form = await cclient.get("/console/receipts/new")
    before = await _written()
    bad = await cclient.post(
        "/console/receipts",
        data={"csrf_token": csrf_of(form.text), "payer_name": "", "visit_type": "x",
              "item-0-name": "药", "item-0-amount": "abc", "item-0-quantity": "-1"},
    )  # fmt: skip
    assert bad.status_code == 422 and 'id="form-errors"' in bad.text
    assert await _written() == before
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as other:
        await log_in(other, admin.login)
        assert (await other.get("/console/receipts/new")).status_code == 403
        weak = await other.post(
            "/console/staff",
            data={"csrf_token": csrf_of((await other.get("/console/staff")).text), "name": "甲",
                  "role": "cashier", "login": cashier.login, "password": "long enough pw"},
        )  # fmt: skip
        assert weak.status_code == 409 and "is taken" in weak.text
        assert (await _written())[:4] == before[:4]  # only the admin's new session differs
