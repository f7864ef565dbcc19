"""Talking SMTP with aiosmtplib: one reusable connection to the server ``SmtpTarget`` names
(``backend.smtp_target``), and what each failure means for the message.

Every failure is a ``DeliveryFailure`` that says whether trying again later can help:

- temporary: no connection, a timeout, a dropped connection, any 4xx reply, and replies about
  the session rather than this message (greeting, EHLO, AUTH), since a misconfigured relay must
  not kill every message in the outbox;
- permanent: a 5xx reply to MAIL, RCPT or DATA (an unknown mailbox, a message refused), or a
  message the server cannot take at all.

TLS: ``smtps://`` speaks TLS from the first byte; ``smtp://`` upgrades with STARTTLS whenever the
server offers it. The server's certificate is verified, chain and host name: by the context
given (``backend.smtp_target.trusted_context``), or else by aiosmtplib's verifying default. A
certificate that fails is a temporary failure whose reply says why, logged as one line, so
fixing ``PIAOJIA_SMTP_CA_FILE`` or the server lets the queued mail go. A user name and password
are sent only over TLS: on plain smtp:// to a server that offers no STARTTLS the session ends
before AUTH (temporary, logged), never in clear text. Mail without a password still goes in
clear to such a server (as between mail servers).
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
import time
from dataclasses import dataclass

import aiosmtplib

from backend.smtp_target import SmtpTarget

log = logging.getLogger("piaojia.mail")
_QUEUED_AS = re.compile(r"queued as ([A-Za-z0-9._@<>=+/-]+)", re.IGNORECASE)
# A reused connection idle longer than this is checked with NOOP before it carries a message:
# servers close idle sessions, and a stale one must not cost the message an attempt.
_IDLE_CHECK_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Accepted:
    """The server took the message: its reply to DATA and the queue id found in it."""

    reply: str
    queue_id: str | None


class DeliveryFailure(Exception):
    """The message was not handed over; ``permanent`` says whether a later try can help."""

    def __init__(self, reply: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(reply)
        self.reply = reply
        self.permanent = permanent
        self.code = code


def queue_id_of(reply: str) -> str | None:
    """The server's id for an accepted message: Postfix and the mail sink say "queued as X";
    other servers' whole reply is the best id there is."""
    found = _QUEUED_AS.search(reply)
    if found:
        return found.group(1)
    return reply.strip()[:200] or None


class SmtpConnection:
    """One SMTP session, opened on first use and kept for the messages after it.

    Not shared between tasks: each relay worker owns one. Every operation is bounded by
    ``timeout`` seconds (connect, and each command), so a server that hangs costs a timeout,
    never a stuck worker; nothing here blocks the event loop.
    """

    def __init__(
        self,
        target: SmtpTarget,
        *,
        timeout: float,
        local_hostname: str,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self._target = target
        self._timeout = timeout
        # Given, never looked up: aiosmtplib's default calls socket.getfqdn(), which blocks.
        self._local_hostname = local_hostname
        self._tls_context = tls_context
        self._client: aiosmtplib.SMTP | None = None
        self._last_used = 0.0

    async def send(self, *, sender: str, recipient: str, message: bytes) -> Accepted:
        """Hand ``message`` to the server for ``recipient``; ``DeliveryFailure`` if not taken."""
        try:
            client = await self._ready_client()
            _, reply = await client.sendmail(sender, [recipient], message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0]
            raise _from_reply(refused.code, refused.message, about_message=True) from exc
        except (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError) as exc:
            raise _from_reply(exc.code, exc.message, about_message=True) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # A reply about the session (greeting, EHLO, AUTH, STARTTLS): not this message's fault.
            self._drop()
            raise _from_reply(exc.code, exc.message, about_message=False) from exc
        except aiosmtplib.SMTPNotSupported as exc:
            self._drop()
            raise DeliveryFailure(str(exc), permanent=True) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # Refused, reset, timed out or dropped: the session is gone or in an unknown state, so
            # it is dropped without a QUIT that could wait on the same stuck server.
            self._drop()
            untrusted = _certificate_refused(exc, self._target)
            if untrusted is not None:
                log.warning("%s", untrusted)
            raise DeliveryFailure(untrusted or _describe(exc), permanent=False) from exc
        self._last_used = time.monotonic()
        return Accepted(reply=reply, queue_id=queue_id_of(reply))

    async def _ready_client(self) -> aiosmtplib.SMTP:
        client = self._client
        if client is not None and client.is_connected:
            if time.monotonic() - self._last_used < _IDLE_CHECK_SECONDS:
                return client
            try:
                await client.noop()
                return client
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                self._drop()
        else:
            self._drop()
        target = self._target
        # The login is ours, not aiosmtplib's: it would send the password over a plain session.
        client = aiosmtplib.SMTP(
            hostname=target.host,
            port=target.port,
            use_tls=target.implicit_tls,
            start_tls=False if target.implicit_tls else None,  # None: STARTTLS when offered
            timeout=self._timeout,
            local_hostname=self._local_hostname,
            tls_context=self._tls_context,
            validate_certs=True,
        )
        await client.connect()
        if target.username is not None:
            if client.get_transport_info("sslcontext") is None:
                client.close()
                reason = (
                    f"not sending the SMTP password in clear to {target.host}:{target.port}: the "
                    "server offers no STARTTLS (use smtps:// or a server that offers STARTTLS)"
                )
                log.warning("%s", reason)
                raise DeliveryFailure(reason, permanent=False)
            try:
                await client.login(
                    target.username, target.password.reveal() if target.password else ""
                )
            except BaseException:
                client.close()
                raise
        self._client = client
        return client

    async def close(self) -> None:
        """End the session (QUIT if it still answers); the next send opens a new one."""
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await asyncio.wait_for(client.quit(), timeout=self._timeout)
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()

    def abort(self) -> None:
        """Drop the session at once, without QUIT: after a send was cut off mid-command."""
        self._drop()

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()


def _from_reply(code: int, message: str, *, about_message: bool) -> DeliveryFailure:
    text = f"{code} {message}".strip()
    return DeliveryFailure(text, permanent=about_message and 500 <= code < 600, code=code)


def _describe(exc: BaseException) -> str:
    kind = type(exc).__name__
    text = str(exc).strip()
    return f"{kind}: {text}" if text else kind


def _certificate_refused(exc: BaseException, target: SmtpTarget) -> str | None:
    """One line saying why the server's certificate was not accepted, if that is what ``exc``
    (or what caused it: aiosmtplib wraps the TLS error of smtps://) comes to."""
    seen: BaseException | None = exc
    for _ in range(8):  # a chain is short; the bound guards against a cycle
        if seen is None or isinstance(seen, ssl.SSLCertVerificationError):
            break
        seen = seen.__cause__ or seen.__context__
    if not isinstance(seen, ssl.SSLCertVerificationError):
        return None
    reason = (seen.verify_message or seen.reason or str(seen)).strip().rstrip(".")
    if "mismatch" in reason.lower():
        hint = "the URL must name the host the certificate is for"
    else:
        hint = "a private CA's certificate goes in PIAOJIA_SMTP_CA_FILE"
    return f"TLS certificate of {target.host}:{target.port} not accepted: {reason} ({hint})"
