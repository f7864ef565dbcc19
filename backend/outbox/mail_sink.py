"""The local mail sink: an SMTP server that writes each message it gets as an .eml file.

``make run`` (demo mode) starts it with the app, and ``piaojia mail-sink`` runs it alone, so a
newcomer can open the mail the system sent (``var/mail/*.eml``) in any mail program. It accepts
any sender and recipient and never relays anything anywhere.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from backend.smtp_target import SmtpTarget

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class EmlWriter:
    """aiosmtpd handler: each message becomes ``<time>-<random>.eml`` in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        stem = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(4)
        # What an MTA adds on delivery: who sent it and to whom, from the envelope.
        recipients = ", ".join(envelope.rcpt_tos)
        head = f"Return-Path: <{envelope.mail_from}>\r\nDelivered-To: {recipients}\r\n"
        await asyncio.to_thread(self._write, stem, head.encode() + content)
        return f"250 2.0.0 Ok: queued as {stem}"

    def _write(self, stem: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: a reader never sees half a message.
        partial = self.directory / f".{stem}.part"
        partial.write_bytes(data)
        os.replace(partial, self.directory / f"{stem}.eml")


class LocalSmtpServer:
    """An aiosmtpd server on the running event loop (no thread), stopped with ``stop``."""

    def __init__(
        self, handler: Any, *, host: str = "127.0.0.1", port: int = 0, hostname: str = "localhost"
    ) -> None:
        self._handler = handler
        self._host = host
        self._port = port
        # Given so aiosmtpd never calls socket.getfqdn(), which blocks the event loop.
        self._hostname = hostname
        self._server: asyncio.Server | None = None
        self._sessions: weakref.WeakSet[SMTP] = weakref.WeakSet()

    @property
    def port(self) -> int:
        """The port listened on (the one picked by the system when 0 was asked for)."""
        if self._server is None:
            return self._port
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self) -> None:
        """Listen; raises ``OSError`` if the port is taken."""
        loop = asyncio.get_running_loop()

        def session() -> SMTP:
            protocol = SMTP(self._handler, hostname=self._hostname, loop=loop)
            self._sessions.add(protocol)
            return protocol

        self._server = await loop.create_server(session, self._host, self._port)

    async def stop(self) -> None:
        """Stop listening and close every open session."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for protocol in list(self._sessions):
            if protocol.transport is not None:
                protocol.transport.close()
        await server.wait_closed()


class MailSink(LocalSmtpServer):
    """The demo mail sink: ``LocalSmtpServer`` with ``EmlWriter`` on ``directory``."""

    def __init__(self, directory: Path, *, host: str = "127.0.0.1", port: int = 8025) -> None:
        super().__init__(EmlWriter(directory), host=host, port=port, hostname="piaojia-mail-sink")
        self.directory = directory


def demo_sink_for(smtp_url: str, directory: Path) -> MailSink | None:
    """The sink demo mode starts: on the host and port ``PIAOJIA_SMTP_URL`` names, when that
    is plain SMTP on this machine (the default); ``None`` for a real server."""
    target = SmtpTarget.parse(smtp_url)
    if target.host not in LOCAL_HOSTS or target.implicit_tls:
        return None
    return MailSink(directory, host=target.host, port=target.port)
