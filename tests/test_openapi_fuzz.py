"""A bounded, deterministic property-based fuzz of every operation in /openapi.json.

Schemathesis draws requests from the document (a few that fit it, a few that break it), and
each is sent to the app in-process with a real staff key of the role and issuer kind the
operation is for. Every answer must be no 5xx and match what the document says of that
operation: a documented status code, a documented content type, and a body of the documented
shape.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections import Counter
from typing import Any

import httpx
import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation.case import Case
from schemathesis.generation.modes import GenerationMode
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette

from backend.app import ENDPOINTS
from backend.config import Settings
from backend.issuers.models import IssuerKind, StaffRole
from tests.factories import issuer_with_staff

FuzzCase = Case[APIOperation[Any, Any, Any, Any]]

# Requests per operation: a few in the suite; PIAOJIA_FUZZ_EXAMPLES=60,20 runs a larger fuzz.
_POSITIVE, _NEGATIVE = (int(n) for n in os.environ.get("PIAOJIA_FUZZ_EXAMPLES", "8,3").split(","))
EXAMPLES = {GenerationMode.POSITIVE: _POSITIVE, GenerationMode.NEGATIVE: _NEGATIVE}
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
KIND_BY_TAG = {"transit": IssuerKind.TRANSIT, "reimbursement": IssuerKind.REIMBURSER}
# Drawn cases by (document, operation, mode). Drawing is derandomized, so the SQLite and the
# PostgreSQL run get the same cases either way; drawing them, not sending them, is most of the
# run's time, so it is done once per test process.
_DRAWN: dict[tuple[str, str, GenerationMode], list[FuzzCase]] = {}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Unknown scan tokens are slowed after a few a minute (tested on their own): here they
    # would make the run wait seconds for nothing.
    return dataclasses.replace(settings, scan_slow_after=10**6, scan_refuse_after=10**6)


def draw(strategy: Any, count: int) -> list[FuzzCase]:
    """``count`` cases from ``strategy``, the same ones on every run."""
    cases: list[FuzzCase] = []

    @hypothesis.settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(strategy)
    def collect(case: FuzzCase) -> None:
        cases.append(case)

    # Unsatisfiable: nothing to break (no parameters, no body) in negative mode.
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        collect()
    return cases


async def keys_by_operation(app: Starlette, client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    """A staff key for each operation that needs one (its first role, of the kind it is for),
    a folder session for the others."""

    async def session(name: str) -> dict[str, str]:
        login = await client.post("/api/v1/wx/login", json={"code": f"demo-{name}"})
        return {"Authorization": f"Bearer {login.json()['token']}"}

    folder = await session("fuzz")
    actors: dict[tuple[IssuerKind, StaffRole], dict[str, str]] = {}
    found: dict[str, dict[str, str]] = {}
    for endpoint in ENDPOINTS:
        if not endpoint.roles:
            # Logging out ends its session: it gets one of its own, as each of its cases would
            # need (the first ends it; the others answer 401, which is documented).
            found[endpoint.name] = await session("out") if endpoint.name == "wx.logout" else folder
            continue
        role = next(iter(endpoint.roles))
        kind = KIND_BY_TAG.get(endpoint.tag, IssuerKind.HOSPITAL)
        if (kind, role) not in actors:
            actors[kind, role] = (await issuer_with_staff(app, role, kind=kind)).headers
        found[endpoint.name] = actors[kind, role]
    return found


async def send(
    client: httpx.AsyncClient, case: FuzzCase, headers: dict[str, str]
) -> httpx.Response:
    request = case.as_transport_kwargs(base_url=str(client.base_url), headers=headers)
    body: dict[str, Any] = {}
    if "json" in request:
        body["json"] = request["json"]
    elif request.get("data") is not None:
        data = request["data"]
        body["content"] = data if isinstance(data, bytes) else str(data).encode()
    headers = dict(request["headers"])
    if request.get("cookies"):  # none are documented today; sent as a header if ever
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in request["cookies"].items())
    return await client.request(
        request["method"], request["url"], headers=headers, params=request.get("params"), **body
    )


async def test_every_operation_survives_a_bounded_fuzz(wx_app: Starlette) -> None:
    # A 500 is answered and collected, not raised into the test, so one run finds them all.
    transport = httpx.ASGITransport(app=wx_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as client:
        await fuzz(wx_app, client)


async def fuzz(app: Starlette, client: httpx.AsyncClient) -> None:
    served = await client.get("/openapi.json")
    document = served.json()
    schema = schemathesis.openapi.from_dict(document)
    keys = await keys_by_operation(app, client)
    started = time.monotonic()
    sent, server_errors, failures = 0, [], []
    statuses: Counter[int] = Counter()
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the document the app serves is valid
        operations.append(result.ok())
    for operation in operations:
        name = operation.definition.raw["operationId"]
        for mode, count in EXAMPLES.items():
            key = (served.text, name, mode)
            if key not in _DRAWN:
                _DRAWN[key] = draw(operation.as_strategy(generation_mode=mode), count)
            for case in _DRAWN[key]:
                response = await send(client, case, keys.get(name, {}))
                sent += 1
                statuses[response.status_code] += 1
                label = f"{mode.value} {case.method} {response.request.url}"
                if response.status_code >= 500:
                    server_errors.append(f"{label} -> {response.status_code} {response.text}")
                    continue
                try:
                    case.validate_response(response, checks=CHECKS)
                except FailureGroup as group:  # collect them all, then fail once
                    failures.append(f"{label} -> {response.status_code}: {group}"[:1500])
    elapsed = time.monotonic() - started
    print(f"fuzz: {len(operations)} operations, {sent} requests, {elapsed:.1f} s: {statuses}")
    assert not server_errors + failures, "\n\n".join(server_errors + failures)
    assert len(operations) == len(ENDPOINTS)
