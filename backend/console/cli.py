"""``piaojia staff …``: staff API keys, the list of an issuer's staff, console passwords."""

from __future__ import annotations

import argparse
import getpass
import sys
import uuid
from collections.abc import Callable
from typing import Any

from backend import db
from backend.config import Settings
from backend.issuers.models import StaffRole


def _uuid(what: str) -> Callable[[str], uuid.UUID]:
    def parse(text: str) -> uuid.UUID:
        try:
            return uuid.UUID(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} (a UUID)") from exc

    return parse


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _read_password() -> str:
    if not sys.stdin.isatty():
        # The first line of standard input, for scripts: printf '%s\n' "$PASSWORD" | piaojia …
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("new console password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("piaojia: the two passwords differ; nothing was changed")
    return first


def cmd_staff_create(settings: Settings, args: argparse.Namespace) -> int:
    """Create a staff member: its API key alone on stdout (for scripts), its id on stderr."""
    from backend.issuers.services import StaffService

    async def work() -> int:
        service = StaffService(secret_key=settings.secret_key.reveal().encode())
        staff, api_key = await service.create(
            issuer_id=args.issuer, role=StaffRole(args.role), name=args.name
        )
        print(api_key)
        _say(f"staff id {staff.id} (piaojia staff set-password --staff {staff.id} gives a login)")
        _say("this key is shown once and stored only as a hash: keep it now")
        return 0

    return db.with_database(settings.database_url, work)


def cmd_staff_list(settings: Settings, args: argparse.Namespace) -> int:
    """Print the issuer's staff, active and revoked, as a table: id, login, role, active.
    An unknown issuer exits 2 with one line saying so."""
    from backend.console.models import StaffPassword
    from backend.issuers.models import Issuer, Staff

    async def work() -> int:
        if not await Issuer.exists(id=args.issuer):
            _say(f"piaojia: error: 没有这个开票单位 (no issuer has the id {args.issuer})")
            return 2
        people = await Staff.filter(issuer_id=args.issuer).order_by("created_at", "id")
        logins = {
            row.staff_id: row.login  # type: ignore[attr-defined]
            for row in await StaffPassword.filter(staff_id__in=[p.id for p in people])
        }
        rows = [("id", "login", "role", "active", "name")] + [
            (
                str(p.id),
                logins.get(p.id, "-"),
                str(p.role),
                "no" if p.revoked_at else "yes",
                p.name,
            )
            for p in people
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[4])
        return 0

    return db.with_database(settings.database_url, work)


def cmd_set_password(settings: Settings, args: argparse.Namespace) -> int:
    """Set a staff member's console password (and login name) read from stdin or a prompt;
    prints the login name alone on stdout. Ends the staff member's console sessions. The
    staff member is ``--staff ID``, or without it the one whose login is ``--login NAME``;
    an unknown login exits 2 with one line saying so, having changed nothing.

    Domain errors (unknown staff, weak password, login taken) propagate to ``main``, which
    prints them and exits 1 having changed nothing."""
    from backend.clock import utc_now
    from backend.console.models import StaffPassword
    from backend.console.services import ConsoleService
    from backend.issuers.services import StaffService

    service = ConsoleService(
        staff=StaffService(secret_key=settings.secret_key.reveal().encode()), clock=utc_now
    )

    if args.staff is None and not args.login:
        _say("piaojia: error: 请指明员工 (name the staff member: --staff ID or --login NAME)")
        return 2

    async def work() -> int:
        staff_id = args.staff
        if staff_id is None:
            found = await StaffPassword.get_or_none(login=args.login.strip())
            if found is None:
                _say(
                    f"piaojia: error: 没有登录名为 {args.login!r} 的员工 (no staff member has "
                    f"the console login {args.login!r}; piaojia staff list --issuer ID shows them)"
                )
                return 2
            staff_id = found.staff_id  # type: ignore[attr-defined]
        password = _read_password()
        login = await service.set_password(staff_id, password, login=args.login)
        print(login)
        return 0

    return db.with_database(settings.database_url, work)


def add_staff_commands(commands: Any) -> None:
    """Add ``staff`` and its actions (create, list, set-password) to the top-level commands
    (``commands`` is what the parser's ``add_subparsers`` returned). Each action stores its
    function as ``run``, called as ``args.run(settings, args)``."""
    staff = commands.add_parser(
        "staff", help="manage staff: API keys, the list, console passwords"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    create = staff.add_parser(
        "create",
        help="create a staff member; prints the new API key alone on stdout, its id on stderr",
    )
    create.add_argument("--issuer", required=True, type=_uuid("an issuer id"), help="issuer id")
    create.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    create.add_argument("--name", required=True)
    create.set_defaults(run=cmd_staff_create)

    listing = staff.add_parser(
        "list", help="list an issuer's staff: id, console login, role, active, name"
    )
    listing.add_argument("--issuer", required=True, type=_uuid("an issuer id"), help="issuer id")
    listing.set_defaults(run=cmd_staff_list)

    set_password = staff.add_parser(
        "set-password",
        help="set a staff member's console password (read from stdin or a prompt); "
        "prints the login name alone on stdout",
        description="Name the staff member by --staff ID (see piaojia staff list), or by "
        "--login NAME alone for one who has a console login already.",
    )
    set_password.add_argument("--staff", type=_uuid("a staff id"), help="staff id")
    set_password.add_argument(
        "--login",
        help="with --staff: the console login name to give (default: the current one, else "
        "the staff name); alone: the login of the staff member whose password to set",
    )
    set_password.set_defaults(run=cmd_set_password)
