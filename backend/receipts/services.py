"""The receipt core shared by every issuer kind: numbering, storing, reversing, reading.

Every write here runs on the connection it is given, inside the caller's transaction, so a
receipt, its items, its events and whatever else the caller writes (an idempotency record, a
ledger statement) commit together or not at all.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from backend.anchoring.services import AnchoringService, AnchorState, LedgerState
from backend.chinatime import day_end, day_start
from backend.clock import Clock
from backend.db import defer_receipt_keys, dialect_sql
from backend.errors import DomainError
from backend.events import EventType
from backend.issuers.models import Issuer, Staff
from backend.pagination import decode_cursor, encode_cursor
from backend.receipts.canonical import ReceiptDocument
from backend.receipts.errors import (
    AlreadyReversed,
    InvalidCursor,
    NumbersExhausted,
    ReceiptNotFound,
    ReversalNotReversible,
    WrongReceiptKind,
)
from backend.receipts.models import (
    LineItem,
    Receipt,
    ReceiptEvent,
    ReceiptKind,
    ReceiptStatus,
    ScanToken,
    payer_search_hashes,
)
from backend.receipts.numbering import Numbering, draw_check_code, fiscal_numbering, receipt_label
from backend.receipts.tokens import new_scan_token

PENDING = LedgerState(AnchorState.PENDING)

_NEXT_NUMBER = (
    "UPDATE receipt_sequence SET last_number = last_number + 1 "
    "WHERE issuer_id = $1 AND code = $2 RETURNING last_number"
)
_NEW_SEQUENCE = (
    "INSERT INTO receipt_sequence (issuer_id, code, last_number) VALUES ($1, $2, 0) "
    "ON CONFLICT (issuer_id, code) DO NOTHING"
)


@dataclass(frozen=True, slots=True)
class LoadedReceipt:
    """A receipt with everything its answer shows."""

    receipt: Receipt
    items: list[LineItem]
    reverses: Receipt | None
    reversed_by: Receipt | None
    scan_token: str | None = None
    ledger: LedgerState = PENDING


@dataclass(frozen=True, slots=True)
class ReceiptFilter:
    issued_from: date | None = None
    issued_to: date | None = None
    status: ReceiptStatus | None = None
    # The payer's full name, ID number or phone, matched exactly (the fields are sealed).
    payer_name: str | None = None


class ReversalGuard(Protocol):
    """What else may forbid a reversal (a reimbursement claim), asked inside its transaction."""

    async def refuse_if_claimed(self, conn: BaseDBAsyncClient, receipt_id: uuid.UUID) -> None: ...

    async def refusal(self, receipt_id: uuid.UUID) -> DomainError | None: ...


class ReceiptService:
    def __init__(self, *, clock: Clock, anchoring: AnchoringService, guard: ReversalGuard) -> None:
        self._clock = clock
        self._anchoring = anchoring
        self._guard = guard

    async def next_number(self, conn: BaseDBAsyncClient, issuer: Issuer, by: Numbering) -> str:
        """Draw the next number of the series ``by`` names for ``issuer``.

        Gapless: the counter row is incremented inside the caller's transaction and stays
        locked until it ends, so a rollback returns the number and concurrent issuers queue.
        """
        params = [str(issuer.id), by.series]
        rows = await conn.execute_query_dict(dialect_sql(conn, _NEXT_NUMBER), params)
        if not rows:
            await conn.execute_query(dialect_sql(conn, _NEW_SEQUENCE), params)
            rows = await conn.execute_query_dict(dialect_sql(conn, _NEXT_NUMBER), params)
        try:
            return by.format(int(rows[0]["last_number"]))
        except ValueError as exc:
            raise NumbersExhausted(str(exc)) from exc

    async def store(
        self,
        conn: BaseDBAsyncClient,
        *,
        staff: Staff,
        receipt: Receipt,
        items: list[LineItem],
        event_detail: dict[str, str] | None = None,
        numbering: Numbering | None = None,
    ) -> LoadedReceipt:
        """Number and store a new receipt with its items: by ``numbering`` (which also sets
        ``receipt.code``), else by the 票据代码 already in ``receipt.code``.

        Sets id, number, check code and issue time; writes the ``issued`` event and anchors
        its statement in the ledger, all on ``conn``. The number is drawn as late as it can
        be: the items and the scan token are written first (their keys to the receipt are
        checked at commit), so the counter row that serialises an issuer's receipts is held
        for the receipt, its event, its ledger statement and the commit only. The issue time
        is read once the number is drawn, so numbers and issue times rise together.
        """
        numbering = numbering or fiscal_numbering(receipt.code)
        receipt.code = numbering.code
        await defer_receipt_keys(conn)
        receipt.id = uuid.uuid4()
        receipt.issuer = staff.issuer
        receipt.staff = staff
        receipt.check_code = draw_check_code()
        for position, item in enumerate(items, start=1):
            item.receipt_id = receipt.id
            item.position = position
        await LineItem.bulk_create(items, using_db=conn)
        token = await ScanToken.create(receipt_id=receipt.id, token=new_scan_token(), using_db=conn)
        receipt.number = await self.next_number(conn, staff.issuer, numbering)
        receipt.issued_at = self._clock()
        await receipt.save(using_db=conn, force_create=True)
        await ReceiptEvent.create(
            receipt=receipt,
            type=EventType.ISSUED,
            at=receipt.issued_at,
            staff=staff,
            detail=event_detail,
            using_db=conn,
        )
        await self._anchoring.anchor(
            conn,
            event=EventType.ISSUED,
            receipt=ReceiptDocument(receipt, staff.issuer, items),
            at=receipt.issued_at,
        )
        return LoadedReceipt(
            receipt=receipt, items=items, reverses=None, reversed_by=None, scan_token=token.token
        )

    async def reverse(
        self,
        conn: BaseDBAsyncClient,
        *,
        staff: Staff,
        receipt_id: uuid.UUID,
        reason: str,
        kind: ReceiptKind,
        numbering: Numbering | None = None,
    ) -> LoadedReceipt:
        """Issue the red reversal receipt (冲红) of one of ``staff``'s issuer's receipts.

        The original turns ``reversed``; the red receipt carries the same items and split with
        negative amounts and points at the original. A receipt is reversed at most once, even
        under concurrent requests (the status change is a conditional update), and a red
        receipt is never reversed. A receipt a reimbursing party has locked or closed is not
        reversed (the guard's error, 409): the guard reads the claim after the status update
        has locked the receipt row, so a racing lock either is seen or waits and then fails.
        Only a receipt of ``kind`` is reversed: each kind's path undoes what it did besides.
        The red receipt is numbered by ``numbering`` (a red 数电票: a new invoice), else as before.
        """
        original = await self._own(conn, staff.issuer, receipt_id)
        if original.kind != kind:
            raise WrongReceiptKind(
                f"this is a {original.kind} receipt; reverse it through the {original.kind} API"
            )
        if original.reverses_id is not None:  # type: ignore[attr-defined]
            raise ReversalNotReversible("a red reversal receipt cannot itself be reversed")
        changed = (
            await Receipt.filter(id=original.id, status=ReceiptStatus.VALID)
            .using_db(conn)
            .update(status=ReceiptStatus.REVERSED)
        )
        if not changed:
            raise AlreadyReversed(
                f"receipt {receipt_label(original.code, original.number)} is reversed already"
            )
        await self._guard.refuse_if_claimed(conn, original.id)
        original_items = await LineItem.filter(receipt_id=original.id).using_db(conn)
        red = Receipt(
            kind=original.kind,
            code=original.code,
            status=ReceiptStatus.VALID,
            reverses=original,
            reversal_reason=reason,
            payer_name=original.payer_name,
            payer_id_number=original.payer_id_number,
            payer_email=original.payer_email,
            payer_phone=original.payer_phone,
            visit_type=original.visit_type,
            visit_number=original.visit_number,
            department=original.department,
            visit_start=original.visit_start,
            visit_end=original.visit_end,
            total_fen=-original.total_fen,
            fund_fen=-original.fund_fen,
            other_fen=-original.other_fen,
            account_fen=-original.account_fen,
            cash_fen=-original.cash_fen,
        )
        red_items = [
            LineItem(
                category=item.category,
                name=item.name,
                quantity=item.quantity,
                unit=item.unit,
                amount_fen=-item.amount_fen,
            )
            for item in sorted(original_items, key=lambda item: item.position)
        ]
        stored = await self.store(
            conn,
            staff=staff,
            receipt=red,
            items=red_items,
            event_detail={"reverses": str(original.id)},
            numbering=numbering,
        )
        await ReceiptEvent.create(
            receipt=original,
            type=EventType.REVERSED,
            at=red.issued_at,
            staff=staff,
            detail={"reversal": str(red.id), "reason": reason},
            using_db=conn,
        )
        await self._anchoring.anchor(
            conn,
            event=EventType.REVERSED,
            receipt=ReceiptDocument(original, staff.issuer, list(original_items)),
            at=red.issued_at,
        )
        original.status = ReceiptStatus.REVERSED
        return LoadedReceipt(
            receipt=red,
            items=stored.items,
            reverses=original,
            reversed_by=None,
            scan_token=stored.scan_token,
        )

    async def reversal_refusal(self, receipt_id: uuid.UUID) -> DomainError | None:
        """Why a reversal of the receipt would be refused now by its claim, or ``None``."""
        return await self._guard.refusal(receipt_id)

    async def _own(
        self, conn: BaseDBAsyncClient | None, issuer: Issuer, receipt_id: uuid.UUID
    ) -> Receipt:
        # Another issuer's receipt is "not found", never "forbidden": ids must not be probed.
        receipt = (
            await Receipt.filter(id=receipt_id, issuer_id=issuer.id)
            .using_db(conn)
            .select_related("issuer", "staff")
            .first()
        )
        if receipt is None:
            raise ReceiptNotFound(f"no receipt {receipt_id} at this issuer")
        return receipt

    async def get(self, issuer: Issuer, receipt_id: uuid.UUID) -> LoadedReceipt:
        """One of ``issuer``'s receipts with its items and its reversal links."""
        return await self.load(await self._own(None, issuer, receipt_id))

    async def load(self, receipt: Receipt) -> LoadedReceipt:
        """Everything a receipt's answer shows; ``receipt.issuer`` and ``receipt.staff`` must
        be loaded. Callers check first that the asker may see the receipt."""
        items = await LineItem.filter(receipt_id=receipt.id).order_by("position")
        reverses_id = receipt.reverses_id  # type: ignore[attr-defined]
        reverses = await Receipt.get_or_none(id=reverses_id) if reverses_id else None
        reversed_by = await Receipt.get_or_none(reverses_id=receipt.id)
        ledger = await self._anchoring.state(receipt.id)
        token = await ScanToken.filter(receipt_id=receipt.id, revoked_at=None).first()
        return LoadedReceipt(
            receipt, items, reverses, reversed_by, token.token if token else None, ledger
        )

    async def by_scan_token(self, token: str) -> LoadedReceipt | None:
        """The receipt an active (not revoked) scan token opens, or ``None``."""
        found = (
            await ScanToken.filter(token=token, revoked_at=None)
            .select_related("receipt__issuer", "receipt__staff")
            .first()
        )
        return None if found is None else await self.load(found.receipt)

    async def scan_bundle(self, token: str) -> dict[str, Any] | None:
        """The public proof bundle (no personal data) of the receipt ``token`` opens, or
        ``None`` for an unknown token."""
        found = await ScanToken.filter(token=token, revoked_at=None).first()
        if found is None:
            return None
        receipt = await Receipt.get(id=found.receipt_id).select_related("issuer")  # type: ignore[attr-defined]
        items = list(await LineItem.filter(receipt_id=receipt.id))
        return await self._anchoring.proof_bundle(
            ReceiptDocument(receipt, receipt.issuer, items), disclose=False
        )

    async def reissue_scan_token(self, issuer: Issuer, receipt_id: uuid.UUID) -> str:
        """Revoke the receipt's scan token (its printed QR stops working) and mint a new one."""
        receipt = await self._own(None, issuer, receipt_id)
        token = new_scan_token()
        async with in_transaction() as conn:
            await (
                ScanToken.filter(receipt_id=receipt.id, revoked_at=None)
                .using_db(conn)
                .update(revoked_at=self._clock())
            )
            await ScanToken.create(receipt=receipt, token=token, using_db=conn)
            await ReceiptEvent.create(
                receipt=receipt, type=EventType.SCAN_TOKEN_REISSUED, at=self._clock(), using_db=conn
            )
        return token

    async def proof_bundle(
        self, issuer: Issuer, receipt_id: uuid.UUID, *, disclose: bool = True
    ) -> dict[str, Any]:
        """The ledger proof bundle of one of ``issuer``'s receipts: with the openings of its
        personal fields unless ``disclose`` is false (a copy that may be passed on)."""
        receipt = await self._own(None, issuer, receipt_id)
        items = list(await LineItem.filter(receipt_id=receipt.id))
        document = ReceiptDocument(receipt, receipt.issuer, items)
        return await self._anchoring.proof_bundle(document, disclose=disclose)

    async def wait_until_anchored(
        self, issuer: Issuer, receipt_id: uuid.UUID, *, timeout: float
    ) -> LoadedReceipt:
        """The receipt once its issue statement is integrated, or as it is after ``timeout``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while (await self._anchoring.state(receipt_id)).state == AnchorState.PENDING:
            if asyncio.get_running_loop().time() >= deadline:
                break
            await asyncio.sleep(0.02)
        return await self.get(issuer, receipt_id)

    async def list(
        self, issuer: Issuer, filters: ReceiptFilter, *, limit: int, cursor: str | None
    ) -> tuple[list[Receipt], str | None]:
        """A page of ``issuer``'s receipts, newest first, and the cursor of the next page.

        Keyset pagination on (issued_at, id): pages stay stable while receipts are added.
        """
        query = Receipt.filter(issuer_id=issuer.id)
        if filters.issued_from is not None:
            query = query.filter(issued_at__gte=day_start(filters.issued_from))
        if filters.issued_to is not None:
            query = query.filter(issued_at__lt=day_end(filters.issued_to))
        if filters.status is not None:
            query = query.filter(status=filters.status)
        if filters.payer_name:
            # Payer fields are sealed: a search matches a full name, ID number or phone exactly,
            # by keyed hash, under every key of the ring while keys rotate.
            wanted = payer_search_hashes(filters.payer_name)
            lookups: list[dict[str, Any]] = [{f"{c}__in": h} for c, h in wanted.items()]
            matches = (Q(**lookup) for lookup in lookups)
            query = query.filter(Q(*matches, join_type="OR"))
        if cursor is not None:
            at, last_id = decode_cursor(cursor, uuid.UUID, InvalidCursor)
            query = query.filter(Q(issued_at__lt=at) | Q(issued_at=at, id__lt=last_id))
        rows = await query.order_by("-issued_at", "-id").limit(limit + 1)
        page, more = rows[:limit], len(rows) > limit
        return page, (encode_cursor(page[-1].issued_at, page[-1].id) if more else None)
