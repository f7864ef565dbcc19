"""A company buyer (单位, titled with its 统一社会信用代码) is no person: the scan page, the
verification answer and the email show its name whole, while a personal buyer stays masked."""

from __future__ import annotations

import uuid

import httpx
import pytest
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.outbox.composer import EmailComposer, Letter
from backend.receipts.models import Receipt
from backend.templating import template_environment
from tests.clock import FakeClock
from tests.outbox.support import SENDER, make_relay
from tests.transit.support import INVOICES, import_rows, metro, my_trip_ids, personal, trip_row
from tests.wechat import login

COMPANY = "广州某某科技有限公司"
COMPANY_CODE = "91350100M000100Y43"


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ({"kind": "company", "name": COMPANY, "tax_id": COMPANY_CODE}, COMPANY),
        (personal("张小三"), "张*三"),
    ],
)
async def test_a_company_buyer_is_shown_whole_and_a_person_masked(
    wx_app: Starlette, wx_client: httpx.AsyncClient, title: dict[str, str], shown: str
) -> None:
    operator = await metro(wx_app)
    rider = await login(wx_client, "demo-alice")
    await import_rows(wx_client, operator, [trip_row(1, openid=demo_openid("alice"))])
    trips = await my_trip_ids(wx_client, rider)
    issued = await wx_client.post(
        INVOICES, json={"trips": trips, "title": title, "email": "a@example.com"}, headers=rider
    )
    assert issued.status_code == 201, issued.text
    receipt = issued.json()["receipt"]

    scan = receipt["scan_url"].removeprefix("https://piaojia.test")
    scanned = await wx_client.get(scan, headers={"Accept": "application/json"})
    assert scanned.json()["receipt"]["payer"]["name"] == shown
    page = await wx_client.get(scan, headers={"Accept": "text/html"})
    assert f"购买方 {shown}" in page.text

    query = {"code": receipt["code"], "number": receipt["number"], "check": receipt["check_code"]}
    verified = await wx_client.get("/api/v1/verify", params=query)
    assert verified.status_code == 200, verified.text
    assert verified.json()["receipt"]["payer"]["name"] == shown

    # The email: the relay learns the title with the message it claims.
    (claimed,) = await make_relay(0, FakeClock()).claim(10)
    assert claimed.company_buyer == (title["kind"] == "company")
    stored = await Receipt.get(id=uuid.UUID(receipt["id"])).select_related("issuer")
    letter = Letter(
        message_uuid=claimed.id,
        kind=claimed.kind,
        recipient=claimed.recipient,
        receipt=stored,
        scan_url=None,
        pdf_name="invoice.pdf",
        pdf=b"%PDF",
        company_buyer=claimed.company_buyer,
    )
    composer = EmailComposer(templates=template_environment(), sender=SENDER)
    assert composer.context(letter)["payer_name"] == shown
