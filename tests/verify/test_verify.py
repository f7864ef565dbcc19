"""Public verification (查验): the answer, masking, proofs, enumeration, limits and tampering."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backend import sealing
from backend.anchoring.models import LedgerEntry
from backend.db import connection, dialect_sql
from backend.receipts.models import ReceiptEvent
from backend.services import Services
from backend.verify.models import VerificationCount
from chain.checkpoint import open_checkpoint
from chain.hashing import leaf_hash
from chain.note import NoteVerifier
from chain.receipt.canonical import canonical_json
from chain.verify import verify_inclusion
from tests.clock import FakeClock
from tests.factories import LOG_SIGNER, issuer_with_staff
from tests.verify.support import five, issue, ref

API = "/api/v1/verify"
PAGE = "/verify"


def verdict(page: str) -> str:
    """The result section of the H5 page."""
    start = page.index('id="result"')
    return page[start : page.index("</section>", start)]


async def integrate(app: Starlette) -> None:
    services: Services = app.state.services
    assert await services.sequencer.integrate_once() is not None


async def test_a_genuine_receipt_with_its_proof(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    await integrate(verify_app)
    response = await vclient.get(API, params=ref(issued))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    answer = response.json()
    assert answer["result"] == "genuine" and answer["genuine"] is True
    assert answer["problems"] == []
    receipt = answer["receipt"]
    assert (receipt["code"], receipt["number"]) == (issued["code"], issued["number"])
    assert receipt["status"] == "valid"
    assert receipt["total"] == "85.60" and receipt["total_in_capitals"] == "捌拾伍元陆角整"
    assert receipt["payer"] == {"name": "张*"}
    assert receipt["issuer"]["name"] == "广州测试医院"
    assert answer["reimbursement"] == {"state": "available", "since": None, "by": None}
    assert answer["verifications"] == {"today": 1, "total": 1, "daily_limit": 5}
    # No personal data beyond the masked name: not the full name, ID number or email.
    for secret in ("张三", "440106199001011235", "zhangsan@example.com"):
        assert secret not in response.text

    ledger = answer["ledger"]
    assert ledger["state"] == "anchored"
    [entry] = ledger["entries"]
    assert entry["event"] == "issued" and entry["leaf_index"] == 0
    # Anyone can check the proof with the log's public key alone.
    verifier = NoteVerifier.from_key_string(LOG_SIGNER.verifier().key_string())
    signed, _ = open_checkpoint(ledger["checkpoint"].encode(), [verifier])
    assert signed.checkpoint.size == ledger["tree_size"]
    proof = [base64.b64decode(h) for h in entry["inclusion_proof"]]
    verify_inclusion(
        entry["leaf_index"],
        ledger["tree_size"],
        leaf_hash(entry["statement"].encode()),
        proof,
        signed.checkpoint.root_hash,
    )
    statement = json.loads(entry["statement"])
    assert (statement["code"], statement["number"]) == (issued["code"], issued["number"])

    page = await vclient.get(PAGE, params=ref(issued))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for shown in ("票据真实", "广州测试医院", "85.60", "张*", "已上链", "今日查验次数", "2 / 5"):
        assert shown in page.text, shown
    assert "张三" not in page.text and "440106199001011235" not in page.text
    verified = await ReceiptEvent.filter(receipt_id=issued["id"], type="verified").count()
    assert verified == 2


async def test_a_pending_receipt_is_genuine_but_not_yet_anchored(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    answer = (await vclient.get(API, params=ref(issued))).json()
    assert answer["result"] == "genuine"
    assert answer["ledger"]["state"] == "pending"
    assert answer["ledger"]["tree_size"] is None
    assert answer["ledger"]["entries"][0]["leaf_index"] is None
    page = await vclient.get(PAGE, params=ref(issued))
    assert "上链中" in page.text


async def test_wrong_check_code_and_unknown_number_get_the_same_answer(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    wrong_check = "zzzzzz" if issued["check_code"] != "zzzzzz" else "yyyyyy"
    unknown_number = f"{int(issued['number']) + 1000:010d}"
    attempts = [
        ref(issued, check=wrong_check),
        ref(issued, number=unknown_number),
        ref(issued, code="99999999"),
        five(issued, date="2001-01-01"),
        five(issued, amount="85.61"),
    ]
    json_answers = [await vclient.get(API, params=params) for params in attempts]
    assert {r.status_code for r in json_answers} == {404}
    assert len({r.content for r in json_answers}) == 1
    assert json_answers[0].json()["error"]["code"] == "no_matching_receipt"
    pages = [await vclient.get(PAGE, params=params) for params in attempts]
    assert {p.status_code for p in pages} == {404}
    # The page echoes each request's own input back into its form; the verdict is the same.
    assert len({verdict(p.text) for p in pages}) == 1
    assert "查无此票" in verdict(pages[0].text)

    # Failed attempts neither count against the receipt nor leave a trace on it.
    assert await VerificationCount.filter(receipt_id=issued["id"]).count() == 0
    answer = await vclient.get(API, params=ref(issued, check=issued["check_code"].upper()))
    assert answer.json()["verifications"]["today"] == 1


async def test_each_receipt_is_verified_at_most_five_times_a_day(
    verify_app: Starlette, vclient: httpx.AsyncClient, clock: FakeClock
) -> None:
    issued = await issue(verify_app, vclient)
    todays = [(await vclient.get(API, params=ref(issued))).json() for _ in range(5)]
    assert [a["verifications"]["today"] for a in todays] == [1, 2, 3, 4, 5]
    refused = await vclient.get(API, params=ref(issued))
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "daily_verification_limit"
    assert 0 < int(refused.headers["retry-after"]) <= 86400
    page = await vclient.get(PAGE, params=ref(issued))
    assert page.status_code == 429 and "超过当日限制查验次数" in page.text
    # Another receipt is not affected.
    other = await issue(verify_app, vclient)
    assert (await vclient.get(API, params=ref(other))).status_code == 200

    clock.advance(timedelta(seconds=int(refused.headers["retry-after"])))
    tomorrow = (await vclient.get(API, params=ref(issued))).json()
    assert tomorrow["verifications"] == {"today": 1, "total": 6, "daily_limit": 5}


@pytest.mark.parametrize(
    "verify_app", [{"verify_daily_limit": 2}], ids=["daily_limit_2"], indirect=True
)
async def test_the_daily_limit_is_configurable(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    statuses = [(await vclient.get(API, params=ref(issued))).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize(
    "verify_app",
    [{"verify_slow_after": 2, "verify_refuse_after": 4}],
    ids=["slow_after_2"],
    indirect=True,
)
async def test_each_address_is_rate_limited(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)

    def client_at(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=verify_app, client=(address, 5000))
        return httpx.AsyncClient(transport=transport, base_url="https://piaojia.test")

    async with client_at("203.0.113.7") as busy, client_at("198.51.100.1") as calm:
        unknown = ref(issued, number="0000099999")
        statuses = [(await busy.get(API, params=unknown)).status_code for _ in range(4)]
        assert statuses == [404, 404, 404, 404]
        refused = await busy.get(API, params=ref(issued))
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "too_many_verifications"
        assert int(refused.headers["retry-after"]) >= 1
        assert (await calm.get(API, params=ref(issued))).status_code == 200


TAMPERING = {
    "total": "UPDATE receipt SET total_fen = total_fen - 100 WHERE id = $1",
    "payer": "UPDATE receipt SET payer_name = $1 WHERE id = $2",
    "item": "UPDATE line_item SET amount_fen = amount_fen + 1 WHERE receipt_id = $1",
    "issue time": "UPDATE receipt SET visit_number = 'MZ0' WHERE id = $1",
}


@pytest.mark.parametrize("what", sorted(TAMPERING))
async def test_a_receipt_changed_behind_the_systems_back_is_tampered(
    verify_app: Starlette, vclient: httpx.AsyncClient, what: str
) -> None:
    issued = await issue(verify_app, vclient)
    await integrate(verify_app)
    assert (await vclient.get(API, params=ref(issued))).json()["genuine"] is True

    conn = connection()
    # The payer's name is sealed at rest: the change is a well-formed seal of another name, as
    # only someone holding the key could make (anything else fails to open, loudly).
    extra = [sealing.seal("李四", "receipt.payer_name")] if what == "payer" else []
    await conn.execute_query(dialect_sql(conn, TAMPERING[what]), [*extra, issued["id"]])

    answer = (await vclient.get(API, params=ref(issued))).json()
    assert answer["result"] == "tampered" and answer["genuine"] is False
    assert any("commits to" in problem for problem in answer["problems"])
    page = await vclient.get(PAGE, params=ref(issued))
    assert page.status_code == 200
    assert "票据数据与账本不符" in page.text and "票据真实" not in page.text


async def test_a_tampered_pending_receipt_is_caught_before_integration(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    conn = connection()
    await conn.execute_query(dialect_sql(conn, TAMPERING["total"]), [issued["id"]])
    assert (await vclient.get(API, params=ref(issued))).json()["result"] == "tampered"


async def test_rewriting_the_ledger_row_as_well_is_caught_by_the_tree(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    issued = await issue(verify_app, vclient)
    await integrate(verify_app)
    conn = connection()
    await conn.execute_query(dialect_sql(conn, TAMPERING["total"]), [issued["id"]])
    # The forger also recomputes the commitment in the stored statement from the changed row.
    entry = await LedgerEntry.get(receipt_id=issued["id"], event="issued")
    fields = json.loads(bytes(entry.statement))
    fields["commitment"] = await _recomputed(entry)
    entry.statement = canonical_json(fields)
    await entry.save(update_fields=["statement"])

    answer = (await vclient.get(API, params=ref(issued))).json()
    assert answer["result"] == "tampered"
    assert (
        answer["problems"] == [p for p in answer["problems"] if "not proven by the tree" in p]
        and answer["problems"]
    )


async def _recomputed(entry: LedgerEntry) -> str:
    """The commitment a forger computes for ``entry`` from the changed receipt row."""
    from backend.anchoring.commitments import expected_commitment, form_of
    from backend.receipts.canonical import ReceiptDocument
    from backend.receipts.models import LineItem, Receipt

    receipt = await Receipt.get(id=entry.receipt_id).select_related("issuer")  # type: ignore[attr-defined]
    items = list(await LineItem.filter(receipt_id=receipt.id))
    form = form_of(await LedgerEntry.filter(receipt_id=receipt.id))
    return expected_commitment(entry, form, ReceiptDocument(receipt, receipt.issuer, items))


async def test_an_issuer_can_require_all_five_elements(
    verify_app: Starlette, vclient: httpx.AsyncClient
) -> None:
    from backend.issuers.models import StaffRole
    from tests.factories import staff_of

    cashier = await issuer_with_staff(verify_app)
    admin = await staff_of(verify_app, cashier.issuer_id, StaffRole.ADMIN)
    issued = await issue(verify_app, vclient, cashier)
    rule = await vclient.put("/api/v1/verify/rule", json={"elements": 5}, headers=admin.headers)
    assert rule.status_code == 200 and rule.json()["elements"] == 5
    bad_rule = await vclient.put("/api/v1/verify/rule", json={"elements": 4}, headers=admin.headers)
    assert bad_rule.status_code == 422
    by_cashier = await vclient.put(
        "/api/v1/verify/rule", json={"elements": 3}, headers=cashier.headers
    )
    assert by_cashier.status_code == 403

    three = await vclient.get(API, params=ref(issued))
    unknown = await vclient.get(API, params=ref(issued, number="0000099999"))
    assert three.status_code == 404 and three.content == unknown.content
    assert (await vclient.get(API, params=five(issued))).status_code == 200
    compact = five(issued, date=issued["issued_at"][:10].replace("-", ""))
    assert (await vclient.get(API, params=compact)).json()["genuine"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"code": "4406012X", "number": "0000000001", "check": "abc123"}, "code"),
        ({"code": "44060126", "number": "1", "check": "abc123"}, "number"),
        ({"code": "44060126", "number": "0000000001", "check": "abc-12"}, "check"),
        (
            {"code": "44060126", "number": "0000000001", "check": "abc123", "amount": "1e3"},
            "amount",
        ),
        (
            {"code": "44060126", "number": "0000000001", "check": "abc123", "date": "2026-13-01"},
            "date",
        ),
        ({"code": "44060126", "number": "0000000001"}, "check"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    vclient: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await vclient.get(API, params=params)
    assert response.status_code == 422
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert [problem["field"] for problem in error["fields"]] == [field]
    page = await vclient.get(PAGE, params=params)
    assert page.status_code == 422 and "请检查填写内容" in page.text


async def test_the_page_without_a_query_is_the_form(vclient: httpx.AsyncClient) -> None:
    page = await vclient.get(PAGE)
    assert page.status_code == 200
    for shown in ("电子票据查验", "票据代码", "票据号码", "校验码", "开票日期", "金额"):
        assert shown in page.text


async def test_the_page_escapes_what_it_echoes(vclient: httpx.AsyncClient) -> None:
    page = await vclient.get(
        PAGE, params={"code": "<script>x</script>", "number": "1", "check": "1"}
    )
    assert page.status_code == 422
    assert "<script>x" not in page.text and "&lt;script&gt;" in page.text
