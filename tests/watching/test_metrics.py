"""``GET /metrics``: only for the token, requests under their route templates and never a scan
token, and the ledger and outbox gauges read from the database at scrape time."""

from __future__ import annotations

import dataclasses

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.applications import Starlette

from backend.app import create_app
from backend.config import Settings
from backend.services import Services
from chain.cosignature import CosignatureSigner
from tests.factories import issuer_with_staff, receipt_request
from tests.lifespan import lifespan
from tests.watching.support import METRICS_TOKEN, Samples, scrape, value


async def test_metrics_answer_only_to_the_token(app: Starlette, client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "metrics_token_required"
    assert wrong.headers["www-authenticate"].startswith("Bearer")
    short = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN[:-1]}"})
    assert short.status_code == 401
    assert (
        await client.get("/metrics", headers={"Authorization": METRICS_TOKEN})
    ).status_code == 401
    await scrape(client)
    # Without a token configured there is no such path, as for any other unknown path.
    app.state.settings = dataclasses.replace(app.state.settings, metrics_token=None)
    hidden = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    unknown = await client.get("/no-such-path")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["error"]["code"] == unknown.json()["error"]["code"] == "no_such_endpoint"


async def test_requests_count_under_their_route_template_never_their_token(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    cashier = await issuer_with_staff(app)
    issued = await client.post(
        "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()["scan_url"].rsplit("/", 1)[1]
    _, before = await scrape(client)
    assert (await client.get(f"/s/{token}")).status_code == 200
    assert (await client.get(f"/s/{token}/proof")).status_code < 500
    assert (await client.get("/s/" + "Q" * 32)).status_code == 404
    assert (await client.get("/wp-login.php")).status_code == 404
    text, after = await scrape(client)

    def grew(route: str, status: str) -> float:
        labels = {"method": "GET", "route": route, "status": status}
        return value(after, "piaojia_http_requests_total", **labels) - value(
            before, "piaojia_http_requests_total", **labels
        )

    assert grew("/s/{token}", "200") == 1
    assert grew("/s/{token}", "404") == 1
    assert grew("unmatched", "404") == 1
    histogram = ("piaojia_http_request_duration_seconds_count", "GET", "/s/{token}")
    assert value(after, histogram[0], method=histogram[1], route=histogram[2]) >= 2
    assert token not in text and token[:12] not in text
    assert "Q" * 12 not in text and "wp-login" not in text


async def test_ledger_and_outbox_gauges_follow_the_database(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    services: Services = app.state.services
    _, empty = await scrape(client)
    assert value(empty, "piaojia_ledger_pending_statements") == 0
    assert value(empty, "piaojia_outbox_messages", state="queued") == 0
    assert value(empty, "piaojia_outbox_oldest_age_seconds") == 0
    cashier = await issuer_with_staff(app)
    issued = await client.post(
        "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()["scan_url"].rsplit("/", 1)[1]
    _, issued_once = await scrape(client)
    assert value(issued_once, "piaojia_ledger_pending_statements") == 1
    unsent_at_issue = _unsent(issued_once)
    asked = await client.post(f"/s/{token}/email", json={"to": "li.si@example.com"})
    assert asked.status_code in (200, 202), asked.text
    _, mailed = await scrape(client)
    # The app's relay may try the copy queued at issue meanwhile (port 9 refuses it): it moves
    # from queued to sending or retrying, never out of the unsent states.
    assert _unsent(mailed) == unsent_at_issue + 1
    assert value(mailed, "piaojia_outbox_oldest_age_seconds") >= 0
    assert ("piaojia_outbox_oldest_age_seconds", ()) in mailed
    assert ("piaojia_ledger_checkpoint_size", ()) not in mailed  # nothing integrated yet

    assert await services.sequencer.integrate_once() is not None
    _, integrated = await scrape(client)
    assert value(integrated, "piaojia_ledger_pending_statements") == 0
    assert value(integrated, "piaojia_ledger_checkpoint_size") == 1
    assert 0 <= value(integrated, "piaojia_ledger_seconds_since_integration") < 60
    assert value(integrated, "piaojia_render_jobs") >= 0


def _unsent(found: Samples) -> float:
    return sum(
        value(found, "piaojia_outbox_messages", state=state)
        for state in ("queued", "sending", "retrying", "dead")
    )


async def test_a_witness_that_fails_is_counted_with_its_cosigned_size(settings: Settings) -> None:
    nobody = CosignatureSigner("witness-c.test", Ed25519PrivateKey.generate()).verifier()
    configured = dataclasses.replace(
        settings, witnesses=(("http://127.0.0.1:9", nobody.key_string()),)
    )
    app = create_app(configured)
    async with lifespan(app):
        services: Services = app.state.services
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            _, before = await scrape(http)
            cashier = await issuer_with_staff(app)
            issued = await http.post(
                "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
            )
            assert issued.status_code == 201, issued.text
            assert await services.sequencer.integrate_once() is not None
            _, after = await scrape(http)
    failures = "piaojia_witness_failures_total"
    assert value(after, failures, witness="witness-c.test") == (
        value(before, failures, witness="witness-c.test") + 1
    )
    assert ("piaojia_witness_cosigned_size", (("witness", "witness-c.test"),)) in after
    assert value(after, "piaojia_witness_cosigned_size", witness="witness-c.test") == 0
    assert value(after, "piaojia_ledger_checkpoint_size") == 1
