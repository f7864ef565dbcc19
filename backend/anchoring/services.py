"""Anchoring receipts in the ledger, and the sequencer that integrates what was anchored."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from backend.anchoring.statements import statement
from backend.anchoring.storage import SqlStorage
from backend.issuers.models import Issuer
from backend.receipts.canonical import canonical_json, commitment, receipt_document
from backend.receipts.models import LineItem, Receipt
from chain.checkpoint import SignedCheckpoint
from chain.errors import IntegrationConflictError
from chain.log import Log

log = logging.getLogger("piaojia.ledger")


class AnchoringService:
    """Appends a statement for each ledger event, in the transaction of the change itself."""

    def __init__(self, *, ledger: Log, storage: SqlStorage) -> None:
        self.ledger = ledger
        self._storage = storage

    async def anchor(
        self,
        conn: BaseDBAsyncClient,
        *,
        event: str,
        receipt: Receipt,
        issuer: Issuer,
        items: list[LineItem],
        at: datetime,
    ) -> int:
        """Append the statement of ``event`` on ``receipt``; returns its pending id.

        Runs on ``conn``: if the caller's transaction rolls back, nothing was anchored.
        """
        salt = secrets.token_bytes(16)
        document = canonical_json(receipt_document(receipt, issuer, items))
        entry = statement(
            event=event,
            credit_code=issuer.credit_code,
            code=receipt.code,
            number=receipt.number,
            at=at,
            commitment=commitment(salt, document),
        )
        return await self._storage.append_on(
            conn, statement=entry, salt=salt, event=event, receipt_id=receipt.id
        )


class Sequencer:
    """Integrates pending statements every ``interval`` seconds, until stopped."""

    def __init__(self, *, ledger: Log, interval: float, batch: int = 4096) -> None:
        self._ledger = ledger
        self._interval = interval
        self._batch = batch

    async def integrate_once(self) -> SignedCheckpoint | None:
        """One integration; ``None`` when another process's sequencer got there first."""
        try:
            return await self._ledger.integrate(self._batch)
        except IntegrationConflictError:
            return None

    async def run(self, stop: asyncio.Event) -> None:
        """Integrate every ``interval`` until ``stop`` is set; a round in progress finishes.

        Stopping between rounds rather than cancelling keeps a database call from being cut
        off while the connection closes under it.
        """
        while not stop.is_set():
            try:
                await self.integrate_once()
            except Exception:  # keep sequencing: a failed round is retried on the next tick
                log.exception("ledger integration failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._interval)
