"""``piaojia receipts export --issuer ID --from DAY --to DAY --format xml|csv``: an issuer's
accounting data, streamed to stdout (or ``--output FILE``) with a progress bar on stderr."""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from backend import db
from backend.chinatime import parse_day
from backend.config import Settings
from backend.issuers.models import Issuer
from backend.progress import ProgressBar

if TYPE_CHECKING:  # the renderer they bring (pyHanko) would slow every command
    from backend.documents.services import DocumentService
    from backend.receipts.services import ReceiptService


class ExportServices(Protocol):
    """What ``receipts export`` reads with: the receipts and their accounting copies."""

    @property
    def receipts(self) -> ReceiptService: ...

    @property
    def documents(self) -> DocumentService: ...


# Builds the services for some settings; given by ``backend.cli``, which wires the whole app.
ExportServicesBuilder = Callable[[Settings], ExportServices]


def cmd_export(
    build_services: ExportServicesBuilder, settings: Settings, args: argparse.Namespace
) -> int:
    """Export; 0 when done, 1 for an unknown issuer or a bad span (said on stderr)."""
    # Imported here, not at the top: the renderer they bring (pyHanko) would slow every command.
    from backend.accounting.export import Exporter

    try:
        first, last = parse_day(args.first), parse_day(args.last)
    except ValueError as exc:
        print(f"receipts export: {exc}", file=sys.stderr)
        return 1
    if last < first:
        print("receipts export: --to is before --from", file=sys.stderr)
        return 1
    services = build_services(settings)
    exporter = Exporter(receipts=services.receipts, documents=services.documents)

    async def run(out: BinaryIO) -> int:
        await db.open_database(settings.database_url)
        try:
            issuer = await Issuer.get_or_none(id=args.issuer)
            if issuer is None:
                print(f"receipts export: no issuer {args.issuer}", file=sys.stderr)
                return 1
            total = await exporter.count(issuer, first, last)
            bar = None if args.quiet else ProgressBar(sys.stderr)

            def progress(done: int) -> None:
                if bar is not None:
                    bar(done, total, done)

            done = await exporter.write(issuer, first, last, args.format, out, progress)
        finally:
            await db.close_database()
        if not args.quiet:
            sys.stderr.write("\n")
        print(f"exported {done} receipt(s) as {args.format}", file=sys.stderr)
        return 0

    try:
        if args.output:
            with Path(args.output).open("wb") as out:
                return asyncio.run(run(out))
        return asyncio.run(run(sys.stdout.buffer))
    finally:
        services.documents.close()


def add_accounting_commands(subparsers: Any, build_services: ExportServicesBuilder) -> None:
    """Add ``receipts export`` to the ``piaojia`` command's subparsers; it reads with the
    services ``build_services`` wires."""
    receipts = subparsers.add_parser("receipts", help="an issuer's receipts").add_subparsers(
        dest="receipts_command", required=True, metavar="COMMAND"
    )
    export = receipts.add_parser(
        "export",
        help="the accounting data (电子凭证会计数据) of an issuer's receipts, as XML or CSV",
        description="Streams the issuer's copy of every receipt issued in the span (China "
        "days, both included), oldest first: XML (each receipt valid against efi.xsd or "
        "einv.xsd) or CSV (UTF-8 with a BOM).",
    )
    export.add_argument("--issuer", type=uuid.UUID, required=True, help="the issuer's id")
    export.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
    export.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
    export.add_argument("--format", choices=("xml", "csv"), default="xml")
    export.add_argument("--output", help="write to this file instead of stdout")
    export.add_argument("--quiet", action="store_true", help="no progress bar")
    export.set_defaults(run=functools.partial(cmd_export, build_services))
