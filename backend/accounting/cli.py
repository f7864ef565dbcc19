"""``piaojia receipts export --issuer ID --from DAY --to DAY --format xml|csv``: an issuer's
accounting data, streamed to stdout (or ``--output FILE``) with a progress bar on stderr."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from pathlib import Path
from typing import Any, BinaryIO

from backend import db
from backend.chinatime import parse_day
from backend.config import Settings
from backend.issuers.models import Issuer
from backend.progress import ProgressBar


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    """Export; 0 when done, 1 for an unknown issuer or a bad span (said on stderr)."""
    # Imported here, not at the top: the renderer they bring (pyHanko) would slow every command.
    from backend.accounting.export import Exporter
    from backend.services import services_from_settings

    try:
        first, last = parse_day(args.first), parse_day(args.last)
    except ValueError as exc:
        print(f"receipts export: {exc}", file=sys.stderr)
        return 1
    if last < first:
        print("receipts export: --to is before --from", file=sys.stderr)
        return 1
    services = services_from_settings(settings)
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


def add_accounting_commands(subparsers: Any) -> None:
    """Add ``receipts export`` to the ``piaojia`` command's subparsers."""
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
    export.set_defaults(run=cmd_export)
