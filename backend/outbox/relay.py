"""The relay: claims due outbox messages, renders them and hands them to the SMTP server.

Guarantees, with one relay or several (app processes, ``piaojia relay``) on one database:

- A message is claimed by one relay at a time: on PostgreSQL with ``FOR UPDATE SKIP LOCKED``,
  on SQLite by its single writer. A claim is a lease; a relay starts a send only while its lease
  outlasts the whole send (``send_deadline``), so two relays never send one message at once.
- Nothing is lost: a message leaves ``queued``/``sending`` only once its outcome is recorded.
  If a relay dies, its claims lapse and another relay (or the same one, restarted) sends them.
- At most the in-flight messages are sent twice: a relay that dies after the server accepted a
  message but before recording it leaves that one message to be sent again. It carries the
  same Message-ID both times, so mail clients fold the copies.
- Temporary failures (no connection, timeout, 4xx) are retried with exponential backoff and
  jitter; a permanent one (5xx) makes the message dead at once; after ``max_attempts``
  attempts it is dead too. Each attempt is a ``DeliveryAttempt`` row with the server's reply,
  and the receipt's event trail gets ``email_sent``, ``email_failed`` or ``email_dead``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backend.clock import Clock
from backend.db import dialect_sql
from backend.events import EventType
from backend.links import scan_url_or_none
from backend.outbox.attempt import MailTransport, ReceiptPdfSource, send_one
from backend.outbox.composer import EmailComposer
from backend.outbox.models import DeliveryAttempt, MessageState, OutboxMessage
from backend.outbox.outcomes import (
    Claimed,
    Outcome,
    Recorded,
    abandoned,
    attempt_row,
    decide,
)
from backend.outbox.proof_wait import ProofWait
from backend.outbox.services import OutboxService
from backend.receipts.models import Receipt, ReceiptEvent, ScanToken
from backend.sealing import unseal

log = logging.getLogger("piaojia.mail")
CompanyBuyers = Callable[[Collection[uuid.UUID]], Awaitable[set[uuid.UUID]]]
"""Which of the given receipts are titled to a company (their letters name the buyer whole)."""


# The inner SELECT locks the rows it picks (PostgreSQL), skipping rows another relay is claiming
# right now, so each due message goes to one relay; SQLite has one writer at a time anyway.
_CLAIM = (
    "UPDATE outbox_message SET state = 'sending', claim = $1, due_at = $2, "
    "attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox_message "
    "WHERE state IN ('queued', 'sending') AND due_at <= $3 "
    "ORDER BY due_at LIMIT $4{lock}) "
    "RETURNING id, kind, receipt_id, recipient, attempts"
)


# Outcomes are written under the claim that sent them (a lapsed claim records its attempt but
# leaves the message to the relay that holds it now).
_RECORD = (
    "UPDATE outbox_message SET state = $1, due_at = $2, sent_at = $3, queue_id = $4, "
    "last_reply = $5, claim = NULL WHERE id = $6 AND claim = $7"
)


@dataclass(frozen=True, slots=True)
class RelayOptions:
    concurrency: int = 4  # messages sent at once, each worker on its own reused connection
    max_attempts: int = 8
    retry_base: float = 60.0  # seconds before the 2nd attempt; doubles each time
    retry_cap: float = 6 * 3600.0
    send_deadline: float = 120.0  # the most one message's send may take, connecting included
    poll_interval: float = 1.0
    reminder_interval: float = 60.0

    @property
    def lease(self) -> float:
        # A claimed message may wait behind two sends (queue and claimer) and then take one.
        return 3 * self.send_deadline


@dataclass(slots=True)
class DeliveryReport:
    """What one pass of ``deliver_due`` did."""

    sent: int = 0
    failed: int = 0  # temporary failures, queued again
    dead: int = 0
    released: list[uuid.UUID] = field(default_factory=list)


class Relay:
    def __init__(
        self,
        *,
        outbox: OutboxService,
        composer: EmailComposer,
        connect: Callable[[], MailTransport],
        pdfs: ReceiptPdfSource,
        company_buyers: CompanyBuyers,
        public_base_url: str,
        options: RelayOptions,
        clock: Clock,
        rng: random.Random | None = None,
        proofs: ProofWait | None = None,
    ) -> None:
        self._outbox = outbox
        self._composer = composer
        self._connect = connect
        self._pdfs = pdfs
        self._company_buyers = company_buyers
        self._base_url = public_base_url.rstrip("/")
        self._options = options
        self._clock = clock
        self._random = rng or random.Random()
        self._proofs = proofs
        self._report = DeliveryReport()
        self._outcomes: list[Recorded] = []
        self._outcome_waiting = asyncio.Event()

    @property
    def options(self) -> RelayOptions:
        return self._options

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failed attempts: exponential, capped, and
        jittered between half and all of that so a crowd of failures spreads out."""
        growth: float = 2.0 ** (attempts - 1)
        ceiling = min(self._options.retry_cap, self._options.retry_base * growth)
        return ceiling / 2 + self._random.uniform(0, ceiling / 2)

    async def run(self, stop: asyncio.Event) -> None:
        """Send due messages and queue due reminders until ``stop`` is set.

        Messages already talking to the SMTP server finish; messages claimed but not started,
        or still rendering their PDF, are released for the next relay at once rather than when
        their lease lapses.
        """
        await self._pump(stop=stop, until_idle=False, reminders=True)

    async def deliver_due(self) -> DeliveryReport:
        """Send every message due now (one attempt each) and return what happened."""
        self._report = DeliveryReport()
        await self._pump(stop=asyncio.Event(), until_idle=True, reminders=False)
        return self._report

    async def _pump(
        self,
        *,
        stop: asyncio.Event,
        until_idle: bool,
        reminders: bool,
    ) -> None:
        options = self._options
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue(maxsize=options.concurrency)
        workers = [
            asyncio.create_task(self._worker(queue, stop), name=f"mail-relay-{n}")
            for n in range(options.concurrency)
        ]
        workers_done = asyncio.Event()
        recorder = asyncio.create_task(self._recorder(workers_done), name="mail-recorder")
        loop = asyncio.get_running_loop()
        next_reminders = loop.time() if reminders else None
        try:
            while not stop.is_set():
                if next_reminders is not None and loop.time() >= next_reminders:
                    next_reminders = loop.time() + options.reminder_interval
                    try:
                        await self._outbox.queue_due_reminders()
                    except Exception:  # reminders are tried again at the next interval
                        log.exception("queueing reminders failed")
                try:
                    claimed = await self.claim(options.concurrency)
                except Exception:  # the database is away: try again after a pause
                    log.exception("claiming outbox messages failed")
                    claimed = []
                for item in claimed:
                    if stop.is_set():
                        await self._release(item)
                    else:
                        await queue.put(item)
                if len(claimed) < options.concurrency:
                    if until_idle:
                        await queue.join()  # every claimed message is attempted before we end
                        break
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=options.poll_interval)
        finally:
            while not queue.empty():
                waiting = queue.get_nowait()
                if waiting is not None:
                    await self._release(waiting)
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
            # Every outcome in hand is written before the relay stops.
            workers_done.set()
            self._outcome_waiting.set()
            await recorder

    async def claim(self, limit: int) -> list[Claimed]:
        """Claim up to ``limit`` due messages for this relay, with their receipts loaded."""
        now = self._clock()
        lease_until = now + timedelta(seconds=self._options.lease)
        token = secrets.token_hex(16)
        async with in_transaction() as conn:
            lock = " FOR UPDATE SKIP LOCKED" if conn.capabilities.dialect == "postgres" else ""
            rows = await conn.execute_query_dict(
                dialect_sql(conn, _CLAIM.format(lock=lock)), [token, lease_until, now, limit]
            )
        if not rows:
            return []
        claimed = [
            Claimed(
                id=uuid.UUID(str(row["id"])),
                kind=str(row["kind"]),
                receipt_id=uuid.UUID(str(row["receipt_id"])),
                recipient=str(unseal(row["recipient"], "outbox_message.recipient")),
                attempts=int(row["attempts"]),
                claim=token,
                lease_until=lease_until,
            )
            for row in rows
        ]
        ids = {item.receipt_id for item in claimed}
        receipts = {r.id: r for r in await Receipt.filter(id__in=ids).select_related("issuer")}
        tokens = {
            t.receipt_id: t.token  # type: ignore[attr-defined]
            for t in await ScanToken.filter(receipt_id__in=ids, revoked_at=None)
        }
        companies = await self._company_buyers(ids)
        for item in claimed:
            item.receipt = receipts.get(item.receipt_id)
            item.company_buyer = item.receipt_id in companies
            token_of = tokens.get(item.receipt_id)
            item.scan_url = scan_url_or_none(self._base_url, token_of)
        return claimed

    async def _worker(self, queue: asyncio.Queue[Claimed | None], stop: asyncio.Event) -> None:
        transport = self._connect()
        try:
            while (item := await queue.get()) is not None:
                try:
                    await self._deliver(transport, item, stop)
                except Exception:  # left claimed: its lease lapses and it is tried again
                    log.exception("delivering outbox message %s failed", item.id)
                finally:
                    queue.task_done()
        finally:
            await transport.close()

    async def _deliver(self, transport: MailTransport, item: Claimed, stop: asyncio.Event) -> None:
        options = self._options
        started = self._clock()
        if item.attempts > options.max_attempts:
            # Claimed again and again without an outcome: each relay that tried it died.
            await self._record(item, abandoned(item), started)
            return
        if (item.lease_until - started).total_seconds() < options.send_deadline:
            # Too little of the lease is left to finish: another relay may claim it meanwhile.
            await self._release(item)
            return
        if self._proofs is not None and item.receipt is not None:
            decision = await self._proofs.decide(item.id, item.receipt_id, started)
            if decision.defer_until is not None:
                await self._proofs.defer(item.id, item.claim, decision.defer_until)
                return
            item.proof = decision.proof
        result = await send_one(
            item,
            transport=transport,
            pdfs=self._pdfs,
            composer=self._composer,
            deadline=options.send_deadline,
            now=started,
            stop=stop,
        )
        if result is None:
            await self._release(item)  # stopped while its PDF was rendering: not attempted
            return
        await self._record(item, result, started)

    async def _record(self, item: Claimed, result: Outcome, started: datetime) -> None:
        self._outcomes.append(Recorded(item, result, started, self._clock()))
        self._outcome_waiting.set()

    async def _recorder(self, done: asyncio.Event) -> None:
        # Group commit: outcomes that arrive while one batch is written go in the next one, so
        # a busy relay writes a few rows per transaction rather than one transaction a message.
        # A message stays "sending" until its batch commits, so a crash before that leaves it
        # to be sent again: that is the "in flight" of the at-most-twice guarantee.
        while True:
            if not self._outcomes:
                if done.is_set():
                    return
                await self._outcome_waiting.wait()
                self._outcome_waiting.clear()
                continue
            batch, self._outcomes = self._outcomes, []
            try:
                await self._write(batch)
            except Exception:  # left "sending": their leases lapse and they go again
                log.exception("recording %d delivery outcomes failed", len(batch))

    async def _write(self, batch: list[Recorded]) -> None:
        # The decisions are ``decide``'s; this only reads whose claims still hold and writes.
        attempts: list[DeliveryAttempt] = []
        updates: list[list[object]] = []
        events: list[ReceiptEvent] = []
        counts = {"sent": 0, "failed": 0, "dead": 0}
        async with in_transaction() as conn:
            lock = " FOR UPDATE" if conn.capabilities.dialect == "postgres" else ""
            placeholders = ", ".join(f"${n}" for n in range(1, len(batch) + 1))
            held = await conn.execute_query_dict(
                dialect_sql(
                    conn,
                    f"SELECT id, claim FROM outbox_message WHERE id IN ({placeholders}){lock}",
                ),
                [str(r.item.id) for r in batch],
            )
            ours = {(str(row["id"]), row["claim"]) for row in held}
            for recorded in batch:
                item = recorded.item
                decision = decide(
                    recorded, max_attempts=self._options.max_attempts, backoff=self.backoff
                )
                attempts.append(attempt_row(recorded, decision.reply))
                if (str(item.id), item.claim) not in ours:
                    continue  # the claim lapsed: the attempt is on record, the state is not ours
                updates.append(
                    [
                        str(decision.state),
                        decision.due_at,
                        decision.sent_at,
                        recorded.result.queue_id,
                        decision.reply,
                        str(item.id),
                        item.claim,
                    ]
                )
                events.append(
                    ReceiptEvent(
                        receipt_id=item.receipt_id,
                        type=decision.event,
                        at=recorded.finished,
                        detail=decision.detail,
                    )
                )
                counts[decision.tally] += 1
                if decision.event == EventType.EMAIL_DEAD:
                    log.warning(
                        "email %s to %s is dead: %s", item.id, decision.detail["to"], decision.reply
                    )
            await DeliveryAttempt.bulk_create(attempts, using_db=conn)
            if updates:
                await conn.execute_many(dialect_sql(conn, _RECORD), updates)
                await ReceiptEvent.bulk_create(events, using_db=conn)
        self._report.sent += counts["sent"]
        self._report.failed += counts["failed"]
        self._report.dead += counts["dead"]

    async def _release(self, item: Claimed) -> None:
        # Unclaimed without an attempt: give the attempt back and make it due at once.
        await OutboxMessage.filter(id=item.id, claim=item.claim).update(
            state=MessageState.QUEUED,
            claim=None,
            due_at=self._clock(),
            attempts=F("attempts") - 1,
        )
        self._report.released.append(item.id)
