"""The OpenAPI 3.1 description, generated from the endpoint declarations and their schemas."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from backend.web import Endpoint

_REF = "#/components/schemas/{model}"
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "stable, for programs"},
                "message": {"type": "string", "description": "for people"},
            },
        }
    },
}
_ERRORS = {
    "400": "The request cannot be understood",
    "401": "No API key, or an unknown one",
    "403": "The key's role may not do this",
    "404": "Not found",
    "409": "Conflicts with the stored state",
    "413": "The body is too large",
    "415": "The body is not JSON",
    "422": "Fields are missing or wrong",
    "429": "Too many requests: wait the seconds of Retry-After",
    "503": "Busy or not ready: retry after the seconds of Retry-After",
}
_UUID: dict[str, Any] = {"type": "string", "format": "uuid"}
# Every path parameter by name, with the shape the server accepts (anything else is a 404).
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "receipt_id": _UUID,
    "staff_id": _UUID,
    "token": {"type": "string", "pattern": "^[A-Za-z0-9_-]{32}$"},
    "format": {"type": "string", "enum": ["png", "svg"]},
    # C2SP tlog-tiles: <level or "entries">/<index as x001/…/067>[.p/<partial width>]
    "path": {
        "type": "string",
        "pattern": "^(entries|[0-9]{1,2})/(x[0-9]{3}/)*[0-9]{3}(\\.p/[0-9]{1,3})?$",
    },
}
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")  # Starlette's {name} and {name:type}
_HTML = "text/html"
_FILES = ("application/pdf", "application/xml", "image/png")  # served with an ETag


def build_openapi(endpoints: Iterable[Endpoint], *, version: str) -> dict[str, Any]:
    endpoints = list(endpoints)
    models: set[type[BaseModel]] = set()
    for endpoint in endpoints:
        models.update(m for m in (endpoint.request_body, endpoint.query, endpoint.response) if m)
    ordered = sorted(models, key=lambda model: model.__name__)
    keyed: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "validation" if _is_request(m, endpoints) else "serialization") for m in ordered
    ]
    refs, definitions = models_json_schema(keyed, ref_template=_REF)
    # Were two models named alike, pydantic would name both after their modules; a test
    # keeps every name unique.
    names = {model: refs[(model, mode)]["$ref"].rsplit("/", 1)[1] for model, mode in keyed}
    schemas = definitions.get("$defs", {})
    schemas["Error"] = _ERROR_SCHEMA

    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        operation = _operation(endpoint, schemas, names)
        path = _PARAMETER.sub(r"{\1}", endpoint.path)
        paths.setdefault(path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Piaojia (票夹)",
            "version": version,
            "description": "Medical e-receipts and transit e-invoices on a witnessed ledger.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "staffKey": {"type": "http", "scheme": "bearer", "description": "staff API key"}
            },
        },
    }


def _is_request(model: type[BaseModel], endpoints: list[Endpoint]) -> bool:
    return any(model in (endpoint.request_body, endpoint.query) for endpoint in endpoints)


Names = dict[type[BaseModel], str]


def _operation(endpoint: Endpoint, schemas: dict[str, Any], names: Names) -> dict[str, Any]:
    media_types = (endpoint.media_type, *endpoint.alternates)
    error_content: dict[str, Any] = {
        "application/json": {"schema": {"$ref": _REF.format(model="Error")}}
    }
    if _HTML in media_types:  # a page answers its errors with a page too
        error_content[_HTML] = {"schema": {"type": "string"}}
    success: dict[str, Any] = {"description": "OK"}
    if endpoint.status != 204:
        success["content"] = {
            media: {"schema": _body_schema(media, endpoint, names)} for media in media_types
        }
    responses: dict[str, Any] = {
        str(status): success for status in (endpoint.status, *endpoint.other_statuses)
    }
    if any(media in _FILES for media in media_types):
        responses["304"] = {"description": "Not modified: the If-None-Match ETag is current"}
    responses.update(
        {code: {"description": text, "content": error_content} for code, text in _ERRORS.items()}
    )
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": _parameters(endpoint, schemas, names),
        "responses": responses,
    }
    if endpoint.roles:
        operation["security"] = [{"staffKey": []}]
        operation["description"] = (
            "Roles: "
            + ", ".join(str(role) for role in endpoint.roles)
            + "; issuer kinds: "
            + ", ".join(str(kind) for kind in endpoint.kinds)
        )
    if endpoint.request_body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(endpoint.request_body, names)}},
        }
    return operation


def _body_schema(media_type: str, endpoint: Endpoint, names: Names) -> dict[str, Any]:
    if media_type != "application/json":
        return {"type": "string"}
    return _ref(endpoint.response, names)


def _ref(model: type[BaseModel] | None, names: Names) -> dict[str, Any]:
    return {"$ref": _REF.format(model=names[model])} if model else {"type": "object"}


def _parameters(endpoint: Endpoint, schemas: dict[str, Any], names: Names) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name in _PARAMETER.findall(endpoint.path):
        if name not in PATH_PARAMETERS:
            raise ValueError(f"{endpoint.path}: declare {name!r} in PATH_PARAMETERS")
        parameters.append(
            {"name": name, "in": "path", "required": True, "schema": PATH_PARAMETERS[name]}
        )
    if endpoint.query is not None:
        # Query models are described once among the schemas; each field becomes a parameter.
        schema = schemas[names[endpoint.query]]
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            parameters.append(
                {"name": name, "in": "query", "required": name in required, "schema": _query(prop)}
            )
    for header, description in endpoint.headers.items():
        parameters.append(
            {
                "name": header,
                "in": "header",
                "required": False,
                "description": description,
                "schema": {"type": "string", "maxLength": 255},
            }
        )
    return parameters


def _query(prop: dict[str, Any]) -> dict[str, Any]:
    # An optional parameter is absent, never null: a query string has no null to send.
    branches = [b for b in prop.get("anyOf", []) if b != {"type": "null"}]
    if len(branches) != 1:
        return prop
    plain = {key: value for key, value in prop.items() if key != "anyOf"}
    if plain.get("default", ...) is None:
        del plain["default"]
    return {**branches[0], **plain}
