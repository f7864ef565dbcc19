"""Reimbursement: lock, unlock and close (WeChat's LOCK, INIT and CLOSURE), under concurrency."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette

from backend.anchoring.models import LedgerEntry
from backend.issuers.models import IssuerKind, StaffRole
from backend.receipts.models import ReceiptEvent
from backend.services import Services
from backend.verify.models import ClaimState, ReimbursementClaim
from tests.factories import issuer_with_staff, staff_of
from tests.verify.support import issue, ref, reimburser

LOCK = "/api/v1/reimbursements/lock"
UNLOCK = "/api/v1/reimbursements/unlock"
CLOSE = "/api/v1/reimbursements/close"
VERIFY = "/api/v1/verify"


async def ledger_events(receipt_id: str) -> list[str]:
    entries = await LedgerEntry.filter(receipt_id=receipt_id).order_by("id")
    return [entry.event for entry in entries]


async def test_lock_unlock_and_close(verify_app: Starlette, vclient: httpx.AsyncClient) -> None:
    issued = await issue(verify_app, vclient)
    first = await reimburser(verify_app, "广州市第一保险有限公司")
    second = await reimburser(verify_app, "深圳市第二科技有限公司")

    locked = await vclient.post(LOCK, json=ref(issued), headers=first.headers)
    assert locked.status_code == 200, locked.text
    assert locked.json()["state"] == "locked" and locked.json()["changed"] is True
    since = locked.json()["since"]
    # Locking again by the same party is an idempotent no-op.
    again = await vclient.post(LOCK, json=ref(issued), headers=first.headers)
    assert again.status_code == 200
    assert again.json()["since"] == since and again.json()["changed"] is False

    # Anyone verifying sees it is in process, and since when, not by whom.
    seen = (await vclient.get(VERIFY, params=ref(issued))).json()
    assert seen["reimbursement"] == {"state": "locked", "since": since, "by": None}
    assert seen["receipt"]["status"] == "valid"

    # Another party can neither lock nor unlock nor close it; the answer does not name the holder.
    for url in (LOCK, UNLOCK, CLOSE):
        refused = await vclient.post(url, json=ref(issued), headers=second.headers)
        assert refused.status_code == 409, url
        error = refused.json()["error"]
        assert error["code"] == "already_claimed"
        assert error["since"] == since and error["state"] == "locked"
        assert "第一" not in refused.text

    unlocked = await vclient.post(UNLOCK, json=ref(issued), headers=first.headers)
    assert unlocked.status_code == 200 and unlocked.json()["state"] == "available"
    not_locked = await vclient.post(UNLOCK, json=ref(issued), headers=first.headers)
    assert not_locked.json()["error"]["code"] == "not_locked"
    early_close = await vclient.post(CLOSE, json=ref(issued), headers=second.headers)
    assert early_close.json()["error"]["code"] == "not_locked"

    assert (await vclient.post(LOCK, json=ref(issued), headers=second.headers)).status_code == 200
    closed = await vclient.post(CLOSE, json=ref(issued), headers=second.headers)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    closed_at = closed.json()["since"]
    repeat = await vclient.post(CLOSE, json=ref(issued), headers=second.headers)
    assert repeat.status_code == 200 and repeat.json()["changed"] is False

    after = await vclient.post(UNLOCK, json=ref(issued), headers=second.headers)
    assert after.status_code == 409 and after.json()["error"]["code"] == "already_closed"
    late = await vclient.post(LOCK, json=ref(issued), headers=first.headers)
    assert late.status_code == 409
    assert late.json()["error"]["state"] == "closed" and late.json()["error"]["since"] == closed_at

    # Reimbursed: by whom (masked) and when.
    seen = (await vclient.get(VERIFY, params=ref(issued))).json()
    assert seen["receipt"]["status"] == "reimbursed"
    assert seen["reimbursement"] == {"state": "closed", "since": closed_at, "by": "深圳*******公司"}
    assert "深圳市第二科技有限公司" not in str(seen)

    # Each change is a ledger event and a whereabouts step, and the receipt stays genuine.
    assert await ledger_events(issued["id"]) == ["issued", "locked", "unlocked", "locked", "closed"]
    steps = await ReceiptEvent.filter(receipt_id=issued["id"]).order_by("id")
    # (The sample payer gave an email address, so a copy was queued with the issue.)
    assert [s.type for s in steps if s.type not in ("verified", "email_queued")] == [
        "issued",
        "locked",
        "unlocked",
        "locked",
        "closed",
    ]
    services: Services = verify_app.state.services
    await services.sequencer.integrate_once()
    proven = (await vclient.get(VERIFY, params=ref(issued))).json()
    assert proven["genuine"] is True
    assert [e["event"] for e in proven["ledger"]["entries"]] == [
        "issued",
        "locked",
        "unlocked",
        "locked",
        "closed",
    ]
    assert all(e["leaf_index"] is not None for e in proven["ledger"]["entries"])


async def race(
    client: httpx.AsyncClient, url: str, body: dict[str, str], keys: list[dict[str, str]]
) -> list[httpx.Response]:
    return list(await asyncio.gather(*(client.post(url, json=body, headers=k) for k in keys)))


async def test_twenty_reimbursers_racing_exactly_one_wins(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    parties = [await reimburser(verify_app, f"测试报销单位{n:02d}有限公司") for n in range(20)]
    keys = [party.headers for party in parties]

    # First round: no claim row yet, so the unique receipt column decides.
    answers = await race(vclient, LOCK, ref(issued), keys)
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * 19
    winner = next(n for n, a in enumerate(answers) if a.status_code == 200)
    since = answers[winner].json()["since"]
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["error"]["code"] == "already_claimed"
            assert answer.json()["error"]["since"] == since
    claims = await ReimbursementClaim.filter(receipt_id=issued["id"])
    assert len(claims) == 1 and claims[0].state == ClaimState.LOCKED
    assert claims[0].party_id == parties[winner].issuer_id  # type: ignore[attr-defined]
    assert await ledger_events(issued["id"]) == ["issued", "locked"]

    # Second round: the row exists (unlocked), so the conditional update decides.
    unlocked = await vclient.post(UNLOCK, json=ref(issued), headers=keys[winner])
    assert unlocked.status_code == 200
    answers = await race(vclient, LOCK, ref(issued), keys)
    assert sorted(a.status_code for a in answers) == [200] + [409] * 19
    assert await ledger_events(issued["id"]) == ["issued", "locked", "unlocked", "locked"]
    assert await ReceiptEvent.filter(receipt_id=issued["id"], type="locked").count() == 2


async def test_racing_closures_and_unlocks_of_one_lock(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    party = await reimburser(verify_app)
    colleagues = [
        await staff_of(verify_app, party.issuer_id, StaffRole.REIMBURSER) for _ in range(9)
    ]
    assert (await vclient.post(LOCK, json=ref(issued), headers=party.headers)).status_code == 200
    answers = await asyncio.gather(
        *(
            vclient.post(CLOSE if n % 2 else UNLOCK, json=ref(issued), headers=c.headers)
            for n, c in enumerate(colleagues)
        )
    )
    events = await ledger_events(issued["id"])
    # Whichever came first, exactly one state change happened after the lock.
    assert len(events) == 3 and events[:2] == ["issued", "locked"]
    changed = [a for a in answers if a.status_code == 200 and a.json()["changed"]]
    assert (
        len(changed) == 1
        and changed[0].json()["state"]
        == {
            "closed": "closed",
            "unlocked": "available",
        }[events[2]]
    )


async def test_a_reversed_receipt_cannot_be_locked(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    cashier = issued["_cashier"]
    reversal = await vclient.post(
        f"/api/v1/hospital/receipts/{issued['id']}/reversal",
        json={"reason": "开票有误"},
        headers={**cashier.headers, "Idempotency-Key": "a3f1c7f0-0000-4000-8000-000000000001"},
    )
    assert reversal.status_code == 201, reversal.text
    red = reversal.json()
    party = await reimburser(verify_app)

    refused = await vclient.post(LOCK, json=ref(issued), headers=party.headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "receipt_not_reimbursable"
    red_refused = await vclient.post(LOCK, json=ref(red), headers=party.headers)
    assert red_refused.json()["error"]["code"] == "receipt_not_reimbursable"

    seen = (await vclient.get(VERIFY, params=ref(issued))).json()
    assert seen["genuine"] is True and seen["receipt"]["status"] == "reversed"
    assert seen["receipt"]["reversed_by"] == {"code": red["code"], "number": red["number"]}
    red_seen = (await vclient.get(VERIFY, params=ref(red, amount="-85.60"))).json()
    assert red_seen["receipt"]["reverses"] == {"code": issued["code"], "number": issued["number"]}


async def test_a_receipt_locked_is_not_reversed_and_can_still_be_closed(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    party = await reimburser(verify_app)
    assert (await vclient.post(LOCK, json=ref(issued), headers=party.headers)).status_code == 200
    reversal = await vclient.post(
        f"/api/v1/hospital/receipts/{issued['id']}/reversal",
        json={"reason": "开票有误"},
        headers={
            **issued["_cashier"].headers,
            "Idempotency-Key": "b3f1c7f0-0000-4000-8000-0000000002",
        },
    )
    assert reversal.status_code == 409
    assert reversal.json()["error"]["code"] == "receipt_claimed_locked"
    closed = await vclient.post(CLOSE, json=ref(issued), headers=party.headers)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


async def test_a_tampered_receipt_cannot_be_locked(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    from backend.db import connection, dialect_sql

    issued = await issue(verify_app, vclient)
    conn = connection()
    sql = "UPDATE receipt SET total_fen = 1 WHERE id = $1"
    await conn.execute_query(dialect_sql(conn, sql), [issued["id"]])
    party = await reimburser(verify_app)
    refused = await vclient.post(LOCK, json=ref(issued), headers=party.headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "receipt_tampered"
    assert await ReimbursementClaim.filter(receipt_id=issued["id"]).count() == 0


async def test_only_reimbursing_parties_can_claim(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    hospital_reimburser = await issuer_with_staff(verify_app, StaffRole.REIMBURSER)
    refused = await vclient.post(LOCK, json=ref(issued), headers=hospital_reimburser.headers)
    assert refused.status_code == 403
    # The access rule refuses a hospital's key before the service is asked (which would
    # refuse it too, as not_a_reimbursing_party).
    assert refused.json()["error"]["code"] == "kind_not_allowed"
    by_cashier = await vclient.post(LOCK, json=ref(issued), headers=issued["_cashier"].headers)
    assert by_cashier.status_code == 403
    assert by_cashier.json()["error"]["code"] == "kind_not_allowed"
    party_cashier = await issuer_with_staff(
        verify_app, StaffRole.CASHIER, kind=IssuerKind.REIMBURSER
    )
    by_party_cashier = await vclient.post(LOCK, json=ref(issued), headers=party_cashier.headers)
    assert by_party_cashier.json()["error"]["code"] == "role_not_allowed"
    anonymous = await vclient.post(LOCK, json=ref(issued))
    assert anonymous.status_code == 401


async def test_claims_name_receipts_like_verification(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    party = await reimburser(verify_app)
    wrong = await vclient.post(LOCK, json=ref(issued, check="zzzzzz"), headers=party.headers)
    unknown = await vclient.post(LOCK, json=ref(issued, number="0000099999"), headers=party.headers)
    assert wrong.status_code == unknown.status_code == 404 and wrong.content == unknown.content
    extra = await vclient.post(LOCK, json={**ref(issued), "party": "x"}, headers=party.headers)
    assert extra.status_code == 422
    malformed = await vclient.post(
        LOCK, content=b"{", headers={**party.headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_json"
