"""The console's happy path over HTTP (no browser): log in, issue, print, reverse."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from starlette.applications import Starlette

from backend.issuers.models import StaffRole
from backend.receipts.models import Receipt, ReceiptEvent
from tests.console.support import csrf_of, hidden_fields, log_in, person


async def test_cashier_issues_prints_and_reverses(
    app: Starlette, cclient: httpx.AsyncClient
) -> None:
    cashier = await person(app, StaffRole.CASHIER)
    answer = await log_in(cclient, cashier.login)
    assert answer.status_code == 303, answer.text
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    form = await cclient.get("/console/receipts/new")
    assert form.status_code == 200
    data = {
        "csrf_token": csrf_of(form.text),
        "idempotency_key": "k-1",
        "rows": "5",
        "payer_name": "李四",
        "visit_type": "outpatient",
        "visit_number": "MZ1",
        "department": "内科",
        "item-0-category": "西药费", "item-0-name": "阿莫西林", "item-0-quantity": "2",
        "item-0-unit": "盒", "item-0-amount": "25.60",
        "item-1-category": "检查费", "item-1-name": "血常规", "item-1-quantity": "1",
        "item-1-unit": "次", "item-1-amount": "60.00",
        "fund": "50.00", "other": "0.00", "account": "20.00", "cash": "",
    }  # fmt: skip
    issued = await cclient.post("/console/receipts", data=data)
    assert issued.status_code == 303, issued.text
    again = await cclient.post("/console/receipts", data=data)  # a double submit issues once
    assert again.headers["location"] == issued.headers["location"]
    assert await Receipt.filter(issuer_id=cashier.issuer_id).count() == 1
    receipt = await Receipt.get(issuer_id=cashier.issuer_id)
    assert (receipt.total_fen, receipt.cash_fen) == (8560, 1560)
    page = await cclient.get(issued.headers["location"])
    assert (
        "阿莫西林" in page.text and "default-src 'none'" in page.headers["content-security-policy"]
    )
    slip = await cclient.get(f"/console/receipts/{receipt.id}/slip.pdf")
    assert slip.status_code == 200 and slip.content.startswith(b"%PDF")
    # Shown inline, so it opens in the browser ready to print, under its Chinese name.
    name = f"收费告知单-{receipt.code}-{receipt.number}.pdf"
    assert slip.headers["content-disposition"] == (
        f'inline; filename="slip-{receipt.code}-{receipt.number}.pdf"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    assert 'target="_blank"' in page.text and " download>" not in page.text
    assert await ReceiptEvent.filter(receipt_id=receipt.id, type="slip_printed").count() == 1
    confirm = await cclient.post(
        f"/console/receipts/{receipt.id}/reversal/confirm",
        data={"csrf_token": csrf_of(page.text), "reason": "收错", "idempotency_key": "r-1"},
    )
    assert confirm.status_code == 200, confirm.text
    reversed_ = await cclient.post(
        f"/console/receipts/{receipt.id}/reversal", data=hidden_fields(confirm.text)
    )
    assert reversed_.status_code == 303, reversed_.text
    await receipt.refresh_from_db()
    assert receipt.status == "reversed"


async def test_an_admin_turns_the_unopened_reminder_on_and_off(
    app: Starlette, cclient: httpx.AsyncClient
) -> None:
    admin = await person(app, StaffRole.ADMIN)
    await log_in(cclient, admin.login)
    page = await cclient.get("/console/staff")
    assert "未开启" in page.text
    token = csrf_of(page.text)

    turned_on = await cclient.post(
        "/console/reminder", data={"csrf_token": token, "after_days": "3"}
    )
    assert turned_on.status_code == 303
    outbox = app.state.services.outbox
    assert (await outbox.reminder(admin.issuer_id)).after_days == 3
    assert "开票后 3 天" in (await cclient.get("/console/staff")).text

    for bad in ("0", "91", "three"):
        refused = await cclient.post(
            "/console/reminder", data={"csrf_token": token, "after_days": bad}
        )
        assert refused.status_code in (400, 422), bad
    assert (await outbox.reminder(admin.issuer_id)).after_days == 3
    no_token = await cclient.post("/console/reminder", data={"after_days": ""})
    assert no_token.status_code == 403
    assert (await outbox.reminder(admin.issuer_id)).enabled

    turned_off = await cclient.post(
        "/console/reminder", data={"csrf_token": token, "after_days": ""}
    )
    assert turned_off.status_code == 303
    assert not (await outbox.reminder(admin.issuer_id)).enabled
