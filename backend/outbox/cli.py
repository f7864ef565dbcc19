"""``piaojia relay`` and ``piaojia mail-sink``: the outbox's loop and the demo mail sink, each
run alone until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from backend import db
from backend.config import Settings
from backend.outbox.mail_sink import MailSink
from backend.outbox.relay import Relay
from backend.smtp_target import SmtpTarget


class Closable(Protocol):
    def close(self) -> None: ...


class RelayServices(Protocol):
    """What ``piaojia relay`` runs on: the relay and the renderer it attaches PDFs with."""

    @property
    def relay(self) -> Relay: ...

    @property
    def documents(self) -> Closable: ...


# Builds the services for some settings; given by ``backend.cli``, which wires the whole app.
RelayServicesBuilder = Callable[[Settings], RelayServices]


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


def cmd_relay(
    build_services: RelayServicesBuilder, settings: Settings, args: argparse.Namespace
) -> int:
    """Run the relay alone: sends due mail and queues due reminders until stopped.

    Safe next to the app's own relays and other ``piaojia relay`` processes: each message is
    claimed by one relay at a time (see ``backend.outbox.relay``).
    """
    services = build_services(settings)

    async def work() -> int:
        stop = _stop_on_signals()
        await db.open_database(settings.database_url)
        _say(f"relaying mail to {SmtpTarget.parse(settings.smtp_url.reveal())} until stopped")
        try:
            await services.relay.run(stop)
        finally:
            await db.close_database()
            services.documents.close()
        return 0

    return asyncio.run(work())


def cmd_mail_sink(settings: Settings | None, args: argparse.Namespace) -> int:
    """Run the local mail sink alone: every message it gets becomes an .eml file."""
    directory = Path(args.directory)

    async def work() -> int:
        stop = _stop_on_signals()
        sink = MailSink(directory, host=args.host, port=args.port)
        try:
            await sink.start()
        except OSError as exc:
            _say(f"piaojia: error: cannot listen on {args.host}:{args.port}: {exc.strerror}")
            return 1
        _say(f"mail sink on smtp://{args.host}:{sink.port}, writing .eml files to {directory}/")
        try:
            await stop.wait()
        finally:
            await sink.stop()
        return 0

    return asyncio.run(work())


def add_outbox_commands(subparsers: Any, build_services: RelayServicesBuilder) -> None:
    """Add ``relay`` and ``mail-sink`` to the ``piaojia`` command line; ``relay`` runs on the
    services ``build_services`` wires."""
    relay = subparsers.add_parser(
        "relay",
        help="run only the mail relay until stopped; the app runs one too, "
        "and any number may share one database",
    )
    relay.set_defaults(run=functools.partial(cmd_relay, build_services))
    sink = subparsers.add_parser(
        "mail-sink",
        help="run a local SMTP server that writes each message as an .eml file (for demos)",
    )
    sink.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    sink.add_argument("--port", type=int, default=8025, help="port to listen on (8025)")
    sink.add_argument(
        "--directory", default="var/mail", help="where to write the .eml files (var/mail)"
    )
    sink.set_defaults(run=cmd_mail_sink, needs_settings=False)
