"""Scan-to-open: a receipt found by the token in its QR code, shown with personal data masked.

Opens are counted in memory and written to the receipt's event trail by ``flush_opens`` (the
app calls it every second and at shutdown), one ``opened`` event per receipt and flush with
the number of opens, so a busy page costs no write per request.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from limits.aio.storage import Storage
from tortoise.backends.base.client import BaseDBAsyncClient

from backend.anchoring.services import AnchoringService, LedgerState
from backend.clock import Clock
from backend.db import connection
from backend.events import EventType
from backend.receipts.models import ReceiptEvent
from backend.receipts.services import LoadedReceipt, ReceiptService
from backend.scan.errors import TooManyUnknownTokens, UnknownScanToken
from backend.scan.records import ScanRecord, ScanRecords
from backend.throttle.services import AttemptLimit

FLUSH_SLICE = 250


def unknown_token_limit(
    storage: Storage, *, slow_after: int, refuse_after: int, window: int = 60
) -> AttemptLimit:
    """Unknown scan tokens per client address and minute, counted in ``storage``. Tokens carry
    192 bits, so guessing cannot succeed; the limit keeps a scanner from costing us database
    reads and from learning anything by timing."""

    def refusal(retry_after: int) -> TooManyUnknownTokens:
        return TooManyUnknownTokens(
            "too many unknown receipt codes from this address; try again later",
            retry_after=retry_after,
        )

    return AttemptLimit(
        storage,
        name="scan-unknown",
        slow_after=slow_after,
        refuse_after=refuse_after,
        window_seconds=window,
        refusal=refusal,
    )


@dataclass(frozen=True, slots=True)
class OpenedReceipt:
    """A receipt opened by its scan token, before masking, and where it stands in the ledger."""

    record: ScanRecord
    ledger: LedgerState


class ScanService:
    def __init__(
        self,
        *,
        receipts: ReceiptService,
        anchoring: AnchoringService,
        records: ScanRecords,
        limiter: AttemptLimit,
        clock: Clock,
    ) -> None:
        self._receipts = receipts
        self._anchoring = anchoring
        self._records = records
        self._limiter = limiter
        self._clock = clock
        self._opens: Counter[uuid.UUID] = Counter()
        self._first_open: dict[uuid.UUID, datetime] = {}

    async def open(self, token: str, *, client: str) -> OpenedReceipt:
        """The receipt ``token`` opens, unmasked (``scan.schemas.scan_answer`` masks it), for
        ``client`` (its address); the open is counted.

        Unknown and revoked tokens raise ``UnknownScanToken`` and count against the client
        (see ``unknown_token_limit``); a client with too many is slowed, then refused
        (``TooManyUnknownTokens``), also for tokens that exist.
        """
        record = await self.check(token, client=client)
        self._count_open(record.receipt_id)
        ledger = await self._anchoring.state_at(record.leaf_index)
        return OpenedReceipt(record, ledger)

    async def check(self, token: str, *, client: str) -> ScanRecord:
        """The record of the receipt ``token`` opens, for ``client``, before its PDF or proof
        is served; not counted as an open. Refuses as ``open`` does."""
        await self._admit(client)
        record = await self._records.get(token) if _plausible(token) else None
        if record is None:
            await self._refuse(client)
        return record

    async def find(self, token: str, *, client: str) -> LoadedReceipt:
        """The receipt ``token`` opens, for ``client``, to send a copy by email; not counted
        as an open. Refuses as ``open`` does."""
        await self._admit(client)
        loaded = await self._receipts.by_scan_token(token) if _plausible(token) else None
        if loaded is None:
            await self._refuse(client)
        return loaded

    async def _admit(self, client: str) -> None:
        delay = await self._limiter.admit(client)
        if delay:
            await asyncio.sleep(delay)

    async def _refuse(self, client: str) -> NoReturn:
        # Counted and checked in one step: when the window filled up meanwhile (requests at
        # once, over every process), this answer is the refusal, not "unknown".
        await self._limiter.count(client)
        raise UnknownScanToken("no receipt opens with this code")

    def _count_open(self, receipt_id: uuid.UUID) -> None:
        self._opens[receipt_id] += 1
        self._first_open.setdefault(receipt_id, self._clock())

    async def flush_opens(self) -> int:
        """Write the opens counted so far to the event trail; returns the receipts touched.

        If the write fails, the opens are counted again and the error raised: the next flush
        writes them.
        """
        opens, self._opens = self._opens, Counter()
        first, self._first_open = self._first_open, {}
        if not opens:
            return 0
        try:
            await _write_opens(connection(), opens, first)
        except BaseException:
            self._opens.update(opens)
            for receipt_id, at in first.items():
                self._first_open[receipt_id] = min(at, self._first_open.get(receipt_id, at))
            raise
        return len(opens)


# One statement however many receipts were opened: arrays go to the server in one round trip.
_OPENED_POSTGRES = f"""
INSERT INTO receipt_event (receipt_id, type, at, detail)
SELECT receipt_id, '{EventType.OPENED}', at, jsonb_build_object('times', times::text)
  FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[]) AS opened (receipt_id, at, times)
"""


async def _write_opens(
    conn: BaseDBAsyncClient, opens: Counter[uuid.UUID], first: dict[uuid.UUID, datetime]
) -> None:
    receipt_ids = list(opens)
    if conn.capabilities.dialect == "postgres":
        at = [first[receipt_id] for receipt_id in receipt_ids]
        await conn.execute_query(_OPENED_POSTGRES, [receipt_ids, at, list(opens.values())])
        return
    # In slices, so that a busy second's thousands of rows never hold up the event loop.
    for start in range(0, len(receipt_ids), FLUSH_SLICE):
        await ReceiptEvent.bulk_create(
            [
                ReceiptEvent(
                    receipt_id=receipt_id,
                    type=EventType.OPENED,
                    at=first[receipt_id],
                    detail={"times": str(opens[receipt_id])},
                )
                for receipt_id in receipt_ids[start : start + FLUSH_SLICE]
            ],
            using_db=conn,
        )


def _plausible(token: str) -> bool:
    # Anything that is not 32 URL-safe characters cannot be a token: no query needed.
    return len(token) == 32 and token.replace("-", "").replace("_", "").isalnum()
