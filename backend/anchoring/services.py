"""Anchoring receipts in the ledger, and the sequencer that integrates what was anchored."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from backend.anchoring.commitments import (
    Committable,
    ReceiptForm,
    form_of,
    new_entry,
    sealed_secret,
    stored_secret,
)
from backend.anchoring.errors import NotYetAnchored
from backend.anchoring.leader import LeaderLock
from backend.anchoring.models import LedgerEntry
from backend.anchoring.storage import SqlStorage
from backend.anchoring.witnessing import Witnessing
from backend.events import EventType
from chain.checkpoint import SignedCheckpoint
from chain.errors import IntegrationConflictError
from chain.log import Log
from chain.receipt.bundle import BUNDLE_FORMAT, WITHHELD
from chain.receipt.canonical import published_salt
from chain.receipt.statement import statement

log = logging.getLogger("piaojia.ledger")


class AnchorState(StrEnum):
    """How far a receipt's issue statement has come; ``label`` is how its pages say it."""

    PENDING = "pending"  # appended, not integrated into the log yet
    ANCHORED = "anchored"  # integrated: in the tree of a signed checkpoint
    WITNESSED = "witnessed"  # in a checkpoint the witness quorum cosigned

    @property
    def label(self) -> str:
        """The state's Chinese name, as the scan and verify pages badge it."""
        return _ANCHOR_LABELS[self]


_ANCHOR_LABELS = {
    AnchorState.PENDING: "上链中",
    AnchorState.ANCHORED: "已上链",
    AnchorState.WITNESSED: "已上链 · 已见证",
}


@dataclass(frozen=True, slots=True)
class LedgerState:
    """Where a receipt's issue statement stands, and its leaf once integrated."""

    state: AnchorState
    leaf_index: int | None = None


class AnchoringService:
    """Appends a statement for each ledger event, in the transaction of the change itself,
    and answers what the ledger holds about a receipt."""

    def __init__(self, *, ledger: Log, storage: SqlStorage, witnessing: Witnessing) -> None:
        self.ledger = ledger
        self._storage = storage
        self._witnessing = witnessing
        # The largest size seen witnessed: a witnessed size stays witnessed, so statements
        # below it need no query (most of what is opened is older than the last checkpoint).
        self._witnessed_size = 0

    async def state(self, receipt_id: uuid.UUID) -> LedgerState:
        entry = await LedgerEntry.filter(receipt_id=receipt_id, event=EventType.ISSUED).first()
        return await self.state_at(None if entry is None else entry.leaf_index)

    async def state_at(self, leaf_index: int | None) -> LedgerState:
        """The state of an issue statement at ``leaf_index`` (``None``: not integrated yet)."""
        if leaf_index is None:
            return LedgerState(AnchorState.PENDING)
        index = int(leaf_index)
        if self._witnessing.witnesses:
            if index >= self._witnessed_size:
                witnessed = await self._witnessing.latest_witnessed_size() or 0
                self._witnessed_size = max(self._witnessed_size, witnessed)
            if index < self._witnessed_size:
                return LedgerState(AnchorState.WITNESSED, index)
        return LedgerState(AnchorState.ANCHORED, index)

    async def proof_bundle(self, receipt: Committable, *, disclose: bool) -> dict[str, Any]:
        """Everything needed to check, offline, that the ledger holds this receipt's events.

        With ``disclose`` false (a public bundle: scan-token holders, the PDF) it carries no
        personal data: a version-2 receipt's document holds its personal fields as
        commitments only, and a first-form receipt's document is withheld altogether (its
        statements still verify). With ``disclose`` true (the issuer, the folder's owner) it
        adds the ``openings`` of every personal field, or the first-form document.

        The inclusion proofs are against the latest checkpoint cosigned by the witness quorum
        when that covers every entry, else against the latest checkpoint. Raises
        ``NotYetAnchored`` while no event of the receipt is integrated.
        """
        every = list(await LedgerEntry.filter(receipt_id=receipt.receipt_id).order_by("id"))
        entries = [e for e in every if e.leaf_index is not None]
        if not entries:
            raise NotYetAnchored("the receipt is not in the ledger yet; try again in a second")
        last = max(int(e.leaf_index) for e in entries if e.leaf_index is not None)
        size = await self._witnessing.latest_witnessed_size()
        if size is None or size <= last:
            latest = await self.ledger.latest_checkpoint()
            assert latest is not None  # an integrated entry implies a checkpoint
            size = latest.checkpoint.size
        cosigned = await self._witnessing.cosigned_note(size)
        assert cosigned is not None
        proved = []
        for entry in sorted(entries, key=lambda e: int(e.leaf_index or 0)):
            index = int(entry.leaf_index or 0)
            proof = await self.ledger.inclusion_proof(index, size)
            proved.append(
                {
                    "event": entry.event,
                    "statement": bytes(entry.statement).decode(),
                    "salt": base64.b64encode(published_salt(stored_secret(entry.salt))).decode(),
                    "leaf_index": index,
                    "inclusion_proof": [base64.b64encode(h).decode() for h in proof.hashes],
                }
            )
        bundle: dict[str, Any] = {
            "format": BUNDLE_FORMAT,
            "log_origin": self.ledger.origin,
            "receipt": {
                "id": str(receipt.receipt_id),
                "code": receipt.code,
                "number": receipt.number,
                "issuer": receipt.credit_code,
            },
        }
        form = form_of(every) or ReceiptForm(None)
        if form.key is not None:
            bundle["document"] = form.document(receipt).decode()
            if disclose:
                bundle["openings"] = receipt.openings(form.key)
        elif disclose:
            bundle["document"] = form.document(receipt).decode()
        else:
            bundle["withheld"] = WITHHELD
            # The salt too: with it, the commitment would let a guess of the withheld
            # personal data (the scan page shows it half masked) be tested offline.
            for entry_out in proved:
                del entry_out["salt"]
        bundle["entries"] = proved
        bundle["checkpoint"] = cosigned[0].decode()
        return bundle

    async def anchor(
        self,
        conn: BaseDBAsyncClient,
        *,
        event: EventType,
        receipt: Committable,
        at: datetime,
    ) -> int:
        """Append the statement of ``event`` on ``receipt``; returns its pending id.

        The statement commits to the receipt's document in the form of its issue statement
        (version 2 for every receipt issued since it exists). Runs on ``conn``: if the
        caller's transaction rolls back, nothing was anchored.
        """
        form = None
        if event != EventType.ISSUED:
            earlier = await LedgerEntry.filter(receipt_id=receipt.receipt_id).using_db(conn)
            form = form_of(earlier)
        salt, committed = new_entry(form, receipt)
        entry = statement(
            event=event,
            credit_code=receipt.credit_code,
            code=receipt.code,
            number=receipt.number,
            at=at,
            commitment=committed,
        )
        return await self._storage.append_on(
            conn,
            statement=entry,
            salt=sealed_secret(salt),
            event=event,
            receipt_id=receipt.receipt_id,
        )


class Sequencer:
    """Integrates pending statements every ``interval`` seconds and has them witnessed.

    Only the process holding ``leader`` sequences; the others wait for their turn, so with
    several app processes on one database exactly one integrates at a time.
    """

    def __init__(
        self,
        *,
        ledger: Log,
        witnessing: Witnessing,
        leader: LeaderLock,
        interval: float,
        batch: int = 4096,
    ) -> None:
        self._ledger = ledger
        self._witnessing = witnessing
        self._leader = leader
        self._interval = interval
        self._batch = batch

    async def integrate_once(self) -> SignedCheckpoint | None:
        """One integration, then one round of witnessing for the latest checkpoint.

        ``None`` when another process's sequencer holds the lead or got there first.
        """
        if not await self._leader.acquire():
            return None
        try:
            signed = await self._ledger.integrate(self._batch)
        except IntegrationConflictError:
            return None
        if self._witnessing.witnesses:
            await self._witnessing.offer(signed)
        return signed

    async def leader(self) -> str:
        """Who sequences: ``"this process"`` or ``"another process"``. Asking is taking the lead
        when it is free, as this sequencer's next tick would; raises (``OSError``, a database
        error) when the lock cannot be asked, so no leader can be known."""
        return "this process" if await self._leader.acquire() else "another process"

    async def run(self, stop: asyncio.Event) -> None:
        """Integrate every ``interval`` until ``stop`` is set; a round in progress finishes.

        Stopping between rounds rather than cancelling keeps a database call from being cut
        off while the connection closes under it.
        """
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self._interval)
                if stop.is_set():
                    break
                try:
                    await self.integrate_once()
                except Exception:  # keep sequencing: a failed round is retried on the next tick
                    log.exception("ledger integration failed; retrying")
        finally:
            await self._leader.release()
