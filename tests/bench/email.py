"""Emails per second through the whole outbox path, next to plain aiosmtplib sends of the same
messages in the same run.

    .venv/bin/python -m tests.bench.email [--messages 300] [--concurrency 4] [--runs 3]

The SMTP server is aiosmtpd in a process of its own (it accepts and discards), so its CPU is not
counted against either side. For SQLite (a temporary file) and PostgreSQL (a database created
and dropped here, on the server of ``PIAOJIA_TEST_POSTGRES_URL``):

- outbox: N messages queued in the outbox, then ``Relay.deliver_due()`` claims, loads the
  receipts, renders the three templates, composes (text, HTML, PDF), sends over
  ``--concurrency`` reused connections and records every attempt and event;
- plain: the same N messages (the relay's bytes, parsed), sent with
  ``aiosmtplib.SMTP.send_message`` over the same number of reused connections, nothing else;
- raw: the same messages already written to bytes, sent with ``aiosmtplib.SMTP.sendmail``: the
  SMTP path alone, the ceiling for any sender.

The PDF source keeps each receipt's PDF after the first render (the documents service keeps
rendered PDFs), padded to about 60 KB like a signed receipt, and is warmed before timing: this
measures the outbox, not reportlab. Prints the median rates and the outbox's ratio to each. Not
collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import aiosmtplib
import asyncpg

from backend import db
from backend.outbox.composer import EmailComposer, Letter
from backend.outbox.models import MessageState, OutboxMessage
from backend.receipts.models import Receipt, ScanToken
from backend.templating import template_environment
from tests.outbox.support import (
    SENDER,
    PdfSource,
    make_receipts,
    make_relay,
    outbox_service,
    queue_emails,
)
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_SERVER = os.environ.get(
    "PIAOJIA_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"
)
# The sink ends with the bench even when the bench is killed: it watches its parent.
SINK = (
    "import asyncio, os, sys\n"
    "from backend.outbox.mail_sink import LocalSmtpServer\n"
    "class Discard:\n"
    "    n = 0\n"
    "    async def handle_DATA(self, server, session, envelope):\n"
    "        Discard.n += 1\n"
    "        return f'250 2.0.0 Ok: queued as B{Discard.n}'\n"
    "async def main():\n"
    "    server = LocalSmtpServer(Discard(), port=int(sys.argv[1]))\n"
    "    await server.start()\n"
    "    parent = os.getppid()\n"
    "    while os.getppid() == parent:\n"
    "        await asyncio.sleep(0.5)\n"
    "asyncio.run(main())\n"
)


def now() -> datetime:
    return datetime.now(UTC)


async def outbox_rate(
    port: int, pdfs: PdfSource, receipts: list[Receipt], concurrency: int
) -> float:
    outbox = outbox_service(now, per_receipt=10**6, per_address=10**6)
    await queue_emails(outbox, receipts, lambda n: f"rider{n}@example.com")
    relay = make_relay(port, now, pdfs=pdfs, outbox=outbox, timeout=30, concurrency=concurrency)
    started = time.perf_counter()
    report = await relay.deliver_due()
    elapsed = time.perf_counter() - started
    assert report.sent == len(receipts), report
    assert not await OutboxMessage.filter(
        state__in=[MessageState.QUEUED, MessageState.SENDING]
    ).exists()
    await OutboxMessage.all().update(state=MessageState.DEAD)  # out of the next run's way
    return len(receipts) / elapsed


async def composed(pdfs: PdfSource, receipts: list[Receipt]) -> list[EmailMessage]:
    composer = EmailComposer(templates=template_environment(), sender=SENDER)
    tokens = {
        t.receipt_id: t.token  # type: ignore[attr-defined]
        for t in await ScanToken.filter(receipt_id__in=[r.id for r in receipts])
    }
    messages = []
    for n, receipt in enumerate(receipts):
        name, pdf = await pdfs.receipt_pdf(receipt.id)
        letter = Letter(
            message_uuid=uuid.uuid4(),
            kind="receipt",
            recipient=f"rider{n}@example.com",
            receipt=receipt,
            scan_url=f"https://piaojia.test/s/{tokens[receipt.id]}",
            pdf_name=name,
            pdf=pdf,
        )
        # The very bytes the relay sends, as the EmailMessage aiosmtplib's send_message takes.
        parsed = message_from_bytes(composer.compose(letter, now=now()), policy=SMTP)
        assert isinstance(parsed, EmailMessage)
        messages.append(parsed)
    return messages


async def plain_rate(
    port: int, messages: list[EmailMessage] | list[bytes], concurrency: int
) -> float:
    """``send_message`` of each EmailMessage, or ``sendmail`` of bytes written beforehand."""
    queue: asyncio.Queue[EmailMessage | bytes] = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)
    clients = [
        aiosmtplib.SMTP(hostname="127.0.0.1", port=port, local_hostname="bench", timeout=30)
        for _ in range(concurrency)
    ]

    async def sender(client: aiosmtplib.SMTP) -> None:
        await client.connect()
        while not queue.empty():
            message = queue.get_nowait()
            if isinstance(message, bytes):
                await client.sendmail(SENDER.address, [str(next(recipients))], message)
            else:
                await client.send_message(message)
        await client.quit()

    recipients = iter(range(10**9))
    started = time.perf_counter()
    await asyncio.gather(*(sender(c) for c in clients))
    return len(messages) / (time.perf_counter() - started)


async def bench(database_url: str, port: int, count: int, concurrency: int, runs: int) -> None:
    await db.migrate(database_url)
    await db.open_database(database_url)
    try:
        receipts = await make_receipts(count)
        pdfs = PdfSource(cache=True, padding=22_000)  # hex-encoded: a message of about 60 KB
        messages = await composed(pdfs, receipts)  # also warms the PDF cache
        written = [m.as_bytes() for m in messages]
        size = len(written[0])
        plain, raw, outbox = [], [], []
        for _ in range(runs):
            plain.append(await plain_rate(port, messages, concurrency))
            raw.append(await plain_rate(port, written, concurrency))
            outbox.append(await outbox_rate(port, pdfs, receipts, concurrency))
        p, r, o = statistics.median(plain), statistics.median(raw), statistics.median(outbox)
        dialect = database_url.split(":", 1)[0]
        print(
            f"{dialect:8} {count} messages of {size / 1024:.0f} KB, {concurrency} connections:\n"
            f"  outbox (queue, render, send, record)  {o:6.1f}/s  runs {_runs(outbox)}\n"
            f"  plain send_message(EmailMessage)      {p:6.1f}/s  runs {_runs(plain)}  "
            f"ratio {o / p:.2f}\n"
            f"  plain sendmail(bytes written before)  {r:6.1f}/s  runs {_runs(raw)}  "
            f"ratio {o / r:.2f}"
        )
    finally:
        await db.close_database()


def _runs(rates: list[float]) -> str:
    return ", ".join(f"{rate:.0f}" for rate in rates)


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_SERVER)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    try:
        time.sleep(1.0)
        if args.only != "postgres":
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite://{folder}/bench.db?synchronous=NORMAL&busy_timeout=5000"
                asyncio.run(bench(url, port, args.messages, args.concurrency, args.runs))
        if args.only != "sqlite":
            name = f"piaojia_bench_email_{os.getpid()}"
            asyncio.run(admin(f'CREATE DATABASE "{name}"'))
            try:
                url = POSTGRES_SERVER.rpartition("/")[0] + f"/{name}?minsize=1&maxsize=16"
                asyncio.run(bench(url, port, args.messages, args.concurrency, args.runs))
            finally:
                asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        sink.terminate()
        sink.wait(timeout=10)


if __name__ == "__main__":
    main()
