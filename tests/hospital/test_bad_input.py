"""Bad input gets a clear 4xx with a stable code, and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backend.idempotency.models import IdempotencyRecord
from backend.receipts.models import LineItem, Receipt, ReceiptEvent, ReceiptSequence
from tests.factories import SAMPLE_RECEIPT, issuer_with_staff, receipt_request

URL = "/api/v1/hospital/receipts"
ITEM = SAMPLE_RECEIPT["items"][0]


def with_item(**changes: Any) -> dict[str, Any]:
    return receipt_request(items=[ITEM | changes])


def with_payer(**changes: Any) -> dict[str, Any]:
    return receipt_request(payer=SAMPLE_RECEIPT["payer"] | changes)


def without(field: str) -> dict[str, Any]:
    body = receipt_request()
    del body[field]
    return body


BAD_BODIES: list[tuple[str, Any, int, str]] = [
    ("missing payer", without("payer"), 422, "validation_failed"),
    ("missing total", without("total"), 422, "validation_failed"),
    ("total as a number", receipt_request(total=85.6), 422, "validation_failed"),
    ("items not a list", receipt_request(items={"a": 1}), 422, "validation_failed"),
    ("no items", receipt_request(items=[]), 422, "validation_failed"),
    ("negative amount", with_item(amount="-25.60"), 422, "validation_failed"),
    ("three decimals", with_item(amount="25.601"), 422, "validation_failed"),
    ("absurd total", receipt_request(total="99999999999999.99"), 422, "validation_failed"),
    ("unknown category", with_item(category="美容费"), 422, "validation_failed"),
    ("zero quantity", with_item(quantity="0"), 422, "validation_failed"),
    ("empty item name", with_item(name="   "), 422, "validation_failed"),
    ("name too long", with_payer(name="张" * 101), 422, "validation_failed"),
    (
        "bad id number check digit",
        with_payer(id_number="440106199001011234"),
        422,
        "validation_failed",
    ),
    ("bad email", with_payer(email="zhang@"), 422, "validation_failed"),
    (
        "header injection in email",
        with_payer(email="a@example.com\r\nBcc: x@example.com"),
        422,
        "validation_failed",
    ),
    ("unknown field", receipt_request(discount="1.00"), 422, "validation_failed"),
    (
        "unknown visit type",
        receipt_request(visit={"type": "emergency", "number": "1", "department": "急诊"}),
        422,
        "validation_failed",
    ),
    (
        "discharge before admission",
        receipt_request(
            visit={
                "type": "inpatient",
                "number": "1",
                "department": "外科",
                "start_date": "2026-11-27",
                "end_date": "2026-11-01",
            }
        ),
        422,
        "validation_failed",
    ),
    ("a JSON array", [], 422, "validation_failed"),
    ("null", None, 422, "validation_failed"),
]


async def assert_nothing_written() -> None:
    for model in (Receipt, LineItem, ReceiptEvent, ReceiptSequence, IdempotencyRecord):
        assert await model.all().count() == 0, model.__name__


@pytest.mark.parametrize(
    ("case", "body", "status", "code"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
async def test_bad_bodies(
    app: Starlette, client: httpx.AsyncClient, case: str, body: Any, status: int, code: str
) -> None:
    cashier = await issuer_with_staff(app)
    response = await client.post(
        URL,
        content=json.dumps(body),
        headers=cashier.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    await assert_nothing_written()


async def test_validation_names_the_field(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    response = await client.post(URL, json=with_item(category="美容费"), headers=cashier.headers)
    error = response.json()["error"]
    assert error["message"].startswith("items.0.category:")
    assert error["fields"][0]["field"] == "items.0.category"


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"payer": ', "application/json", 400, "malformed_json"),
        (b"", "application/json", 400, "malformed_json"),
        (
            '{"payer": {"name": "张三"}}'.encode("gb18030"),
            "application/json",
            400,
            "invalid_encoding",
        ),
        (b"payer=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
async def test_unreadable_bodies(
    app: Starlette,
    client: httpx.AsyncClient,
    content: bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    cashier = await issuer_with_staff(app)
    response = await client.post(
        URL, content=content, headers=cashier.headers | {"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    await assert_nothing_written()


async def test_ten_thousand_items(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    items = [ITEM | {"amount": "0.01"}] * 10_000
    body = receipt_request(
        items=items,
        total="100.00",
        payment={"fund": "0", "other": "0", "account": "0", "cash": "100.00"},
    )
    response = await client.post(URL, json=body, headers=cashier.headers)
    assert response.status_code == 422
    assert "items" in response.json()["error"]["message"]
    await assert_nothing_written()


async def test_five_megabyte_body(app: Starlette, client: httpx.AsyncClient) -> None:
    cashier = await issuer_with_staff(app)
    body = json.dumps(with_payer(name="张" * 5_000_000)).encode()
    response = await client.post(
        URL, content=body, headers=cashier.headers | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    async def chunks() -> Any:  # no Content-Length: the limit holds while streaming
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    streamed = await client.post(
        URL, content=chunks(), headers=cashier.headers | {"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    await assert_nothing_written()


async def test_unknown_endpoints_and_methods_answer_in_json(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "no_such_endpoint"
    wrong_method = await client.delete(URL)
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
