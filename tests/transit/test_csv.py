"""``piaojia import-trips``: a 50,000-row file twice gives 50,000 trips; an interrupted run
resumes where it stopped and still imports each trip once."""

from __future__ import annotations

import argparse
import asyncio
import csv
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backend import db
from backend.clock import utc_now
from backend.config import Settings
from backend.issuers.models import Issuer, IssuerKind
from backend.transit.cli import cmd_import_trips
from backend.transit.csv_import import COLUMNS, import_csv, progress_path
from backend.transit.models import Trip
from backend.transit.trips import TripImporter
from tests.factories import credit_code

START = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)


def write_csv(path: Path, rows: int, *, bad_every: int = 0) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for n in range(rows):
            exit_at = START + timedelta(seconds=37 * n)
            fare = "x" if bad_every and n % bad_every == 0 else f"{2 + n % 7}.00"
            writer.writerow(
                [
                    f"GZM-{n:09d}",
                    f"o{n % 5000:027d}" if n % 3 else "",
                    "" if n % 3 else f"3101{n % 9000:06d}",
                    "体育西路",
                    (exit_at - timedelta(minutes=9)).isoformat(),
                    "珠江新城, 东出口" if n % 11 == 0 else "珠江新城",
                    exit_at.isoformat(),
                    fare,
                    "card" if n % 3 == 0 else "qrcode",
                ]
            )


async def _metro_issuer(database_url: str) -> uuid.UUID:
    await db.open_database(database_url)
    try:
        issuer = await Issuer.create(
            kind=IssuerKind.TRANSIT,
            name="广州测试地铁",
            credit_code=credit_code(9_000_001),
            region="440100",
        )
        return issuer.id
    finally:
        await db.close_database()


async def _count(database_url: str) -> int:
    await db.open_database(database_url)
    try:
        return await Trip.all().count()
    finally:
        await db.close_database()


def test_fifty_thousand_rows_twice_make_fifty_thousand_trips(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "trips.csv"
    write_csv(path, 50_000)
    issuer_id = asyncio.run(_metro_issuer(settings.database_url))
    args = argparse.Namespace(file=str(path), issuer=issuer_id, batch=5000, quiet=False)

    assert cmd_import_trips(settings, args) == 0
    first = capsys.readouterr()
    assert first.out.strip() == "50000"
    assert "50000 rows: 50000 new, 0 duplicates, 0 rejected" in first.err
    assert "100.0%" in first.err  # the progress bar reached the end

    assert cmd_import_trips(settings, args) == 0
    second = capsys.readouterr()
    assert second.out.strip() == "0"
    assert "50000 rows: 0 new, 50000 duplicates, 0 rejected" in second.err
    assert asyncio.run(_count(settings.database_url)) == 50_000
    assert not progress_path(path).exists()


class Interrupted(Exception):
    pass


def test_an_interrupted_import_resumes(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "trips.csv"
    write_csv(path, 2_500, bad_every=1000)
    issuer_id = asyncio.run(_metro_issuer(settings.database_url))

    async def run(stop_after: int | None) -> object:
        await db.open_database(settings.database_url)
        batches = 0

        def on_batch(progress: object, total: int) -> None:
            nonlocal batches
            batches += 1
            if stop_after is not None and batches == stop_after:
                raise Interrupted

        try:
            issuer = await Issuer.get(id=issuer_id)
            return await import_csv(
                TripImporter(clock=utc_now), issuer, path, batch_rows=1000, on_batch=on_batch
            )
        finally:
            await db.close_database()

    with pytest.raises(Interrupted):
        asyncio.run(run(stop_after=1))
    assert progress_path(path).exists()
    assert asyncio.run(_count(settings.database_url)) == 999

    done = asyncio.run(run(stop_after=None))

    assert done.resumed_from_line == 1002  # type: ignore[attr-defined]
    assert done.rows == 2_500  # type: ignore[attr-defined]
    assert (done.new, done.duplicates, done.rejected) == (2_497, 0, 3)  # type: ignore[attr-defined]
    # Rejected rows are named by their record number in the file (the header is record 1).
    assert [r.index for r in done.rejects] == [2, 1002, 2002]  # type: ignore[attr-defined]
    assert asyncio.run(_count(settings.database_url)) == 2_497
    assert not progress_path(path).exists()


def test_a_file_without_the_columns_is_refused(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "trips.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    issuer_id = asyncio.run(_metro_issuer(settings.database_url))
    args = argparse.Namespace(file=str(path), issuer=issuer_id, batch=5000, quiet=True)

    assert cmd_import_trips(settings, args) == 1
    assert "lacks the columns ref, entry_station, exit_station, fare" in capsys.readouterr().err
    unknown = argparse.Namespace(file=str(path), issuer=uuid.uuid4(), batch=5000, quiet=True)
    assert cmd_import_trips(settings, unknown) == 1
    assert asyncio.run(_count(settings.database_url)) == 0
