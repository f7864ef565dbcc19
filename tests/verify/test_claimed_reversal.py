"""A receipt a reimbursing party holds is not reversed: locked, not until it is unlocked; closed,
never. Through every way in (hospital API, console 冲红), and under racing locks and reversals."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backend.issuers.models import StaffRole
from backend.receipts.models import Receipt, ReceiptStatus
from backend.verify.models import ClaimState, ReimbursementClaim
from tests.console.support import csrf_of, log_in, person
from tests.factories import Actor, staff_of
from tests.verify.support import issue, ref, reimburser

LOCK = "/api/v1/reimbursements/lock"
UNLOCK = "/api/v1/reimbursements/unlock"
CLOSE = "/api/v1/reimbursements/close"


def reversal(receipt_id: str) -> str:
    return f"/api/v1/hospital/receipts/{receipt_id}/reversal"


async def test_a_locked_receipt_is_reversed_only_once_unlocked(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    cashier = issued["_cashier"]
    party = await reimburser(verify_app)
    assert (await vclient.post(LOCK, json=ref(issued), headers=party.headers)).status_code == 200

    refused = await vclient.post(
        reversal(issued["id"]), json={"reason": "收错"}, headers=cashier.headers
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "receipt_claimed_locked"
    assert "解锁前不能冲红" in refused.json()["error"]["message"]
    # Nothing of the reversal was written: no red receipt, the original still valid.
    assert await Receipt.filter(reverses_id=issued["id"]).count() == 0
    assert (await Receipt.get(id=issued["id"])).status == ReceiptStatus.VALID

    assert (await vclient.post(UNLOCK, json=ref(issued), headers=party.headers)).status_code == 200
    reversed_ = await vclient.post(
        reversal(issued["id"]), json={"reason": "收错"}, headers=cashier.headers
    )
    assert reversed_.status_code == 201, reversed_.text
    # And the converse: a reversed receipt cannot be locked.
    relock = await vclient.post(LOCK, json=ref(issued), headers=party.headers)
    assert (
        relock.status_code == 409 and relock.json()["error"]["code"] == "receipt_not_reimbursable"
    )


async def test_a_closed_receipt_is_never_reversed(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    party = await reimburser(verify_app)
    assert (await vclient.post(LOCK, json=ref(issued), headers=party.headers)).status_code == 200
    assert (await vclient.post(CLOSE, json=ref(issued), headers=party.headers)).status_code == 200
    refused = await vclient.post(
        reversal(issued["id"]),
        json={"reason": "收错"},
        headers=issued["_cashier"].headers | {"Idempotency-Key": "closed-1"},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "receipt_claimed_closed"
    assert "不能冲红" in refused.json()["error"]["message"]
    assert (await Receipt.get(id=issued["id"])).status == ReceiptStatus.VALID


async def test_the_console_refuses_and_says_why(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    cashier = await person(verify_app, StaffRole.CASHIER)
    issued = await issue(verify_app, vclient, cashier=Actor(cashier.issuer_id, cashier.key))
    party = await reimburser(verify_app)
    assert (await vclient.post(LOCK, json=ref(issued), headers=party.headers)).status_code == 200
    await log_in(vclient, cashier.login)

    page = await vclient.get(f"/console/receipts/{issued['id']}")
    assert page.status_code == 200
    assert 'id="reverse-form"' not in page.text
    assert "解锁前不能冲红" in page.text
    # A form posted anyway (an old tab) is refused with the reason, in Chinese, at the
    # confirmation step already: no confirmation is offered for a reversal that would fail.
    posted = await vclient.post(
        f"/console/receipts/{issued['id']}/reversal/confirm",
        data={"csrf_token": csrf_of(page.text), "reason": "收错", "idempotency_key": "c-1"},
    )
    assert posted.status_code == 409
    assert "解锁前不能冲红" in posted.text
    assert (await Receipt.get(id=issued["id"])).status == ReceiptStatus.VALID


async def test_locks_and_reversals_racing_never_both_win(
    verify_app: Starlette, vclient: httpx.AsyncClient, database_url: str
) -> None:
    """20 concurrent attempts on each receipt, 10 locks and 10 reversals interleaved: either
    the receipt is reversed and no lock answered 200, or it is locked and stays valid."""
    if not database_url.startswith("postgres"):
        pytest.skip("the race needs a database that runs transactions at the same time")
    party = await reimburser(verify_app)
    lockers = [party] + [
        await staff_of(verify_app, party.issuer_id, StaffRole.REIMBURSER) for _ in range(9)
    ]
    outcomes: set[str] = set()
    for round_ in range(14):
        if round_ >= 8 and outcomes == {"reversed", "locked"}:
            break
        issued = await issue(verify_app, vclient)
        # The reversals start later round by round, so that locks win some rounds; on a busy
        # machine a lock takes longer, so rounds after the eighth wait longer still.
        delay = round_ * 0.04 if round_ < 8 else min(0.3 * 2 ** (round_ - 8), 5.0)
        locks, reversals = await _race(vclient, issued, lockers, delay=delay)
        receipt = await Receipt.get(id=issued["id"])
        claim = await ReimbursementClaim.get_or_none(receipt_id=issued["id"])
        held = claim is not None and claim.state != ClaimState.AVAILABLE
        if receipt.status == ReceiptStatus.REVERSED:
            assert reversals.count(201) == 1 and 200 not in locks and not held
            outcomes.add("reversed")
        else:
            assert 201 not in reversals and held and locks.count(200) >= 1
            assert await Receipt.filter(reverses_id=issued["id"]).count() == 0
            outcomes.add("locked")
    assert outcomes == {"reversed", "locked"}  # both orders were tried


async def _race(
    client: httpx.AsyncClient, issued: dict[str, Any], lockers: list[Actor], *, delay: float
) -> tuple[list[int], list[int]]:
    """10 locks and 10 reversals of ``issued`` at once; their statuses."""
    cashier = issued["_cashier"]

    async def lock(n: int) -> int:
        response = await client.post(LOCK, json=ref(issued), headers=lockers[n].headers)
        assert response.status_code in (200, 409), response.text
        return response.status_code

    async def reverse(n: int) -> int:
        await asyncio.sleep(delay)
        response = await client.post(
            reversal(issued["id"]), json={"reason": f"race {n}"}, headers=cashier.headers
        )
        assert response.status_code in (201, 409), response.text
        return response.status_code

    statuses = await asyncio.gather(
        *(lock(n // 2) if n % 2 else reverse(n // 2) for n in range(20))
    )
    return list(statuses[1::2]), list(statuses[0::2])
