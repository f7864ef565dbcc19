"""``piaojia keys``: make a data key, see which keys seal what, re-seal under the current key."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from typing import Any

from backend import db
from backend.config import Settings
from backend.keys.services import Progress, Resealer, keyring_for

ROTATION = """\
Rotating the key that seals personal data at rest:
  1. piaojia keys new                      prints a fresh key
  2. PIAOJIA_DATA_KEYS=NEW,OLD...          the new key first, every older one after it
     (the key derived from PIAOJIA_SECRET_KEY is always in the ring; it need not be listed)
  3. restart every piaojia process, so new rows are sealed under the new key
  4. piaojia keys rotate                   re-seals every row still under an older key
  5. piaojia keys status                   shows one key id left; drop older keys from the list
The rotation works in batches, each committed on its own: interrupt it and run it again, it
goes on from what is left. Searches keep finding rows under either key meanwhile."""


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _progress(progress: Progress) -> None:
    _say(
        f"{progress.table}: {progress.checked}/{progress.total} rows checked, "
        f"{progress.resealed} re-sealed"
    )


def reseal(settings: Settings, *, batch: int, only_clear: bool, quiet: bool = False) -> int:
    """Re-seal the database; returns how many rows were rewritten. Where ``only_clear`` sealed
    anything, the tables' files are rewritten too, so no free page keeps the clear values."""
    ring = keyring_for(settings)

    async def work() -> int:
        resealer = Resealer(ring, batch=batch, only_clear=only_clear)
        done = await resealer.run(None if quiet else _progress)
        rewritten = sum(p.resealed for p in done)
        if only_clear and rewritten:
            await resealer.scrub()
        return rewritten

    rewritten: int = asyncio.run(_on_database(settings, work))
    return rewritten


async def _on_database(settings: Settings, work: Any) -> Any:
    await db.open_database(settings.database_url)
    try:
        return await work()
    finally:
        await db.close_database()


def cmd_keys_new(settings: Settings | None, args: argparse.Namespace) -> int:
    print(secrets.token_urlsafe(32))
    return 0


def cmd_keys_rotate(settings: Settings, args: argparse.Namespace) -> int:
    ring = keyring_for(settings)
    _say(f"re-sealing under key {ring.current.name} in batches of {args.batch}")
    rewritten = reseal(settings, batch=args.batch, only_clear=False)
    _say(f"done: {rewritten} row(s) re-sealed; every sealed value is under {ring.current.name}")
    return 0


def cmd_keys_status(settings: Settings, args: argparse.Namespace) -> int:
    ring = keyring_for(settings)

    async def work() -> dict[str, dict[str, int]]:
        return await Resealer(ring).census()

    counts = asyncio.run(_on_database(settings, work))
    print(f"current key: {ring.current.name}")
    print("ring: " + ", ".join(key.name for key in ring.keys))
    for column, by_key in counts.items():
        shown = ", ".join(f"{key}={n}" for key, n in sorted(by_key.items())) or "empty"
        print(f"{column}: {shown}")
    return 0


def _batch(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("a batch is 1 to 100000 rows")
    return value


def add_keys_commands(subparsers: Any) -> None:
    """Add ``keys new``, ``keys status`` and ``keys rotate`` to the ``piaojia`` command line."""
    keys = subparsers.add_parser(
        "keys",
        help="the keys that seal personal data at rest",
        description=ROTATION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    new = keys.add_parser("new", help="print a fresh data key for PIAOJIA_DATA_KEYS")
    new.set_defaults(run=cmd_keys_new, needs_settings=False)
    status = keys.add_parser(
        "status", help="the ring's key ids, and how many values each key (or none) seals"
    )
    status.set_defaults(run=cmd_keys_status)
    rotate = keys.add_parser(
        "rotate",
        help="re-seal every row under the current key (in batches, resumable, safe to repeat)",
        description=ROTATION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rotate.add_argument(
        "--batch", type=_batch, default=500, help="rows per committed batch (default: 500)"
    )
    rotate.set_defaults(run=cmd_keys_rotate)
