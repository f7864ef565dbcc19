"""``piaojia staff set-password``: give a staff member a console login and password."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import uuid
from typing import Any

from backend import db
from backend.config import Settings


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a staff id (a UUID)") from exc


def _read_password() -> str:
    if not sys.stdin.isatty():
        # The first line of standard input, for scripts: printf '%s\n' "$PASSWORD" | piaojia …
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("new console password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("piaojia: the two passwords differ; nothing was changed")
    return first


def cmd_set_password(settings: Settings, args: argparse.Namespace) -> int:
    """Set a staff member's console password (and login name) read from stdin or a prompt;
    prints the login name alone on stdout. Ends the staff member's console sessions.

    Domain errors (unknown staff, weak password, login taken) propagate to ``main``, which
    prints them and exits 1 having changed nothing."""
    from backend.console.services import ConsoleService
    from backend.issuers.services import StaffService
    from backend.services import utc_now

    password = _read_password()
    service = ConsoleService(
        staff=StaffService(secret_key=settings.secret_key.reveal().encode()), clock=utc_now
    )

    async def work() -> int:
        await db.open_database(settings.database_url)
        try:
            login = await service.set_password(args.staff, password, login=args.login)
        finally:
            await db.close_database()
        print(login)
        return 0

    return asyncio.run(work())


def add_console_commands(subparsers: Any) -> None:
    """Add ``set-password`` to the ``staff`` command's actions (``subparsers`` is what
    ``staff``'s ``add_subparsers`` returned). The command stores its function as ``run``,
    called as ``args.run(settings, args)``."""
    set_password = subparsers.add_parser(
        "set-password",
        help="set a staff member's console password (read from stdin or a prompt); "
        "prints the login name alone on stdout",
    )
    set_password.add_argument("--staff", required=True, type=_uuid, help="staff id")
    set_password.add_argument(
        "--login", help="console login name (default: the current one, else the staff name)"
    )
    set_password.set_defaults(run=cmd_set_password)
