"""Opening a receipt by its scan token: H5 page, JSON, masking, opens, revocation, limits."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest
from starlette.applications import Starlette

from backend.app import create_app
from backend.config import Settings
from backend.outbox.models import OutboxMessage
from backend.receipts.models import ReceiptEvent
from backend.scan import services as scan_services
from backend.services import Services
from tests.factories import issuer_with_staff, receipt_request
from tests.lifespan import lifespan

URL = "/api/v1/hospital/receipts"
JSON = {"Accept": "application/json"}


async def issue(app: Starlette, client: httpx.AsyncClient, **changes: object) -> dict[str, str]:
    cashier = await issuer_with_staff(app)
    response = await client.post(URL, json=receipt_request(**changes), headers=cashier.headers)
    body: dict[str, str] = response.json()
    body["_key"] = cashier.key
    return body


def path_of(scan_url: str) -> str:
    return scan_url.removeprefix("https://piaojia.test")


async def test_a_browser_gets_the_page_and_a_client_gets_json(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    issued = await issue(app, client, payer={"name": "张小三", "id_number": "440106199001011235"})
    page = await client.get(path_of(issued["scan_url"]), headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    for shown in (
        "广州测试医院",
        "85.60",
        "捌拾伍元陆角整",
        "查看电子票据",
        "发送到邮箱",
        "加入票夹",
        "阿莫西林胶囊",
        "医保统筹基金支付",
        "张*三",
    ):
        assert shown in text, shown
    assert "张小三" not in text and "440106199001011235" not in text
    assert page.headers["cache-control"] == "no-store"

    data = (await client.get(path_of(issued["scan_url"]), headers=JSON)).json()
    assert data["receipt"]["payer"] == {"name": "张*三", "id_number": "4401**********1235"}
    assert data["receipt"]["total_in_capitals"] == "捌拾伍元陆角整"
    assert data["receipt"]["status"] == "valid"
    assert data["ledger"]["state"] == "pending"
    as_query = await client.get(path_of(issued["scan_url"]) + "?format=json")
    assert as_query.json()["receipt"]["number"] == issued["number"]


async def test_opens_are_written_to_the_event_trail(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    services: Services = app.state.services
    issued = await issue(app, client)
    for _ in range(3):
        await client.get(path_of(issued["scan_url"]), headers=JSON)
    assert await services.scan.flush_opens() == 1
    opened = await ReceiptEvent.filter(receipt_id=issued["id"], type="opened")
    assert [event.detail for event in opened] == [{"times": "3"}]
    assert await services.scan.flush_opens() == 0


async def test_the_scan_follows_the_ledger_and_a_reversal(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    services: Services = app.state.services
    issued = await issue(app, client)
    await services.sequencer.integrate_once()
    data = (await client.get(path_of(issued["scan_url"]), headers=JSON)).json()
    assert data["ledger"] == {"state": "anchored", "leaf_index": 0}
    assert [(i["name"], i["quantity"], i["amount"]) for i in data["receipt"]["items"]] == [
        ("阿莫西林胶囊", "2", "25.60"),
        ("血常规", "1", "60.00"),
    ]
    assert data["receipt"]["visit"]["type"] == "门诊"
    assert data["receipt"]["issued_at"].endswith("+08:00")
    assert (data["receipt"]["reverses"], data["receipt"]["reversed"]) == (None, False)

    cashier = {"Authorization": f"Bearer {issued['_key']}"}
    red = await client.post(
        f"{URL}/{issued['id']}/reversal", json={"reason": "录入错误"}, headers=cashier
    )
    assert red.status_code == 201, red.text
    now = (await client.get(path_of(issued["scan_url"]), headers=JSON)).json()
    assert (now["receipt"]["status"], now["receipt"]["reversed"]) == ("reversed", True)
    red_scan = (await client.get(path_of(red.json()["scan_url"]), headers=JSON)).json()
    assert red_scan["receipt"]["reverses"] == {"code": issued["code"], "number": issued["number"]}
    assert red_scan["receipt"]["total"] == "-85.60"
    assert red_scan["ledger"]["state"] == "pending"
    page = await client.get(path_of(issued["scan_url"]), headers={"Accept": "text/html"})
    assert "已冲红" in page.text


async def test_a_busy_second_is_written_in_slices(
    app: Starlette, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_services, "FLUSH_SLICE", 2)
    services: Services = app.state.services
    opened = [await issue(app, client) for _ in range(3)]
    for issued in opened:
        await client.get(path_of(issued["scan_url"]), headers=JSON)
    assert await services.scan.flush_opens() == 3
    events = await ReceiptEvent.filter(type="opened").values_list("receipt_id", flat=True)
    assert sorted(str(receipt_id) for receipt_id in events) == sorted(i["id"] for i in opened)


async def test_opens_survive_a_failed_write(
    app: Starlette, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    services: Services = app.state.services
    issued = await issue(app, client)
    await client.get(path_of(issued["scan_url"]), headers=JSON)

    async def unreachable(*args: object) -> None:
        raise ConnectionError("database unreachable")

    write = scan_services._write_opens
    monkeypatch.setattr(scan_services, "_write_opens", unreachable)
    with pytest.raises(ConnectionError):
        await services.scan.flush_opens()
    monkeypatch.setattr(scan_services, "_write_opens", write)
    await client.get(path_of(issued["scan_url"]), headers=JSON)
    assert await services.scan.flush_opens() == 1
    opened = await ReceiptEvent.filter(receipt_id=issued["id"], type="opened")
    assert [event.detail for event in opened] == [{"times": "2"}]


async def test_unknown_and_revoked_tokens(app: Starlette, client: httpx.AsyncClient) -> None:
    issued = await issue(app, client)
    unknown = await client.get("/s/" + "A" * 32, headers={"Accept": "text/html"})
    assert unknown.status_code == 404 and "未找到票据" in unknown.text
    assert (await client.get("/s/short", headers=JSON)).json()["error"]["code"] == (
        "unknown_scan_token"
    )

    headers = {"Authorization": f"Bearer {issued['_key']}"}
    new = await client.post(f"{URL}/{issued['id']}/scan-token", headers=headers)
    assert new.status_code == 201
    old = await client.get(path_of(issued["scan_url"]), headers=JSON)
    assert old.status_code == 404
    fresh = await client.get(path_of(new.json()["scan_url"]), headers=JSON)
    assert fresh.json()["receipt"]["number"] == issued["number"]
    listed = await client.get(f"{URL}/{issued['id']}", headers=headers)
    assert listed.json()["scan_url"] == new.json()["scan_url"]

    other = await issuer_with_staff(app)
    foreign = await client.post(f"{URL}/{issued['id']}/scan-token", headers=other.headers)
    assert foreign.status_code == 404


async def test_proof_bundle_by_token(app: Starlette, client: httpx.AsyncClient) -> None:
    services: Services = app.state.services
    issued = await issue(app, client)
    await services.sequencer.integrate_once()
    bundle = (await client.get(path_of(issued["scan_url"]) + "/proof")).json()
    assert bundle["receipt"]["number"] == issued["number"]
    assert (await client.get("/s/" + "B" * 32 + "/proof")).status_code == 404


async def test_many_unknown_tokens_are_slowed_then_refused(settings: Settings) -> None:
    strict = create_app(replace(settings, scan_slow_after=3, scan_refuse_after=6))
    async with lifespan(strict):
        transport = httpx.ASGITransport(app=strict, client=("203.0.113.7", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            cashier = await issuer_with_staff(strict)
            issued = (await http.post(URL, json=receipt_request(), headers=cashier.headers)).json()
            statuses = []
            loop = asyncio.get_running_loop()
            started = loop.time()
            for n in range(1000):
                response = await http.get(f"/s/{n:032d}", headers=JSON)
                statuses.append(response.status_code)
                if response.status_code == 429:
                    break
            assert statuses[:6] == [404] * 6 and statuses[-1] == 429
            assert loop.time() - started > 0.3  # the last unknown tokens were answered slowly
            refused = await http.get(path_of(issued["scan_url"]), headers=JSON)
            assert refused.status_code == 429  # a refused client learns nothing, not even hits
            assert int(refused.headers["retry-after"]) >= 1
            assert refused.json()["error"]["code"] == "too_many_unknown_tokens"

        other = httpx.ASGITransport(app=strict, client=("198.51.100.9", 5000))
        async with httpx.AsyncClient(transport=other, base_url="https://piaojia.test") as http:
            ok = await http.get(path_of(issued["scan_url"]), headers=JSON)
            assert ok.status_code == 200  # limits are per address


async def test_a_copy_by_email_is_queued_not_sent(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    issued = await issue(app, client, payer={"name": "张三"})  # no address: nothing queued yet
    path = path_of(issued["scan_url"]) + "/email"
    queued = await client.post(path, json={"to": "li.si@example.com"})
    assert queued.status_code == 202, queued.text
    assert queued.json()["to"] == "l***@example.com"
    messages = await OutboxMessage.filter(receipt_id=issued["id"])
    assert len(messages) == 1

    form = await client.post(
        path,
        content="email=wang%40example.com",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 303
    page = await client.get(form.headers["location"], headers={"Accept": "text/html"})
    assert "w***@example.com" in page.text and "已加入发送队列" in page.text

    for bad in ({"to": "not an address"}, {"to": "a@example.com\r\nBcc: x@example.com"}, {}):
        refused = await client.post(path, json=bad)
        assert refused.status_code in (400, 422), refused.text
    unknown = await client.post("/s/" + "C" * 32 + "/email", json={"to": "a@example.com"})
    assert unknown.status_code == 404
    assert await OutboxMessage.filter(receipt_id=issued["id"]).count() == 2
