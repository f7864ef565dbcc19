"""Streaming import of the fare system's CSV files, resumable after an interruption.

The file is read line by line in binary (its byte offset is known exactly) and sent to the
database in batches through the same checks as the API. After each committed batch, a small
progress file beside the CSV records the byte offset and the counts so far; a new run over
the same file (same size and first line) starts from there. Because import is idempotent by
trip reference, a crash between a commit and the progress write only re-sends one batch, whose
trips then count as duplicates: nothing is ever imported twice.

Columns (header row required, any order): ref, rider_openid, rider_card, entry_station,
entry_at, exit_station, exit_at, fare, channel. Times are ISO 8601 with an offset.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from backend.issuers.models import Issuer
from backend.transit.trips import Rejected, TripImporter, check_rows

COLUMNS = (
    "ref",
    "rider_openid",
    "rider_card",
    "entry_station",
    "entry_at",
    "exit_station",
    "exit_at",
    "fare",
    "channel",
)
BATCH_ROWS = 5000
KEPT_REJECTS = 1000  # listed one by one; beyond that only counted


class CsvImportError(Exception):
    """The file cannot be imported at all (missing columns, not UTF-8); the message says why."""


@dataclass
class Progress:
    """Where an import stands: the byte offset after the last committed batch, and counts."""

    fingerprint: str
    offset: int = 0
    line: int = 1  # record number in the file, the header being 1
    rows: int = 0
    new: int = 0
    duplicates: int = 0
    rejected: int = 0
    resumed_from_line: int = 0
    rejects: list[Rejected] = field(default_factory=list)


def progress_path(csv_path: Path) -> Path:
    return csv_path.with_name(csv_path.name + ".progress.json")


def _fingerprint(csv_path: Path) -> str:
    # Size and first line: a different or rewritten file does not resume from a stale offset.
    with csv_path.open("rb") as f:
        first = f.readline()
    return f"{csv_path.stat().st_size}:{hashlib.sha256(first).hexdigest()}"


def _row_to_trip(row: dict[str, str]) -> dict[str, Any]:
    rider: dict[str, str] = {}
    if row.get("rider_openid"):
        rider["openid"] = row["rider_openid"]
    if row.get("rider_card"):
        rider["card"] = row["rider_card"]
    return {
        "ref": row.get("ref", ""),
        "rider": rider,
        "entry": {"station": row.get("entry_station", ""), "at": row.get("entry_at", "")},
        "exit": {"station": row.get("exit_station", ""), "at": row.get("exit_at", "")},
        "fare": row.get("fare", ""),
        "channel": row.get("channel", ""),
    }


def _records(f: Any, start: int) -> Iterator[tuple[list[str], int]]:
    """CSV records with the byte offset just after each (quoted newlines are handled)."""
    position = start

    def lines() -> Iterator[str]:
        nonlocal position
        for raw in iter(f.readline, b""):
            position += len(raw)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CsvImportError(f"the file is not UTF-8 near byte {position}") from exc

    for record in csv.reader(lines()):
        yield record, position


async def import_csv(
    service: TripImporter,
    issuer: Issuer,
    csv_path: Path,
    *,
    batch_rows: int = BATCH_ROWS,
    on_batch: Callable[[Progress, int], None] | None = None,
) -> Progress:
    """Import ``csv_path`` for ``issuer``, resuming where an earlier run stopped.

    Guarantees: every valid row is imported exactly once however often the run is interrupted
    and restarted; rejected rows are counted and kept with their line numbers; ``on_batch``
    is called after each committed batch with the progress and the file size. The progress
    file is removed once the whole file is in.
    """
    total = csv_path.stat().st_size
    saved = progress_path(csv_path)
    fingerprint = _fingerprint(csv_path)
    progress = Progress(fingerprint=fingerprint)
    if saved.exists():
        stored = json.loads(saved.read_text(encoding="utf-8"))
        if stored.get("fingerprint") == fingerprint:
            stored["rejects"] = [Rejected(**r) for r in stored.get("rejects", [])]
            progress = Progress(**stored)
            progress.resumed_from_line = progress.line + 1
    with csv_path.open("rb") as f:
        header_raw = f.readline()
        try:
            header = next(csv.reader([header_raw.decode("utf-8-sig")]))
        except (StopIteration, UnicodeDecodeError) as exc:
            raise CsvImportError("the file has no UTF-8 header row") from exc
        missing = [c for c in ("ref", "entry_station", "exit_station", "fare") if c not in header]
        if missing:
            raise CsvImportError(f"the header lacks the columns {', '.join(missing)}")
        start = max(progress.offset, len(header_raw))
        f.seek(start)
        batch: list[dict[str, Any]] = []
        numbers: list[int] = []
        line = progress.line
        for record, offset in _records(f, start):
            line += 1
            if not record:
                continue
            batch.append(_row_to_trip(dict(zip(header, record, strict=False))))
            numbers.append(line)
            if len(batch) >= batch_rows:
                await _commit(service, issuer, batch, numbers, progress, offset, line, saved)
                if on_batch is not None:
                    on_batch(progress, total)
                batch, numbers = [], []
        if batch:
            await _commit(service, issuer, batch, numbers, progress, total, line, saved)
            if on_batch is not None:
                on_batch(progress, total)
    saved.unlink(missing_ok=True)
    return progress


async def _commit(
    service: TripImporter,
    issuer: Issuer,
    batch: list[dict[str, Any]],
    numbers: list[int],
    progress: Progress,
    offset: int,
    line: int,
    saved: Path,
) -> None:
    good, rejected = check_rows(batch)
    # Reported by record number in the file (the header is 1), not by place in the batch.
    rejected = [Rejected(numbers[r.index], r.code, r.message) for r in rejected]
    new = await service.insert_trips(issuer, good) if good else 0
    progress.rows += len(batch)
    progress.new += new
    progress.duplicates += len(good) - new
    progress.rejected += len(rejected)
    progress.rejects.extend(rejected[: max(0, KEPT_REJECTS - len(progress.rejects))])
    progress.offset, progress.line = offset, line
    # Written to a temporary name and renamed: an interruption never leaves half a file.
    temporary = saved.with_name(saved.name + ".tmp")
    temporary.write_text(json.dumps(asdict(progress), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, saved)
