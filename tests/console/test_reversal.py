"""冲红 in the console takes two steps: the receipt page's form only leads to a confirmation
page (number, amount, reason, irreversible) and changes nothing; the reversal runs only when
posted from that page, with its confirmation token for this session, receipt and reason."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from backend.issuers.models import StaffRole
from backend.receipts.models import Receipt, ReceiptEvent
from tests.console.support import csrf_of, hidden_fields, log_in, person
from tests.factories import receipt_request


async def _issued(cclient: httpx.AsyncClient, key: str) -> Receipt:
    answer = await cclient.post(
        "/api/v1/hospital/receipts",
        json=receipt_request(),
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 201, answer.text
    return await Receipt.get(id=answer.json()["id"])


async def _untouched(receipt: Receipt, events: int) -> None:
    await receipt.refresh_from_db()
    assert receipt.status == "valid"
    assert await Receipt.filter(reverses_id=receipt.id).count() == 0
    assert await ReceiptEvent.filter(receipt_id=receipt.id).count() == events


async def test_the_first_step_confirms_and_only_the_confirmed_step_reverses(
    app: Starlette, cclient: httpx.AsyncClient
) -> None:
    cashier = await person(app, StaffRole.CASHIER)
    receipt = await _issued(cclient, cashier.key)
    await log_in(cclient, cashier.login)
    page = await cclient.get(f"/console/receipts/{receipt.id}")
    assert f'action="/console/receipts/{receipt.id}/reversal/confirm"' in page.text
    token = csrf_of(page.text)
    events = await ReceiptEvent.filter(receipt_id=receipt.id).count()

    confirm = await cclient.post(
        f"/console/receipts/{receipt.id}/reversal/confirm",
        data={"csrf_token": token, "reason": "收费项目录入错误", "idempotency_key": "k-1"},
    )
    assert confirm.status_code == 200, confirm.text
    for shown in (
        f"{receipt.code}-{receipt.number}",
        "-¥85.60",
        "捌拾伍元陆角整",
        "收费项目录入错误",
        "不能撤销",
        'id="confirm-reversal"',
    ):
        assert shown in confirm.text, shown
    await _untouched(receipt, events)  # the first step wrote nothing
    fields = hidden_fields(confirm.text)
    assert fields["reason"] == "收费项目录入错误" and fields["idempotency_key"] == "k-1"

    # Without the confirmation, with a forged one, or with another reason: refused.
    path = f"/console/receipts/{receipt.id}/reversal"
    for data in (
        {k: v for k, v in fields.items() if k != "confirmation"},
        fields | {"confirmation": "0" * 64},
        fields | {"reason": "别的原因", "idempotency_key": "k-2"},
    ):
        refused = await cclient.post(path, data=data)
        assert refused.status_code == 400, refused.text
        assert 'id="error-code">reversal_not_confirmed<' in refused.text
    await _untouched(receipt, events)

    done = await cclient.post(path, data=fields)
    assert done.status_code == 303, done.text
    again = await cclient.post(path, data=fields)  # a double click reverses once
    assert again.headers["location"] == done.headers["location"]
    await receipt.refresh_from_db()
    assert receipt.status == "reversed"
    red = await Receipt.get(reverses_id=receipt.id)
    assert done.headers["location"] == f"/console/receipts/{red.id}"
    assert red.reversal_reason == "收费项目录入错误"

    # Once reversed, the confirmation page is refused too: it never offers a doomed reversal.
    late = await cclient.post(
        f"/console/receipts/{receipt.id}/reversal/confirm",
        data={"csrf_token": token, "reason": "再来一次"},
    )
    assert late.status_code == 409 and "already_reversed" in late.text


async def test_a_confirmation_is_bound_to_its_session(
    app: Starlette, cclient: httpx.AsyncClient
) -> None:
    cashier = await person(app, StaffRole.CASHIER)
    receipt = await _issued(cclient, cashier.key)
    await log_in(cclient, cashier.login)
    page = await cclient.get(f"/console/receipts/{receipt.id}")
    confirm = await cclient.post(
        f"/console/receipts/{receipt.id}/reversal/confirm",
        data={"csrf_token": csrf_of(page.text), "reason": "错"},
    )
    fields = hidden_fields(confirm.text)
    events = await ReceiptEvent.filter(receipt_id=receipt.id).count()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as other:
        await log_in(other, cashier.login)  # the same cashier, another session
        own = csrf_of((await other.get(f"/console/receipts/{receipt.id}")).text)
        refused = await other.post(
            f"/console/receipts/{receipt.id}/reversal", data=fields | {"csrf_token": own}
        )
        assert refused.status_code == 400 and "reversal_not_confirmed" in refused.text
    await _untouched(receipt, events)
