"""A folder receipt in detail, its PDF, filters, and what removing one leaves alone: a
reimbursing party's lock, the ledger. Every request for a receipt that is not the user's, or
for no receipt at all, is a 4xx JSON answer."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from backend.anchoring.models import LedgerEntry
from backend.receipts.models import Receipt, ReceiptStatus
from backend.services import Services
from backend.verify.models import ClaimState, ReimbursementClaim
from tests.answers import error_code
from tests.documents.support import text_of, write
from tests.factories import issuer_with_staff
from tests.folder.support import HOSTILE_IDS, issue, kept, reverse, scan_token
from tests.verify.support import ref, reimburser
from tests.wechat import login

FOLDER = "/api/v1/folder/receipts"
LOCK = "/api/v1/reimbursements/lock"
CLOSE = "/api/v1/reimbursements/close"


async def test_the_detail_masks_the_payer_and_says_where_it_stands(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    receipt, alice = await kept(wx_app, wx_client, "alice")

    detail = (await wx_client.get(f"{FOLDER}/{receipt['id']}", headers=alice)).json()

    assert detail["shown"] == {"name": "张*", "id_number": "4401**********1235"}
    assert detail["reimbursement"] == {"state": "available", "since": None}
    assert detail["invoice"] is None
    assert detail["verify_url"].startswith("https://piaojia.test/verify?code=")
    assert f"number={receipt['number']}" in detail["verify_url"]
    assert f"check={receipt['check_code']}" in detail["verify_url"]
    listed = (await wx_client.get(FOLDER, headers=alice)).json()["receipts"]
    assert [item["reimbursement"] for item in listed] == ["available"]


async def test_the_owner_gets_the_signed_pdf(
    wx_app: Starlette, wx_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    receipt, alice = await kept(wx_app, wx_client, "alice")

    response = await wx_client.get(f"{FOLDER}/{receipt['id']}/receipt.pdf", headers=alice)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    text = text_of(write(tmp_path, "receipt", response.content))
    assert receipt["number"] in text and "4401**********1235" in text
    again = await wx_client.get(
        f"{FOLDER}/{receipt['id']}/receipt.pdf",
        headers=alice | {"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("receipt_id", HOSTILE_IDS)
async def test_no_pdf_of_a_receipt_that_is_not_yours(
    wx_app: Starlette, wx_client: httpx.AsyncClient, receipt_id: str
) -> None:
    receipt, _alice = await kept(wx_app, wx_client, "alice")
    bob = await login(wx_client, "demo-bob")

    for target in (receipt["id"], receipt_id):
        for path in (f"{FOLDER}/{target}/receipt.pdf", f"{FOLDER}/{target}"):
            response = await wx_client.get(path, headers=bob)
            assert response.status_code == 404, (path, response.text)
            # An id with a slash in it names no route at all: 404 all the same.
            assert error_code(response) in {"not_in_folder", "no_such_endpoint"}
            assert not response.content.startswith(b"%PDF")
    anonymous = await wx_client.get(f"{FOLDER}/{receipt['id']}/receipt.pdf")
    assert (anonymous.status_code, error_code(anonymous)) == (401, "missing_session_token")


async def test_a_locked_receipt_shows_it_and_leaving_the_folder_keeps_the_lock_and_ledger(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    receipt, alice = await kept(wx_app, wx_client, "alice")
    services: Services = wx_app.state.services
    await services.sequencer.integrate_once()
    party = await reimburser(wx_app)
    locked = await wx_client.post(LOCK, json=ref(receipt), headers=party.headers)
    assert locked.status_code == 200, locked.text

    detail = (await wx_client.get(f"{FOLDER}/{receipt['id']}", headers=alice)).json()
    assert detail["reimbursement"]["state"] == "locked"
    assert detail["reimbursement"]["since"] == "2026-11-27T10:00:00+08:00"
    only_locked = await wx_client.get(FOLDER, params={"reimbursement": "locked"}, headers=alice)
    assert [i["id"] for i in only_locked.json()["receipts"]] == [receipt["id"]]
    assert only_locked.json()["receipts"][0]["reimbursement"] == "locked"
    closed = await wx_client.get(FOLDER, params={"reimbursement": "closed"}, headers=alice)
    assert closed.json()["receipts"] == []
    entries = await LedgerEntry.filter(receipt_id=receipt["id"]).count()
    assert entries >= 1

    removed = await wx_client.delete(f"{FOLDER}/{receipt['id']}", headers=alice)

    assert removed.status_code == 204
    claim = await ReimbursementClaim.get(receipt_id=receipt["id"])
    assert claim.state == ClaimState.LOCKED
    assert await LedgerEntry.filter(receipt_id=receipt["id"]).count() == entries
    stored = await Receipt.get(id=receipt["id"])
    assert stored.status == ReceiptStatus.VALID
    # Added again by its scan code, it is still locked.
    await wx_client.post(FOLDER, json={"scan_token": scan_token(receipt)}, headers=alice)
    back = (await wx_client.get(f"{FOLDER}/{receipt['id']}", headers=alice)).json()
    assert back["reimbursement"]["state"] == "locked"


async def test_the_list_filters_by_text_kind_and_status(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    first, alice = await kept(wx_app, wx_client, "alice")
    other = await issuer_with_staff(wx_app, name="广州市第二人民医院")
    second = await issue(wx_client, other)
    await wx_client.post(FOLDER, json={"scan_token": scan_token(second)}, headers=alice)
    await reverse(wx_client, other, second["id"])
    third = await issue(wx_client, first["_cashier"])  # numbers count per issuer: a new one
    await wx_client.post(FOLDER, json={"scan_token": scan_token(third)}, headers=alice)
    everything = sorted([first["id"], second["id"], third["id"]])

    async def ids(**params: str) -> list[str]:
        answer = await wx_client.get(FOLDER, params=params, headers=alice)
        assert answer.status_code == 200, answer.text
        return sorted(item["id"] for item in answer.json()["receipts"])

    assert await ids(q="第二") == [second["id"]]
    assert await ids(q="医院") == everything
    assert await ids(q="测试") == sorted([first["id"], third["id"]])
    assert await ids(q=third["number"]) == [third["id"]]
    assert await ids(q=third["code"] + third["number"]) == [third["id"]]  # as an invoice prints
    assert third["id"] in await ids(q=third["code"] + third["number"][:-1])  # typed so far
    assert await ids(q="  ") == everything
    assert await ids(q="不存在的医院") == []
    assert await ids(q="%_") == []  # LIKE's wildcards are plain characters here
    assert await ids(status="reversed") == [second["id"]]
    assert await ids(status="valid", q="第二") == []
    assert await ids(kind="transit") == []
    assert await ids(kind="medical", q="医院") == everything


@pytest.mark.parametrize(
    "params",
    [
        {"q": "医院\x00"},
        {"q": "x" * 41},
        {"q": "\u202e医院"},
        {"reimbursement": "available"},
        {"reimbursement": "x"},
        {"status": "locked"},
        {"kind": "医疗"},
    ],
)
async def test_a_bad_filter_is_422(
    wx_app: Starlette, wx_client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    _receipt, alice = await kept(wx_app, wx_client, "alice")

    response = await wx_client.get(FOLDER, params=params, headers=alice)

    assert (response.status_code, error_code(response)) == (422, "validation_failed")


async def test_a_closed_receipt_reads_as_reimbursed(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    receipt, alice = await kept(wx_app, wx_client, "alice")
    party = await reimburser(wx_app)
    await wx_client.post(LOCK, json=ref(receipt), headers=party.headers)
    closed = await wx_client.post(CLOSE, json=ref(receipt), headers=party.headers)
    assert closed.status_code == 200, closed.text

    detail = (await wx_client.get(f"{FOLDER}/{receipt['id']}", headers=alice)).json()

    assert detail["reimbursement"]["state"] == "closed"
    listed = await wx_client.get(FOLDER, params={"reimbursement": "closed"}, headers=alice)
    assert [i["id"] for i in listed.json()["receipts"]] == [receipt["id"]]
