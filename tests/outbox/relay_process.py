"""A relay process for the crash and two-relay tests: ``python -m tests.outbox.relay_process
DATABASE_URL SMTP_PORT``. The same loop as ``piaojia relay``, with the tests' PDF source (the
documents service is wired by the app); stops cleanly on SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
from datetime import UTC, datetime

from backend import db, sealing
from backend.config import Settings
from backend.keys.services import keyring_for
from backend.secret import Secret
from tests.factories import TEST_SECRET
from tests.outbox.support import PdfSource, make_relay


def now() -> datetime:
    return datetime.now(UTC)


async def main(database_url: str, port: int, concurrency: int, timeout: float) -> None:
    # The ring the tests' app seals with: addresses in the outbox are sealed at rest.
    sealing.install(keyring_for(Settings(secret_key=Secret(TEST_SECRET))))
    await db.open_database(database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    relay = make_relay(
        port,
        now,
        pdfs=PdfSource(),
        timeout=timeout,
        concurrency=concurrency,
        poll_interval=0.05,
    )
    try:
        await relay.run(stop)
    finally:
        await db.close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("port", type=int)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=0.25)
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.port, args.concurrency, args.timeout))
