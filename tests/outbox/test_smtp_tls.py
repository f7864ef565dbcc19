"""Mail over TLS against real TLS mail servers (aiosmtpd with certificates made here): STARTTLS
and smtps:// deliver with a private CA in ``PIAOJIA_SMTP_CA_FILE``; a certificate that fails
verification (an unknown CA, another host's name) is retried with the reason on record, not
dead; a password never goes over a plain session; a bad CA file stops start-up with one line."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from backend.app import create_app
from backend.config import Settings, SettingsError, load_settings
from backend.outbox.attempt import MailTransport
from backend.outbox.models import AttemptOutcome, DeliveryAttempt, MessageState, OutboxMessage
from backend.outbox.smtp_client import SmtpConnection
from backend.secret import Secret
from backend.services import Services
from backend.smtp_target import SmtpTarget, trusted_context
from tests.clock import FakeClock
from tests.factories import issuer_with_staff, receipt_request
from tests.lifespan import lifespan
from tests.outbox.support import make_receipts, make_relay, outbox_service, queue_emails
from tests.outbox.tls_servers import PASSWORD, USER, TestCA, TlsHandler, TlsSmtpServer

LOGIN = f"{quote(USER, safe='')}:{quote(PASSWORD, safe='')}@"


@pytest.fixture
def ca(tmp_path: Path) -> TestCA:
    return TestCA(tmp_path)


def url(mode: str, port: int, *, login: bool = True, host: str = "127.0.0.1") -> str:
    scheme = "smtps" if mode == "smtps" else "smtp"
    return f"{scheme}://{LOGIN if login else ''}{host}:{port}"


def connector(smtp_url: str, ca_file: Path | None) -> Callable[[], MailTransport]:
    """Connections as ``backend.services`` makes them: one verifying context for all."""
    target = SmtpTarget.parse(smtp_url)
    context = trusted_context(str(ca_file) if ca_file else None)
    return lambda: SmtpConnection(
        target, timeout=5.0, local_hostname="relay.piaojia.test", tls_context=context
    )


async def one_message(clock: FakeClock) -> OutboxMessage:
    receipts = await make_receipts(1)
    (message_id,) = await queue_emails(outbox_service(clock), receipts, "wang@example.com")
    return await OutboxMessage.get(id=message_id)


async def test_starttls_with_the_ca_file_delivers_through_the_apps_relay(
    settings: Settings, ca: TestCA
) -> None:
    handler = TlsHandler()
    context = ca.server_context("localhost", "127.0.0.1")
    async with TlsSmtpServer(handler, mode="starttls", context=context) as server:
        app = create_app(
            dataclasses.replace(
                settings,
                smtp_url=Secret(url("starttls", server.port, host="localhost")),
                smtp_ca_file=str(ca.ca_file),
                mail_from="noreply@piaojia.test",
            )
        )
        async with (
            lifespan(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="https://piaojia.test"
            ) as client,
        ):
            cashier = await issuer_with_staff(app)
            issued = await client.post(
                "/api/v1/hospital/receipts", json=receipt_request(), headers=cashier.headers
            )
            assert issued.status_code == 201
            # Issuing queued the copy to the payer's address (the sample receipt's).
            services: Services = app.state.services
            await services.sequencer.integrate_once()  # the copy waits for its ledger proof
            async with asyncio.timeout(30):
                while not handler.received:
                    await asyncio.sleep(0.05)
    (delivered,) = handler.received
    assert delivered.recipients == [receipt_request()["payer"]["email"]]
    assert delivered.over_tls and delivered.user == USER
    assert handler.logins == [(USER, True)]
    letter = message_from_bytes(delivered.raw, policy=policy.default)
    assert isinstance(letter, EmailMessage)
    assert "application/pdf" in [part.get_content_type() for part in letter.iter_attachments()]


async def test_smtps_with_the_ca_file_delivers_and_logs_in_over_tls(
    outbox_db: str, clock: FakeClock, ca: TestCA
) -> None:
    message = await one_message(clock)
    handler = TlsHandler()
    context = ca.server_context("localhost", "127.0.0.1")
    async with TlsSmtpServer(handler, mode="smtps", context=context) as server:
        relay = make_relay(
            server.port, clock, connect=connector(url("smtps", server.port), ca.ca_file)
        )
        report = await relay.deliver_due()
    assert (report.sent, report.failed, report.dead) == (1, 0, 0)
    (delivered,) = handler.received
    assert delivered.over_tls and delivered.user == USER
    assert handler.logins == [(USER, True)]
    await message.refresh_from_db()
    assert message.state == MessageState.SENT and message.queue_id == "TLS1"


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
async def test_a_private_ca_not_configured_is_retried_with_the_reason_then_delivered(
    outbox_db: str, clock: FakeClock, ca: TestCA, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    message = await one_message(clock)
    handler = TlsHandler()
    context = ca.server_context("localhost", "127.0.0.1")
    async with TlsSmtpServer(handler, mode=mode, context=context) as server:
        smtp_url = url(mode, server.port)
        # No CA file: the system store, which knows nothing of this CA.
        untrusting = make_relay(server.port, clock, connect=connector(smtp_url, None))
        with caplog.at_level(logging.WARNING, logger="piaojia.mail"):
            report = await untrusting.deliver_due()
        assert (report.sent, report.failed, report.dead) == (0, 1, 0)
        assert handler.received == [] and handler.logins == []  # no password went anywhere
        await message.refresh_from_db()
        assert message.state == MessageState.QUEUED and message.attempts == 1
        assert message.due_at > clock()  # retried later, with backoff
        (attempt,) = await DeliveryAttempt.filter(message_id=message.id)
        assert attempt.outcome == AttemptOutcome.TEMPORARY
        assert attempt.reply.startswith(f"TLS certificate of 127.0.0.1:{server.port} not accepted")
        assert "unable to get local issuer certificate" in attempt.reply
        assert "PIAOJIA_SMTP_CA_FILE" in attempt.reply
        assert message.last_reply == attempt.reply
        ours = [r for r in caplog.records if r.name == "piaojia.mail"]
        assert [r.getMessage() for r in ours] == [attempt.reply]  # one line, no traceback
        assert all(r.exc_info is None for r in ours)

        # The operator configures the CA: the queued message goes when it is due.
        clock.advance(message.due_at - clock() + timedelta(seconds=1))
        trusting = make_relay(server.port, clock, connect=connector(smtp_url, ca.ca_file))
        assert (await trusting.deliver_due()).sent == 1
    (delivered,) = handler.received
    assert delivered.over_tls and delivered.user == USER
    sent = await OutboxMessage.get(id=message.id)
    assert sent.state == MessageState.SENT and sent.attempts == 2


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
async def test_a_certificate_for_another_host_is_refused(
    outbox_db: str, clock: FakeClock, ca: TestCA, mode: str
) -> None:
    message = await one_message(clock)
    handler = TlsHandler()
    context = ca.server_context("mail.example.cn")  # a good chain, but not this server's name
    async with TlsSmtpServer(handler, mode=mode, context=context) as server:
        relay = make_relay(
            server.port, clock, connect=connector(url(mode, server.port), ca.ca_file)
        )
        report = await relay.deliver_due()
    assert (report.sent, report.failed, report.dead) == (0, 1, 0)
    assert handler.received == [] and handler.logins == []
    (attempt,) = await DeliveryAttempt.filter(message_id=message.id)
    assert attempt.outcome == AttemptOutcome.TEMPORARY
    assert "not accepted: IP address mismatch" in attempt.reply
    await message.refresh_from_db()
    assert message.state == MessageState.QUEUED


async def test_a_password_is_never_sent_to_a_server_without_starttls(
    outbox_db: str, clock: FakeClock, ca: TestCA
) -> None:
    message = await one_message(clock)
    handler = TlsHandler()
    async with TlsSmtpServer(handler, mode="plain") as server:
        smtp_url = url("plain", server.port)
        relay = make_relay(server.port, clock, connect=connector(smtp_url, ca.ca_file))
        report = await relay.deliver_due()
        assert (report.sent, report.failed, report.dead) == (0, 1, 0)
        assert handler.logins == [] and handler.received == []  # the server offered AUTH: unused
        (attempt,) = await DeliveryAttempt.filter(message_id=message.id)
        assert attempt.outcome == AttemptOutcome.TEMPORARY
        assert attempt.reply.startswith(
            f"not sending the SMTP password in clear to 127.0.0.1:{server.port}: the server "
            "offers no STARTTLS"
        )
        assert PASSWORD not in attempt.reply and quote(PASSWORD, safe="") not in attempt.reply
        await message.refresh_from_db()
        assert message.state == MessageState.QUEUED and message.due_at > clock()

        # Without a password the same server takes mail in clear, as mail servers do.
        clock.advance(message.due_at - clock() + timedelta(seconds=1))
        anonymous = url("plain", server.port, login=False)
        plain = make_relay(server.port, clock, connect=connector(anonymous, None))
        assert (await plain.deliver_due()).sent == 1
    (delivered,) = handler.received
    assert not delivered.over_tls and delivered.user is None


def test_the_ca_file_setting_loads_a_pem_file(ca: TestCA) -> None:
    settings = load_settings({"PIAOJIA_DEMO": "1", "PIAOJIA_SMTP_CA_FILE": str(ca.ca_file)})
    assert settings.smtp_ca_file == str(ca.ca_file)
    assert load_settings({"PIAOJIA_DEMO": "1"}).smtp_ca_file is None  # the system store


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot read the file: No such file or directory"),
        (b"", "the file holds no PEM certificate"),
        (b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "no PEM"),
        (b"\x30\x82\x01\x0a binary DER is not PEM", "the file holds no PEM certificate"),
    ],
)
def test_a_bad_ca_file_is_one_line_at_start(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "ca.pem"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SettingsError) as caught:
        load_settings({"PIAOJIA_DEMO": "1", "PIAOJIA_SMTP_CA_FILE": str(path)})
    message = str(caught.value)
    assert message.startswith(f"PIAOJIA_SMTP_CA_FILE='{path}' is not valid: ")
    assert reason in message and "\n" not in message


def test_a_directory_or_an_empty_value_is_no_ca_file(tmp_path: Path) -> None:
    for value, reason in [(str(tmp_path), "Is a directory"), ("", "expected the path")]:
        with pytest.raises(SettingsError, match=reason):
            load_settings({"PIAOJIA_DEMO": "1", "PIAOJIA_SMTP_CA_FILE": value})
