"""The copy mailed at issue waits for the receipt's ledger proof (``PIAOJIA_MAIL_PROOF_WAIT``):
sent once anchored, it verifies offline; never anchored within the bound, it is sent anyway and
says so, in the mail and in the receipt's trail."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.applications import Starlette

from backend.app import create_app
from backend.config import Settings
from backend.outbox.mail_sink import LocalSmtpServer
from backend.outbox.proof_wait import NOTES
from backend.secret import Secret
from chain.cosignature import CosignatureSigner
from tests.clock import FakeClock
from tests.commands import cli_verify
from tests.documents.support import ca_of
from tests.factories import issuer_with_staff, receipt_request
from tests.ledger import PAYER, URL, integrate
from tests.lifespan import lifespan
from tests.outbox.support import RecordingHandler, body_text, mailed

NO_PROOF = NOTES["none"]
# The relay's rest between looks, and a waiting copy's: short, so that watching a copy be put
# back several times takes a fraction of a second; a wait below is a few of them.
POLL = 0.05
SEVERAL_POLLS = 6 * POLL


@pytest.fixture
def settings(settings: Settings, smtp: LocalSmtpServer) -> Settings:
    return dataclasses.replace(
        settings,
        smtp_url=Secret(f"smtp://127.0.0.1:{smtp.port}"),
        mail_from="noreply@piaojia.test",
        mail_poll_interval=POLL,
    )


async def sent_event(
    client: httpx.AsyncClient, receipt_id: str, headers: dict[str, str]
) -> dict[str, Any]:
    for _ in range(200):
        answer = await client.get(f"/api/v1/issuer/receipts/{receipt_id}/events", headers=headers)
        assert answer.status_code == 200, answer.text
        events = [e for e in answer.json()["events"] if e["type"] == "email_sent"]
        if events:
            return dict(events[0])
        await asyncio.sleep(0.1)
    raise AssertionError("no email_sent event")


async def test_the_copy_mailed_at_issue_waits_for_the_proof_and_verifies_offline(
    app: Starlette, client: httpx.AsyncClient, handler: RecordingHandler, tmp_path: Path
) -> None:
    cashier = await issuer_with_staff(app)
    issued = await client.post(URL, json=receipt_request(payer=PAYER), headers=cashier.headers)
    assert issued.status_code == 201, issued.text
    # The relay has claimed and put the message back a few times by now: not anchored yet.
    await asyncio.sleep(SEVERAL_POLLS)
    assert handler.received == []
    await integrate(app)
    message = await mailed(handler)
    assert NO_PROOF not in body_text(message)
    attachment, _data = list(message.iter_attachments())
    ca_file = tmp_path / "ca.crt"
    ca_file.write_bytes(ca_of(app).certificate_pem)
    checked = cli_verify(tmp_path, attachment.get_content(), "--ca", str(ca_file))
    assert checked.returncode == 0, checked.stderr
    assert "verified: receipt" in checked.stdout and "issued at leaf 0" in checked.stdout
    event = await sent_event(client, issued.json()["id"], cashier.headers)
    assert event["detail"]["proof"] == "attached"
    assert "attempt" in event["detail"] and event["detail"]["attempt"] == "1"


async def test_a_copy_not_anchored_within_the_bound_is_sent_and_says_so(
    clocked_app: Starlette, handler: RecordingHandler, clock: FakeClock, tmp_path: Path
) -> None:
    app = clocked_app
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as client:
        cashier = await issuer_with_staff(app)
        issued = await client.post(URL, json=receipt_request(payer=PAYER), headers=cashier.headers)
        assert issued.status_code == 201, issued.text
        # The app's clock stands still: the message is put back until a poll later, forever.
        await asyncio.sleep(SEVERAL_POLLS)
        assert handler.received == []
        clock.now += timedelta(seconds=119)
        await asyncio.sleep(SEVERAL_POLLS)
        assert handler.received == []
        clock.now += timedelta(seconds=2)  # 121 s after it was queued: past the 120 s bound
        message = await mailed(handler)
        assert NO_PROOF in body_text(message)
        event = await sent_event(client, issued.json()["id"], cashier.headers)
        assert event["detail"]["proof"] == "none"
        assert event["detail"]["note"] == NO_PROOF
        attachment, _data = list(message.iter_attachments())
        ca_file = tmp_path / "ca.crt"
        ca_file.write_bytes(ca_of(app).certificate_pem)
        checked = cli_verify(tmp_path, attachment.get_content(), "--ca", str(ca_file))
        assert checked.returncode == 1 and "no ledger proof" in checked.stderr


@pytest.fixture
def unwitnessed(settings: Settings) -> Settings:
    nobody = CosignatureSigner("witness-c.test", Ed25519PrivateKey.generate()).verifier()
    return dataclasses.replace(settings, witnesses=(("http://127.0.0.1:9", nobody.key_string()),))


async def test_with_witnesses_a_copy_waits_for_the_quorum_then_says_it_has_none(
    unwitnessed: Settings, handler: RecordingHandler, clock: FakeClock, tmp_path: Path
) -> None:
    app = create_app(unwitnessed, clock=clock)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            cashier = await issuer_with_staff(app)
            issued = await http.post(
                URL, json=receipt_request(payer=PAYER), headers=cashier.headers
            )
            assert issued.status_code == 201, issued.text
            await integrate(app)  # anchored; the only witness never answers
            await asyncio.sleep(SEVERAL_POLLS)
            assert handler.received == []
            clock.now += timedelta(seconds=121)
            message = await mailed(handler)
            assert NOTES["unwitnessed"] in body_text(message)
            event = await sent_event(http, issued.json()["id"], cashier.headers)
            assert event["detail"]["proof"] == "unwitnessed"
            attachment, _data = list(message.iter_attachments())
            ca_file = tmp_path / "ca.crt"
            ca_file.write_bytes(ca_of(app).certificate_pem)
            checked = cli_verify(tmp_path, attachment.get_content(), "--ca", str(ca_file))
            assert checked.returncode == 0, checked.stderr  # in the log, with no quorum asked
