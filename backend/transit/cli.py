"""``piaojia import-trips FILE.csv --issuer ID``: the fare system's files into the database."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from pathlib import Path
from typing import Any

from backend import db
from backend.config import Settings
from backend.issuers.models import Issuer, IssuerKind
from backend.progress import ProgressBar
from backend.transit.csv_import import (
    BATCH_ROWS,
    COLUMNS,
    CsvImportError,
    Progress,
    import_csv,
    progress_path,
)

SHOWN_REJECTS = 20


def _summary(progress: Progress, csv_path: Path) -> str:
    lines = []
    if progress.resumed_from_line:
        lines.append(f"resumed at record {progress.resumed_from_line} of {csv_path}")
    lines.append(
        f"{progress.rows} rows: {progress.new} new, {progress.duplicates} duplicates, "
        f"{progress.rejected} rejected"
    )
    for reject in progress.rejects[:SHOWN_REJECTS]:
        lines.append(f"  record {reject.index}: {reject.code}: {reject.message}")
    if progress.rejected > SHOWN_REJECTS:
        lines.append(f"  … and {progress.rejected - SHOWN_REJECTS} more rejected rows")
    return "\n".join(lines)


def cmd_import_trips(settings: Settings, args: argparse.Namespace) -> int:
    """Import one CSV file; 0 when done (even with rejected rows), 1 when it cannot start.

    Prints the summary on stderr, and on stdout the number of new trips alone (scriptable).
    An interrupted run (Ctrl-C, crash) is resumed by running the same command again.
    """
    csv_path = Path(args.file)
    if not csv_path.is_file():
        print(f"import-trips: no file {csv_path}", file=sys.stderr)
        return 1

    # Imported here, not at the top: every other command starts without the services' imports.
    from backend.clock import utc_now
    from backend.transit.trips import TripImporter

    async def run() -> int:
        await db.open_database(settings.database_url)
        try:
            issuer = await Issuer.get_or_none(id=args.issuer)
            if issuer is None or issuer.kind != IssuerKind.TRANSIT:
                print(f"import-trips: no transit issuer {args.issuer}", file=sys.stderr)
                return 1
            service = TripImporter(clock=utc_now)
            bar = ProgressBar(sys.stderr)

            def show(progress: Progress, total: int) -> None:
                bar(progress.offset, total, progress.rows)

            progress = await import_csv(
                service,
                issuer,
                csv_path,
                batch_rows=args.batch,
                on_batch=None if args.quiet else show,
            )
        except CsvImportError as exc:
            print(f"\nimport-trips: {exc}", file=sys.stderr)
            return 1
        finally:
            await db.close_database()
        if not args.quiet:
            sys.stderr.write("\n")
        print(_summary(progress, csv_path), file=sys.stderr)
        print(progress.new)
        return 0

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        print(
            f"\nimport-trips: interrupted; run the same command again to resume "
            f"(progress in {progress_path(csv_path)})",
            file=sys.stderr,
        )
        return 130


def add_transit_commands(subparsers: Any) -> None:
    """Add ``import-trips`` to the ``piaojia`` command's subparsers."""
    parser = subparsers.add_parser(
        "import-trips",
        help="import a CSV file of trips from the fare system (resumable, idempotent)",
        description="Columns: " + ", ".join(COLUMNS) + ". Safe to re-run: known trip "
        "references are skipped, and an interrupted run continues where it stopped.",
    )
    parser.add_argument("file", help="the CSV file (UTF-8, header row)")
    parser.add_argument("--issuer", type=uuid.UUID, required=True, help="the metro issuer's id")
    parser.add_argument("--batch", type=int, default=BATCH_ROWS, help="rows per transaction")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=cmd_import_trips)
