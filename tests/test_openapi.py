from __future__ import annotations

import re
from typing import Any

import httpx

from backend.app import ENDPOINTS


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


async def test_openapi_describes_every_endpoint(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    for endpoint in ENDPOINTS:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", endpoint.path)
        operation = document["paths"][path][endpoint.method.lower()]
        assert operation["operationId"] == endpoint.name
        assert str(endpoint.status) in operation["responses"]
    schemas = document["components"]["schemas"]
    for ref in refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in schemas, ref

    issue = document["paths"]["/api/v1/hospital/receipts"]["post"]
    body = schemas["IssueMedicalReceipt"]
    assert set(body["required"]) == {"payer", "visit", "items", "payment", "total"}
    assert "Idempotency-Key" in [p["name"] for p in issue["parameters"]]
    categories = schemas["Category"]["enum"]
    assert "西药费" in categories and len(categories) == 13
