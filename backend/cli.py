"""The ``piaojia`` command line. Scriptable: a command that creates something prints its id or
key alone on stdout; messages for people go to stderr."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from backend import db, sealing
from backend.accounting.cli import add_accounting_commands
from backend.backup.cli import add_backup_commands
from backend.config import Settings, SettingsError, load_settings
from backend.console.cli import add_staff_commands
from backend.documents.errors import PkiError
from backend.documents.fonts import FontsMissing
from backend.errors import DomainError
from backend.issuers.models import IssuerKind
from backend.keys.cli import add_keys_commands, reseal
from backend.keys.services import keyring_for
from backend.ledger_commands import add_ledger_commands
from backend.outbox.cli import add_outbox_commands
from backend.transit.cli import add_transit_commands
from backend.witness.cli import add_witness_commands

if TYPE_CHECKING:
    from backend.services import Services


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    applied = asyncio.run(db.migrate(settings.database_url))
    _say(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    # Migration 12 made the personal-data columns sealed bytes but has no key: what is still in
    # clear (rows from before it) is sealed here, so no migrated database keeps it.
    sealed = reseal(settings, batch=500, only_clear=True, quiet=True)
    if sealed:
        _say(f"sealed personal data in {sealed} row(s) written before sealing")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from backend.anchoring.keys import load_log_signer
    from backend.documents.fonts import check_fonts
    from backend.services import load_ca
    from backend.watching.serving import serve_options

    # What is missing stops here with one line, not with a traceback in each worker.
    sqlite = settings.database_url.startswith("sqlite")
    if args.workers > 1 and sqlite and settings.redis_url is None:
        raise SettingsError(
            "on SQLite without PIAOJIA_REDIS_URL the rate limits are counted in each process's "
            "memory: serve with one worker, or set PIAOJIA_REDIS_URL so the workers share them"
        )
    load_log_signer(settings)
    load_ca(settings)
    check_fonts()

    options: dict[str, Any] = {
        "factory": True,
        "host": args.host or settings.host,
        "port": args.port or settings.port,
        "workers": args.workers,
        "log_level": settings.log_level,
        "access_log": args.access_log,
        **serve_options(settings, workers=args.workers, access=args.access_log),
        # The client address comes from the socket; the app believes X-Forwarded-For only from
        # PIAOJIA_TRUSTED_PROXIES (backend.web.client_address), never uvicorn's 127.0.0.1 default.
        "proxy_headers": False,
        # SIGTERM: requests in flight get 20 s, then the relay and sequencer finish (app.py);
        # uvicorn raises it again after, a no-op with our handler: a clean stop exits 0.
        "timeout_graceful_shutdown": 20,
    }
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    if settings.demo and args.workers == 1:  # the demo prints its URLs once it listens
        from backend.demo.cli import serve_announcing

        serve_announcing(uvicorn.Config("backend.app:app_from_environment", **options), settings)
    else:
        uvicorn.run("backend.app:app_from_environment", **options)
    return 0


def cmd_issuer_create(settings: Settings, args: argparse.Namespace) -> int:
    from backend.documents.credentials import CredentialService
    from backend.issuers.services import IssuerService
    from backend.services import load_ca

    secret = settings.secret_key.reveal().encode()
    issuers = IssuerService(credentials=CredentialService(ca=load_ca(settings), secret=secret))

    async def work() -> int:
        issuer = await issuers.create(
            kind=IssuerKind(args.kind),
            name=args.name,
            credit_code=args.credit_code,
            region=args.region,
        )
        print(issuer.id)
        return 0

    return db.with_database(settings.database_url, work)


def _services(settings: Settings) -> Services:
    """Every service for ``settings``, for the commands that run on the app's services."""
    # Imported on use: the renderer it brings (pyHanko) would slow every other command.
    from backend.services import services_from_settings

    return services_from_settings(settings)


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from backend.demo.seed import seed_demo

    if not settings.demo:
        _say("piaojia: error: demo data is only seeded with PIAOJIA_DEMO=1")
        return 2
    services = _services(settings)
    return db.with_database(
        settings.database_url, lambda: seed_demo(settings, services, quiet=args.quiet)
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="piaojia",
        description="Piaojia (票夹): e-receipts on a witnessed ledger. "
        "The database comes from PIAOJIA_DATABASE_URL (sqlite://… or postgres://…).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate = commands.add_parser("migrate", help="apply database migrations (safe to repeat)")
    migrate.set_defaults(run=cmd_migrate)

    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", help="address to listen on (default: PIAOJIA_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PIAOJIA_PORT)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    serve.add_argument(
        "--no-access-log", dest="access_log", action="store_false", help="do not log requests"
    )
    serve.set_defaults(run=cmd_serve)

    issuer = commands.add_parser("issuer", help="manage issuers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    issuer_create = issuer.add_parser(
        "create", help="register an issuer; prints its id alone on stdout"
    )
    issuer_create.add_argument("--kind", required=True, choices=[k.value for k in IssuerKind])
    issuer_create.add_argument("--name", required=True)
    issuer_create.add_argument("--credit-code", required=True, help="18-character 统一社会信用代码")
    issuer_create.add_argument(
        "--region", required=True, help="6-digit 行政区划代码, e.g. 440100 for Guangzhou"
    )
    issuer_create.set_defaults(run=cmd_issuer_create)

    add_staff_commands(commands)

    add_ledger_commands(commands, _services)

    add_witness_commands(commands)
    add_outbox_commands(commands, _services)
    add_transit_commands(commands)
    add_accounting_commands(commands, _services)
    add_keys_commands(commands)
    add_backup_commands(commands)

    demo = commands.add_parser(
        "demo",
        help="seed the demo hospital and metro (PIAOJIA_DEMO=1): staff keys, console logins, "
        "a receipt, riders' trips; prints them and the URLs to open",
    )
    demo.add_argument(
        "--quiet", action="store_true", help="print only errors (piaojia serve prints the URLs)"
    )
    demo.set_defaults(run=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # Checking someone else's ledger needs none of this service's settings.
        settings = load_settings() if getattr(args, "needs_settings", True) else None
    except SettingsError as exc:
        _say(f"piaojia: configuration error: {exc}")
        return 2
    if settings is not None:
        sealing.install(keyring_for(settings))
    try:
        code: int = args.run(settings, args)
    except DomainError as exc:
        _say(f"piaojia: error: {exc.message}")
        return 1
    except (SettingsError, PkiError, FontsMissing) as exc:
        _say(f"piaojia: configuration error: {exc}")
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
