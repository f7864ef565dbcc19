"""The folder: claiming receipts by scan token, at most one folder per receipt, reading,
removing; and every way a request can miss."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.folder.models import FolderEntry
from backend.outbox.models import OutboxMessage
from backend.receipts.models import Receipt, ReceiptEvent
from backend.services import Services
from chain.receipt.bundle import verify_bundle
from tests.answers import error_code
from tests.factories import issuer_with_staff, receipt_request
from tests.folder.support import issue, reverse, scan_token
from tests.rows import column
from tests.wechat import login

FOLDER = "/api/v1/folder/receipts"
# A receipt id no test issues; fixed, so that parallel workers collect the same tests.
NOT_OURS = "8d2b6f41-95c3-4e7a-b0d8-1a6c3e9f5b27"


async def test_a_scanned_receipt_goes_into_the_folder(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    receipt = await issue(wx_client, cashier)
    alice = await login(wx_client, "demo-alice")

    added = await wx_client.post(FOLDER, json={"scan_token": scan_token(receipt)}, headers=alice)

    assert added.status_code == 201
    item = added.json()
    assert item["id"] == receipt["id"]
    assert item["total"] == "85.60"
    assert item["issuer"]["name"] == "广州测试医院"
    assert item["added_at"] == "2026-11-27T10:00:00+08:00"
    me = await wx_client.get("/api/v1/me", headers=alice)
    assert me.json() == {"openid": demo_openid("alice"), "folder_count": 1}
    events = await column(ReceiptEvent.filter(receipt_id=receipt["id"]), "type")
    assert "claimed" in events


async def test_adding_it_again_is_harmless(wx_app: Starlette, wx_client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(wx_app)
    token = scan_token(await issue(wx_client, cashier))
    alice = await login(wx_client, "demo-alice")
    await wx_client.post(FOLDER, json={"scan_token": token}, headers=alice)

    again = await wx_client.post(FOLDER, json={"scan_token": token}, headers=alice)

    assert again.status_code == 200
    assert await FolderEntry.all().count() == 1
    assert await ReceiptEvent.filter(type="claimed").count() == 1


async def test_a_receipt_in_another_folder_is_409_without_saying_whose(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    token = scan_token(await issue(wx_client, cashier))
    alice = await login(wx_client, "demo-alice")
    bob = await login(wx_client, "demo-bob")
    await wx_client.post(FOLDER, json={"scan_token": token}, headers=alice)

    response = await wx_client.post(FOLDER, json={"scan_token": token}, headers=bob)

    assert response.status_code == 409
    assert set(response.json()["error"]) == {"code", "message"}
    assert error_code(response) == "in_another_folder"
    assert "another folder" in response.json()["error"]["message"]
    assert demo_openid("alice") not in response.text and "alice" not in response.text
    assert (await wx_client.get("/api/v1/me", headers=bob)).json()["folder_count"] == 0


async def test_two_users_claiming_at_once_one_wins(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    token = scan_token(await issue(wx_client, cashier))
    users = [await login(wx_client, f"demo-racer{n}") for n in range(4)]

    answers = await asyncio.gather(
        *(wx_client.post(FOLDER, json={"scan_token": token}, headers=h) for h in users)
    )

    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert await FolderEntry.all().count() == 1


async def test_an_unknown_scan_token_is_404(wx_client: httpx.AsyncClient) -> None:
    alice = await login(wx_client, "demo-alice")

    response = await wx_client.post(FOLDER, json={"scan_token": "A" * 32}, headers=alice)

    assert (response.status_code, error_code(response)) == (404, "scan_token_not_found")
    assert await FolderEntry.all().count() == 0


async def test_a_revoked_scan_token_is_404_and_the_new_one_works(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    receipt = await issue(wx_client, cashier)
    reprint = await wx_client.post(
        f"/api/v1/hospital/receipts/{receipt['id']}/scan-token", headers=cashier.headers
    )
    assert reprint.status_code == 201
    alice = await login(wx_client, "demo-alice")

    old = await wx_client.post(FOLDER, json={"scan_token": scan_token(receipt)}, headers=alice)

    assert (old.status_code, error_code(old)) == (404, "scan_token_not_found")
    assert await FolderEntry.all().count() == 0
    new = await wx_client.post(
        FOLDER, json={"scan_token": scan_token(reprint.json())}, headers=alice
    )
    assert new.status_code == 201


@pytest.mark.parametrize(
    "body",
    [{}, {"scan_token": ""}, {"scan_token": "has space"}, {"scan_token": "x" * 65}, {"id": 1}],
)
async def test_a_bad_add_body_is_422(wx_client: httpx.AsyncClient, body: object) -> None:
    alice = await login(wx_client, "demo-alice")

    response = await wx_client.post(FOLDER, json=body, headers=alice)

    assert (response.status_code, error_code(response)) == (422, "validation_failed")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", FOLDER),
        ("GET", FOLDER),
        ("GET", "/api/v1/folder/totals"),
        ("GET", f"{FOLDER}/{NOT_OURS}"),
        ("GET", f"{FOLDER}/{NOT_OURS}/proof"),
        ("DELETE", f"{FOLDER}/{NOT_OURS}"),
        ("GET", "/api/v1/me"),
    ],
)
async def test_every_folder_endpoint_needs_a_session(
    wx_client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await wx_client.request(method, path, json={"scan_token": "A" * 32})

    assert (response.status_code, error_code(response)) == (401, "missing_session_token")


async def test_a_revoked_session_cannot_use_the_folder(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    token = scan_token(await issue(wx_client, cashier))
    alice = await login(wx_client, "demo-alice")
    await wx_client.post("/api/v1/wx/logout", headers=alice)

    response = await wx_client.post(FOLDER, json={"scan_token": token}, headers=alice)

    assert (response.status_code, error_code(response)) == (401, "session_revoked")
    assert await FolderEntry.all().count() == 0


async def test_the_detail_shows_the_whole_receipt(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    receipt = await issue(wx_client, cashier)
    alice = await login(wx_client, "demo-alice")
    await wx_client.post(FOLDER, json={"scan_token": scan_token(receipt)}, headers=alice)

    response = await wx_client.get(f"{FOLDER}/{receipt['id']}", headers=alice)

    assert response.status_code == 200
    detail = response.json()
    assert detail["added_at"] == "2026-11-27T10:00:00+08:00"
    assert detail["receipt"]["id"] == receipt["id"]
    assert detail["receipt"]["check_code"] == receipt["check_code"]
    assert [i["name"] for i in detail["receipt"]["items"]] == ["阿莫西林胶囊", "血常规"]
    assert detail["receipt"]["scan_url"] == receipt["scan_url"]
    assert detail["receipt"]["ledger"]["state"] == "pending"


async def test_the_detail_shows_a_reversal(wx_app: Starlette, wx_client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(wx_app)
    receipt = await issue(wx_client, cashier)
    alice = await login(wx_client, "demo-alice")
    await wx_client.post(FOLDER, json={"scan_token": scan_token(receipt)}, headers=alice)
    red = await reverse(wx_client, cashier, receipt["id"])

    detail = (await wx_client.get(f"{FOLDER}/{receipt['id']}", headers=alice)).json()

    assert detail["receipt"]["status"] == "reversed"
    assert detail["receipt"]["reversed_by"]["id"] == red["id"]


async def test_someone_elses_receipt_is_404(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    kept = await issue(wx_client, cashier)
    unclaimed = await issue(wx_client, cashier)
    alice = await login(wx_client, "demo-alice")
    bob = await login(wx_client, "demo-bob")
    await wx_client.post(FOLDER, json={"scan_token": scan_token(kept)}, headers=alice)

    for receipt_id in (kept["id"], unclaimed["id"], str(uuid.uuid4()), "not-a-uuid"):
        read = await wx_client.get(f"{FOLDER}/{receipt_id}", headers=bob)
        removed = await wx_client.delete(f"{FOLDER}/{receipt_id}", headers=bob)
        assert (read.status_code, error_code(read)) == (404, "not_in_folder")
        assert (removed.status_code, error_code(removed)) == (404, "not_in_folder")
        assert "alice" not in read.text
    assert await FolderEntry.filter(receipt_id=kept["id"]).count() == 1


async def test_the_folders_owner_gets_the_proof_that_opens_the_personal_fields(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    receipt = await issue(wx_client, cashier)
    alice = await login(wx_client, "demo-alice")
    bob = await login(wx_client, "demo-bob")
    await wx_client.post(FOLDER, json={"scan_token": scan_token(receipt)}, headers=alice)
    pending = await wx_client.get(f"{FOLDER}/{receipt['id']}/proof", headers=alice)
    assert (pending.status_code, error_code(pending)) == (409, "not_yet_anchored")
    services: Services = wx_app.state.services
    await services.sequencer.integrate_once()

    response = await wx_client.get(f"{FOLDER}/{receipt['id']}/proof", headers=alice)

    assert response.status_code == 200, response.text
    log_key = (await wx_client.get("/ledger/key")).text.strip()
    report = verify_bundle(response.content, log_key=log_key)
    assert report.opened is not None
    assert (report.opened["payer.name"], report.opened["payer.id_number"]) == (
        "张三",
        "440106199001011235",
    )
    for receipt_id in (receipt["id"], str(uuid.uuid4()), "not-a-uuid"):
        other = await wx_client.get(f"{FOLDER}/{receipt_id}/proof", headers=bob)
        assert (other.status_code, error_code(other)) == (404, "not_in_folder")
        assert "张三" not in other.text


async def test_removing_keeps_the_receipt_and_frees_it_for_others(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(wx_app)
    receipt = await issue(wx_client, cashier)
    token = scan_token(receipt)
    alice = await login(wx_client, "demo-alice")
    bob = await login(wx_client, "demo-bob")
    await wx_client.post(FOLDER, json={"scan_token": token}, headers=alice)

    removed = await wx_client.delete(f"{FOLDER}/{receipt['id']}", headers=alice)

    assert removed.status_code == 204
    assert await Receipt.filter(id=receipt["id"]).count() == 1
    assert (await wx_client.get(FOLDER, headers=alice)).json()["receipts"] == []
    again = await wx_client.delete(f"{FOLDER}/{receipt['id']}", headers=alice)
    assert (again.status_code, error_code(again)) == (404, "not_in_folder")
    events = await column(ReceiptEvent.filter(receipt_id=receipt["id"]), "type")
    assert "unclaimed" in events
    claimed = await wx_client.post(FOLDER, json={"scan_token": token}, headers=bob)
    assert claimed.status_code == 201


async def test_a_folder_receipt_can_be_emailed(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    rider = await login(wx_client, "demo-mail")
    cashier = await issuer_with_staff(wx_app)
    issued = (
        await wx_client.post(
            "/api/v1/hospital/receipts",
            json=receipt_request(payer={"name": "张三"}),
            headers=cashier.headers,
        )
    ).json()
    token = issued["scan_url"].rsplit("/", 1)[1]
    await wx_client.post("/api/v1/folder/receipts", json={"scan_token": token}, headers=rider)
    path = f"/api/v1/folder/receipts/{issued['id']}/email"
    queued = await wx_client.post(path, json={"to": "me@example.com"}, headers=rider)
    assert queued.status_code == 202, queued.text
    assert await OutboxMessage.filter(receipt_id=issued["id"]).count() == 1
    stranger = await login(wx_client, "demo-stranger")
    refused = await wx_client.post(path, json={"to": "me@example.com"}, headers=stranger)
    assert refused.status_code == 404
    bad = await wx_client.post(path, json={"to": "nope"}, headers=rider)
    assert bad.status_code == 400
