"""The user's folder: claiming receipts by scan token, listing, totals, reading, removing.

A receipt is in at most one folder; the unique receipt column of ``folder_entry`` holds that
even when two users claim the same receipt at once. Removing a receipt from a folder deletes the
entry only: receipts are never deleted. Claims and removals are written to the receipt's
whereabouts (``receipt_event``) in the same transaction as the entry.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from backend.auth.models import User
from backend.chinatime import CHINA_STANDARD_TIME, day_end, day_start
from backend.clock import Clock
from backend.events import EventType
from backend.folder.errors import (
    InAnotherFolder,
    InvalidFolderCursor,
    NotInFolder,
    ScanTokenNotFound,
)
from backend.folder.models import FolderEntry
from backend.outbox.services import OutboxService, QueuedEmail
from backend.pagination import decode_cursor, encode_cursor
from backend.receipts.models import (
    Receipt,
    ReceiptEvent,
    ReceiptKind,
    ReceiptStatus,
    ScanToken,
)
from backend.receipts.services import LoadedReceipt, ReceiptService
from backend.verify.models import ClaimState, ReimbursementClaim

CODE_DIGITS = 8  # a 票据代码 (and an older transit invoice's code) is 8 digits


@dataclass(frozen=True, slots=True)
class FolderFilter:
    kind: ReceiptKind | None = None
    issuer_id: uuid.UUID | None = None
    issued_from: date | None = None  # China time, inclusive
    issued_to: date | None = None  # China time, inclusive
    status: ReceiptStatus | None = None
    reimbursement: ClaimState | None = None  # locked or closed only
    text: str | None = None  # in the issuer's name, the receipt's code or number


@dataclass(frozen=True, slots=True)
class Total:
    count: int
    total_fen: int


@dataclass(frozen=True, slots=True)
class FolderTotals:
    """Sums of standing receipts (valid, and not a red reversal receipt)."""

    overall: Total
    by_month: dict[str, Total]  # "YYYY-MM" in China time, oldest first
    by_kind: dict[str, Total]


@dataclass(frozen=True, slots=True)
class FolderInvoice:
    """What an invoice (today: a transit invoice) adds to its receipt in the folder: the title
    it is made out to, its tax split, and why a re-issue would be refused now (``None``: it
    would not)."""

    buyer_kind: str  # the title's stable code: personal (个人) or company (单位)
    buyer_is_company: bool  # a company's name is shown as an organisation's, not a person's
    buyer_name: str
    buyer_tax_id: str | None
    tax_rate: str
    net_fen: int
    tax_fen: int
    reissue_refusal: str | None


# The invoice detail of a receipt, None when it is no invoice; given by the domain that issues
# invoices, which sits above the folder.
InvoiceLookup = Callable[[Receipt], Awaitable[FolderInvoice | None]]


@dataclass(frozen=True, slots=True)
class FolderReceipt:
    """One receipt of a folder, with where it stands in reimbursement and, for an invoice, its
    invoice detail."""

    added_at: datetime
    loaded: LoadedReceipt
    claim: ReimbursementClaim | None = None
    invoice: FolderInvoice | None = None


class FolderService:
    def __init__(
        self,
        *,
        clock: Clock,
        receipts: ReceiptService,
        outbox: OutboxService,
        invoices: InvoiceLookup,
    ) -> None:
        self._clock = clock
        self._receipts = receipts
        self._outbox = outbox
        self._invoices = invoices

    async def email_copy(self, user: User, receipt_id: uuid.UUID, to: str) -> QueuedEmail:
        """Queue the PDF of a receipt in ``user``'s folder for ``to`` (validated, limited per
        day); ``NotInFolder`` for any other receipt."""
        entry = await FolderEntry.get_or_none(user_id=user.id, receipt_id=receipt_id)
        if entry is None:
            raise NotInFolder("this receipt is not in your folder")
        receipt = await Receipt.get(id=receipt_id)
        async with in_transaction() as conn:
            return await self._outbox.queue_receipt_email(
                conn, receipt=receipt, to=to, requested_by="folder"
            )

    async def add(self, user: User, scan_token: str) -> tuple[FolderEntry, bool]:
        """Put the receipt that ``scan_token`` opens into ``user``'s folder.

        Returns the entry (receipt and issuer loaded) and whether it is new; adding a receipt
        already in the user's own folder changes nothing. Only an active scan token counts: an
        unknown or revoked one raises ``ScanTokenNotFound``. A receipt in another user's folder
        raises ``InAnotherFolder``, which says nothing about that user.
        """
        token = await ScanToken.filter(token=scan_token, revoked_at=None).first()
        if token is None:
            raise ScanTokenNotFound("no receipt opens with this scan token")
        receipt_id: uuid.UUID = token.receipt_id  # type: ignore[attr-defined]
        existing = await FolderEntry.get_or_none(receipt_id=receipt_id)
        created = False
        if existing is None:
            try:
                existing = await self._claim(user, receipt_id)
                created = True
            except IntegrityError:
                # Another claim of the same receipt committed first (unique receipt_id).
                existing = await FolderEntry.get_or_none(receipt_id=receipt_id)
        if existing is None or existing.user_id != user.id:  # type: ignore[attr-defined]
            # None: the racing claim was removed again at once; still not ours to report on.
            raise InAnotherFolder("this receipt is already in another folder")
        entry = await FolderEntry.filter(id=existing.id).select_related("receipt__issuer").get()
        return entry, created

    async def _claim(self, user: User, receipt_id: uuid.UUID) -> FolderEntry:
        async with in_transaction() as conn:
            return await self.keep(conn, user_id=user.id, receipt_id=receipt_id, at=self._clock())

    async def keep(
        self,
        conn: BaseDBAsyncClient,
        *,
        user_id: uuid.UUID,
        receipt_id: uuid.UUID,
        at: datetime,
    ) -> FolderEntry:
        """Put a receipt into the user's folder on ``conn``, the caller's transaction (a receipt
        issued to the user lands there in the transaction that issues it), with its ``claimed``
        whereabouts step at ``at``. A receipt already in a folder fails with ``IntegrityError``
        (the unique receipt column), and the caller's transaction with it."""
        entry = await FolderEntry.create(
            user_id=user_id, receipt_id=receipt_id, added_at=at, using_db=conn
        )
        # The folder's events name no user on purpose: the trail may be shown to the issuer.
        await ReceiptEvent.create(
            receipt_id=receipt_id, type=EventType.CLAIMED, at=at, using_db=conn
        )
        return entry

    async def list(
        self, user: User, filters: FolderFilter, *, limit: int, cursor: str | None
    ) -> tuple[list[FolderEntry], str | None]:
        """A page of ``user``'s folder, newest receipt first, and the next page's cursor.

        Keyset pagination on the receipt's (issued_at, id): pages stay stable while receipts
        are added or removed. Entries come with their receipt and its issuer loaded.
        """
        query = _filtered(user, filters)
        if filters.status is not None:
            query = query.filter(receipt__status=filters.status)
        if filters.reimbursement is not None:
            query = query.filter(receipt__reimbursement_claim__state=filters.reimbursement)
        if filters.text:
            query = query.filter(_text_matches(filters.text))
        if cursor is not None:
            at, last_id = decode_cursor(cursor, uuid.UUID, InvalidFolderCursor)
            query = query.filter(
                Q(receipt__issued_at__lt=at) | Q(receipt__issued_at=at, receipt_id__lt=last_id)
            )
        rows = (
            await query.select_related("receipt__issuer")
            .order_by("-receipt__issued_at", "-receipt_id")
            .limit(limit + 1)
        )
        page, more = rows[:limit], len(rows) > limit
        if not more:
            return page, None
        last = page[-1].receipt
        return page, encode_cursor(last.issued_at, last.id)

    async def totals(self, user: User, filters: FolderFilter) -> FolderTotals:
        """Count and sum ``user``'s standing receipts, per month (China time) and per kind.

        A reversed original and its red reversal receipt are both left out, so the sums are
        the money actually paid; ``filters.status`` is ignored for that reason.
        """
        rows = await (
            _filtered(user, filters)
            .filter(receipt__status=ReceiptStatus.VALID, receipt__reverses_id=None)
            .values_list("receipt__issued_at", "receipt__kind", "receipt__total_fen")
        )
        by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        count = total = 0
        for issued_at, kind, total_fen in rows:
            month = issued_at.astimezone(CHINA_STANDARD_TIME).strftime("%Y-%m")
            for bucket in (by_month[month], by_kind[str(kind)]):
                bucket[0] += 1
                bucket[1] += int(total_fen)
            count += 1
            total += int(total_fen)
        return FolderTotals(
            overall=Total(count, total),
            by_month={m: Total(*by_month[m]) for m in sorted(by_month)},
            by_kind={k: Total(*by_kind[k]) for k in sorted(by_kind)},
        )

    async def detail(self, user: User, receipt_id: uuid.UUID) -> FolderReceipt:
        """One receipt of ``user``'s folder in full; ``NotInFolder`` for any other receipt,
        whether it exists or not, so ids cannot be probed."""
        entry = await FolderEntry.get_or_none(user_id=user.id, receipt_id=receipt_id)
        if entry is None:
            raise NotInFolder("this receipt is not in your folder")
        receipt = await Receipt.filter(id=receipt_id).select_related("issuer", "staff").get()
        loaded = await self._receipts.load(receipt)
        claim = await ReimbursementClaim.get_or_none(receipt_id=receipt_id)
        return FolderReceipt(entry.added_at, loaded, claim, await self._invoices(receipt))

    async def reimbursement_states(
        self, receipt_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, ClaimState]:
        """Where each of these receipts stands in reimbursement; absent ids are available."""
        rows = await ReimbursementClaim.filter(receipt_id__in=list(receipt_ids)).values_list(
            "receipt_id", "state"
        )
        return {uuid.UUID(str(rid)): ClaimState(state) for rid, state in rows}

    async def proof_bundle(self, user: User, receipt_id: uuid.UUID) -> dict[str, object]:
        """The ledger proof bundle of a receipt in ``user``'s folder, with the openings of its
        personal fields (the folder's owner sees them in full already); ``NotInFolder`` for
        any other receipt, ``NotYetAnchored`` while it is not in the ledger."""
        receipt = (await self.detail(user, receipt_id)).loaded.receipt
        return await self._receipts.proof_bundle(receipt.issuer, receipt.id, disclose=True)

    async def remove(self, user: User, receipt_id: uuid.UUID) -> None:
        """Take a receipt out of ``user``'s folder; the receipt itself stays.

        Only the folder entry goes (and the trail says so): the receipt, its ledger entries,
        a reimbursement claim on it (a locked receipt stays locked) and a transit invoice's
        trips are untouched, and its scan code adds it again. ``NotInFolder`` if it is not
        there (also when another user keeps it).
        """
        now = self._clock()
        async with in_transaction() as conn:
            deleted = (
                await FolderEntry.filter(user_id=user.id, receipt_id=receipt_id)
                .using_db(conn)
                .delete()
            )
            if not deleted:
                raise NotInFolder("this receipt is not in your folder")
            await ReceiptEvent.create(
                receipt_id=receipt_id, type=EventType.UNCLAIMED, at=now, using_db=conn
            )

    async def count(self, user: User) -> int:
        """How many receipts ``user`` keeps."""
        return await FolderEntry.filter(user_id=user.id).count()


def _text_matches(text: str) -> Q:
    found = (
        Q(receipt__issuer__name__icontains=text)
        | Q(receipt__number__contains=text)
        | Q(receipt__code__contains=text)
    )
    if text.isascii() and text.isdigit() and len(text) > CODE_DIGITS:
        # Transit invoices from before 数电票 printed code and number as one 18-digit 发票号码
        # (a 数电票's 20 digits are its number, which the first match finds).
        code, number = text[:CODE_DIGITS], text[CODE_DIGITS:]
        found |= Q(receipt__code=code, receipt__number__startswith=number)
    return found


def _filtered(user: User, filters: FolderFilter) -> QuerySet[FolderEntry]:
    query = FolderEntry.filter(user_id=user.id)
    if filters.kind is not None:
        query = query.filter(receipt__kind=filters.kind)
    if filters.issuer_id is not None:
        query = query.filter(receipt__issuer_id=filters.issuer_id)
    if filters.issued_from is not None:
        query = query.filter(receipt__issued_at__gte=day_start(filters.issued_from))
    if filters.issued_to is not None:
        end = day_end(filters.issued_to)
        query = query.filter(receipt__issued_at__lt=end)
    return query
