"""The API's error answers: the same code and details in every language, the message in
Chinese when the client prefers Chinese."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from tests.factories import issuer_with_staff, receipt_request

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


async def test_a_domain_error_speaks_the_clients_language(client: httpx.AsyncClient) -> None:
    url = "/s/" + "x" * 32 + "?format=json"
    chinese = await client.get(url, headers=ZH)
    english = await client.get(url, headers=EN)
    bare = await client.get(url)

    assert chinese.status_code == english.status_code == bare.status_code == 404
    assert (
        chinese.json()["error"]["code"] == english.json()["error"]["code"] == "unknown_scan_token"
    )
    assert chinese.json()["error"]["message"].startswith("二维码无效或已失效")
    assert english.json()["error"]["message"] == "no receipt opens with this code"
    assert bare.json() == english.json()


async def test_field_errors_name_the_field_in_chinese_and_keep_their_details(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    body = receipt_request(
        payment={"fund": "0.00", "other": "0.00", "account": "0.00", "cash": "-1"}
    )
    url = "/api/v1/hospital/receipts"

    chinese = await client.post(url, json=body, headers=cashier.headers | ZH)
    english = await client.post(url, json=body, headers=cashier.headers | EN)

    assert chinese.status_code == english.status_code == 422
    zh_error, en_error = chinese.json()["error"], english.json()["error"]
    assert zh_error["code"] == en_error["code"] == "validation_failed"
    assert zh_error["message"] == "个人现金支付金额：不能为负数。"
    assert en_error["message"] == "payment.cash: Value error, amounts cannot be negative"
    assert zh_error["fields"] == en_error["fields"]  # structured details as they were
    assert zh_error["fields"][0]["field"] == "payment.cash"


async def test_a_rule_broken_in_the_service_says_so_in_chinese(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    body = receipt_request(total="999.00")
    answer = await client.post(
        "/api/v1/hospital/receipts", json=body, headers=cashier.headers | {"Accept-Language": "zh"}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "amounts_do_not_add_up"
    assert "金额合计不一致" in answer.json()["error"]["message"]


async def test_the_apps_own_answers_speak_chinese_too(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/nothing-here", headers={"Accept-Language": "zh-TW"})
    wrong = await client.delete("/healthz", headers=ZH)

    assert missing.json()["error"] == {
        "code": "no_such_endpoint",
        "message": "页面或接口不存在，请检查地址。",
    }
    assert wrong.json()["error"]["code"] == "method_not_allowed"
    assert wrong.json()["error"]["message"] == "该地址不支持此操作。"
    assert wrong.headers["allow"]
    english = await client.get("/api/v1/nothing-here")
    assert english.json()["error"]["message"].startswith("GET /api/v1/nothing-here")
