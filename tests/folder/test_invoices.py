"""A transit invoice in the folder: its PDF for a rider who gave no email address, its title
(masked), and whether a re-issue (换开) would be refused now and why."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.applications import Starlette

from tests.documents.support import text_of, write
from tests.factories import credit_code
from tests.folder.support import invoiced
from tests.transit.support import INVOICES, personal
from tests.verify.support import ref, reimburser
from tests.wechat import login

FOLDER = "/api/v1/folder/receipts"
LOCK = "/api/v1/reimbursements/lock"
UNLOCK = "/api/v1/reimbursements/unlock"


async def test_a_rider_without_email_gets_the_invoice_pdf_from_the_folder(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    invoice, alice = await invoiced(wx_app, wx_client, "alice")
    receipt_id = invoice["receipt"]["id"]

    response = await wx_client.get(f"{FOLDER}/{receipt_id}/receipt.pdf", headers=alice)

    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF-")
    assert "电子发票" in response.headers["content-disposition"] or (
        "%E7%94%B5%E5%AD%90%E5%8F%91%E7%A5%A8" in response.headers["content-disposition"]
    )
    text = text_of(write(tmp_path, "invoice", response.content))
    assert invoice["receipt"]["number"] in text and "张三" in text and "¥6.00" in text
    bob = await login(wx_client, "demo-bob")
    other = await wx_client.get(f"{FOLDER}/{receipt_id}/receipt.pdf", headers=bob)
    assert (other.status_code, other.json()["error"]["code"]) == (404, "not_in_folder")


async def test_the_detail_shows_the_title_masked_and_that_a_reissue_is_allowed(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    invoice, alice = await invoiced(wx_app, wx_client, "alice")
    receipt_id = invoice["receipt"]["id"]

    detail = (await wx_client.get(f"{FOLDER}/{receipt_id}", headers=alice)).json()

    assert detail["shown"] == {"name": "张*", "id_number": None}
    assert detail["invoice"] == {
        "buyer": {"kind": "personal", "name": "张*", "tax_id": None},
        "tax_rate": "9%",
        "net": invoice["net"],
        "tax": invoice["tax"],
        "reissue": {"allowed": True, "refusal": None},
    }

    company = {"kind": "company", "name": "广州示范科技有限公司", "tax_id": credit_code(4242)}
    again = await wx_client.post(
        f"{INVOICES}/{receipt_id}/reissue", json={"title": company}, headers=alice
    )
    assert again.status_code == 201, again.text
    new_id = again.json()["receipt"]["id"]
    new = (await wx_client.get(f"{FOLDER}/{new_id}", headers=alice)).json()
    assert new["invoice"]["buyer"]["kind"] == "company"
    assert new["invoice"]["buyer"]["name"] == "广州******公司"
    assert (
        new["invoice"]["buyer"]["tax_id"]
        == credit_code(4242)[:4] + "*" * 10 + credit_code(4242)[-4:]
    )
    assert new["invoice"]["reissue"]["allowed"] is True
    old = (await wx_client.get(f"{FOLDER}/{receipt_id}", headers=alice)).json()
    assert old["receipt"]["status"] == "reversed"
    assert old["invoice"]["reissue"] == {"allowed": False, "refusal": "invoice_not_valid"}
    red_id = old["receipt"]["reversed_by"]["id"]
    red = (await wx_client.get(f"{FOLDER}/{red_id}", headers=alice)).json()
    assert red["invoice"]["reissue"] == {"allowed": False, "refusal": "invoice_not_valid"}
    listed = (await wx_client.get(FOLDER, params={"kind": "transit"}, headers=alice)).json()
    assert len(listed["receipts"]) == 3


async def test_a_locked_invoice_says_why_it_cannot_be_reissued(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    invoice, alice = await invoiced(wx_app, wx_client, "alice")
    receipt_id = invoice["receipt"]["id"]
    party = await reimburser(wx_app)
    locked = await wx_client.post(LOCK, json=ref(invoice["receipt"]), headers=party.headers)
    assert locked.status_code == 200, locked.text

    detail = (await wx_client.get(f"{FOLDER}/{receipt_id}", headers=alice)).json()

    assert detail["reimbursement"]["state"] == "locked"
    assert detail["invoice"]["reissue"] == {"allowed": False, "refusal": "receipt_claimed_locked"}
    refused = await wx_client.post(
        f"{INVOICES}/{receipt_id}/reissue", json={"title": personal("李四")}, headers=alice
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        409,
        "receipt_claimed_locked",
    )
    await wx_client.post(UNLOCK, json=ref(invoice["receipt"]), headers=party.headers)
    unlocked = (await wx_client.get(f"{FOLDER}/{receipt_id}", headers=alice)).json()
    assert unlocked["invoice"]["reissue"] == {"allowed": True, "refusal": None}
