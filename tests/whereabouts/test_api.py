"""The whereabouts API: trails, states, counts, unopened receipts, failed emails, CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import httpx
from starlette.applications import Starlette

from backend.issuers.models import StaffRole
from backend.receipts.models import Receipt, ReceiptEvent
from backend.receipts.schemas import CHINA_STANDARD_TIME
from backend.whereabouts.services import state_of
from tests.factories import Actor, issuer_with_staff, receipt_request, staff_of


async def _issue(client: httpx.AsyncClient, actor: Actor) -> str:
    answer = await client.post(
        "/api/v1/hospital/receipts", json=receipt_request(), headers=actor.headers
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def _event(receipt_id: str, kind: str, **detail: str) -> None:
    await ReceiptEvent.create(
        receipt_id=receipt_id, type=kind, at=datetime.now(UTC), detail=detail or None
    )


def test_state_follows_the_trail_in_order() -> None:
    assert state_of("valid", None, []) == "unopened"
    assert state_of("valid", None, ["issued", "opened", "email_sent"]) == "opened"
    assert state_of("valid", None, ["opened", "claimed"]) == "claimed"
    assert state_of("valid", None, ["opened", "claimed", "unclaimed"]) == "opened"
    assert state_of("valid", None, ["claimed", "verified", "locked"]) == "locked"
    assert state_of("valid", None, ["locked", "unlocked"]) == "unopened"
    assert state_of("valid", None, ["verified", "locked", "closed"]) == "closed"
    assert state_of("reversed", None, ["opened", "closed"]) == "reversed"
    assert state_of("valid", "some-original", ["opened"]) == "red"


async def test_stats_trail_list_and_csv(app: Starlette, wclient: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app, StaffRole.CASHIER)
    admin = await staff_of(app, cashier.issuer_id, StaffRole.ADMIN)
    ids = [await _issue(wclient, cashier) for _ in range(5)]
    await _event(ids[0], "opened")
    await _event(ids[1], "opened")
    await _event(ids[1], "claimed")
    await _event(ids[2], "email_queued")
    await _event(ids[2], "email_failed", reply="550 mailbox unavailable")
    reversal = await wclient.post(
        f"/api/v1/hospital/receipts/{ids[3]}/reversal",
        json={"reason": "错"},
        headers=cashier.headers,
    )
    assert reversal.status_code == 201
    # ids[4] was issued ten days ago and nobody opened it.
    old = datetime.now(UTC) - timedelta(days=10)
    await Receipt.filter(id=ids[4]).update(issued_at=old)
    await ReceiptEvent.filter(receipt_id=ids[4]).update(at=old)

    stats = await wclient.get("/api/v1/issuer/stats?unopened_days=7", headers=admin.headers)
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["total"] == 6
    assert {k: v for k, v in body["by_state"].items() if v} == {
        "opened": 1, "claimed": 1, "unopened": 2, "reversed": 1, "red": 1
    }  # fmt: skip
    today = datetime.now(CHINA_STANDARD_TIME).date().isoformat()
    days = {d["day"]: d for d in body["per_day"]}
    assert len(body["per_day"]) == 30 and days[today]["total"] == 5
    assert sum(d["total"] for d in body["per_day"]) == 6
    assert body["unopened_count"] == 1 and body["unopened"][0]["id"] == ids[4]
    assert body["failed_email_count"] == 1
    assert body["failed_emails"][0]["reason"] == "550 mailbox unavailable"
    assert body["emails"] == {"sent": 0, "failed": 1}

    trail = await wclient.get(f"/api/v1/issuer/receipts/{ids[1]}/events", headers=cashier.headers)
    assert [e["type"] for e in trail.json()["events"]] == [
        "issued",
        "email_queued",  # the sample payer gave an address
        "opened",
        "claimed",
    ]
    assert trail.json()["events"][0]["staff"] == "测试员"

    seen: list[str] = []
    cursor = None
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await wclient.get(f"/api/v1/issuer/receipts?{query}", headers=admin.headers)).json()
        seen += [r["id"] for r in page["receipts"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 6 and len(set(seen)) == 6 and ids[3] in seen
    only = await wclient.get("/api/v1/issuer/receipts?state=unopened", headers=admin.headers)
    assert {r["id"] for r in only.json()["receipts"]} == {ids[2], ids[4]}

    exported = await wclient.get("/api/v1/issuer/receipts.csv", headers=admin.headers)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 6
    by_id = {row["id"]: row for row in rows}
    assert by_id[ids[1]]["state"] == "claimed" and by_id[ids[2]]["emails_failed"] == "1"
    assert by_id[ids[0]]["total"] == "85.60" and by_id[ids[0]]["payer_name"] == "张三"


async def test_bad_queries_are_refused(app: Starlette, wclient: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app, StaffRole.CASHIER)
    cases = {
        "/api/v1/issuer/receipts?state=lost": (400, "invalid_state"),
        "/api/v1/issuer/receipts?cursor=zz": (400, "invalid_cursor"),
        "/api/v1/issuer/receipts?limit=0": (422, "validation_failed"),
        "/api/v1/issuer/stats?from=2026-02-01&to=2026-01-01": (400, "invalid_range"),
        "/api/v1/issuer/stats?from=2020-01-01&to=2026-01-01": (400, "invalid_range"),
        "/api/v1/issuer/stats?unopened_days=0": (422, "validation_failed"),
        "/api/v1/issuer/receipts/not-a-uuid/events": (404, "receipt_not_found"),
    }
    for path, (status, code) in cases.items():
        answer = await wclient.get(path, headers=cashier.headers)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), path
    assert (await wclient.get("/api/v1/issuer/stats")).status_code == 401
    operator = await issuer_with_staff(app, StaffRole.OPERATOR)
    refused = await wclient.get("/api/v1/issuer/stats", headers=operator.headers)
    assert refused.status_code == 403
