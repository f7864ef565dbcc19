from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator
from starlette.requests import Request
from starlette.responses import Response

from backend.app import ENDPOINTS
from backend.openapi import build_openapi
from backend.web import Endpoint


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


def test_the_document_passes_an_openapi_3_1_validator() -> None:
    document = build_openapi(ENDPOINTS, version="1.0.0")
    OpenAPIV31SpecValidator(document).validate()  # raises on the first error


def test_every_path_parameter_is_declared_with_its_shape() -> None:
    document = build_openapi(ENDPOINTS, version="1.0.0")
    for path, operations in document["paths"].items():
        named = set(re.findall(r"\{(\w+)\}", path))
        for operation in operations.values():
            declared = {
                p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "path"
            }
            assert set(declared) == named, path
            assert all(schema != {"type": "string"} for schema in declared.values()), path
    qr = document["paths"]["/api/v1/hospital/receipts/{receipt_id}/qr.{format}"]["get"]
    shapes = {p["name"]: p["schema"] for p in qr["parameters"]}
    assert shapes["format"]["enum"] == ["png", "svg"]
    assert shapes["receipt_id"]["format"] == "uuid"
    assert set(qr["responses"]["200"]["content"]) == {"image/png", "image/svg+xml"}


def test_an_undeclared_path_parameter_stops_the_build() -> None:
    async def handler(request: Request) -> Response:
        raise AssertionError

    odd = Endpoint("GET", "/x/{thing}", handler, name="x", summary="x", tag="x")
    with pytest.raises(ValueError, match="thing"):
        build_openapi([odd], version="1.0.0")


def test_pages_document_both_media_types_they_answer_in() -> None:
    paths = build_openapi(ENDPOINTS, version="1.0.0")["paths"]
    scan = paths["/s/{token}"]["get"]
    assert set(scan["responses"]["200"]["content"]) == {"application/json", "text/html"}
    assert set(scan["responses"]["404"]["content"]) == {"application/json", "text/html"}
    assert "format" in [p["name"] for p in scan["parameters"]]
    verify = paths["/verify"]["get"]["responses"]
    assert set(verify["200"]["content"]) == {"text/html"}
    for status in ("404", "422", "429"):  # the page's own outcomes are pages
        assert "text/html" in verify[status]["content"]
    api = paths["/api/v1/verify"]["get"]["responses"]
    assert set(api["404"]["content"]) == {"application/json"}
    deleted = paths["/api/v1/folder/receipts/{receipt_id}"]["delete"]["responses"]["204"]
    assert "content" not in deleted  # a 204 has no body
    bind = paths["/api/v1/folder/cards"]["post"]["responses"]
    assert {"200", "201"} <= set(bind)  # 200: the card was already yours


async def test_scan_page_answers_as_documented(client: httpx.AsyncClient) -> None:
    unknown = "/s/" + "A" * 32
    page = await client.get(unknown, headers={"Accept": "text/html,*/*"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    asked = await client.get(unknown, headers={"Accept": "application/json"})
    assert asked.status_code == 404 and asked.json()["error"]["code"]
    by_query = await client.get(unknown, params={"format": "json"})
    assert by_query.headers["content-type"].startswith("application/json")


async def test_405_names_the_allowed_methods(client: httpx.AsyncClient) -> None:
    response = await client.put("/healthz")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET, HEAD" in response.json()["error"]["message"]
    # Two routes share this path (GET and PUT): Allow names both.
    both = await client.delete("/api/v1/transit/settings")
    assert both.status_code == 405
    assert both.headers["allow"] == "GET, HEAD, PUT"
    page = await client.patch("/console/login")
    assert page.status_code == 405 and "POST" in page.headers["allow"].split(", ")


def test_every_schema_is_named_after_its_model_alone() -> None:
    """No two answer or request models share a name: pydantic would otherwise name their
    components after their modules (``backend__transit__schemas__…``), which a client's
    generated code turns into names nobody reads."""
    schemas = build_openapi(ENDPOINTS, version="test")["components"]["schemas"]
    assert [name for name in schemas if "__" in name] == []
