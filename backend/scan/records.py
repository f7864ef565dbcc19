"""What a scan shows, read in one statement for many scans at once.

Opening a receipt by its QR code is the busiest read of the service. The receipt, its issuer's
name, the receipt it reverses, whether it is reversed, its ledger position and its line items
come back from a single statement (one row per line item) rather than from the half-dozen ORM
queries that build a ``LoadedReceipt``; and the scans that arrive in the same turn of the event
loop share that statement, since under load the round trip to the database, not the rows,
is what a scan costs.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from backend.events import EventType
from backend.sealing import unseal

SCAN_SQL = f"""
SELECT t.token, r.id, r.kind, r.code, r.number, r.issued_at, r.status, r.payer_name,
       r.payer_id_number, r.visit_type, r.department, r.visit_start, r.total_fen,
       r.fund_fen, r.other_fen, r.account_fen, r.cash_fen,
       i.name AS issuer_name,
       rv.code AS reverses_code, rv.number AS reverses_number,
       EXISTS (SELECT 1 FROM receipt rb WHERE rb.reverses_id = r.id) AS reversed,
       (SELECT e.leaf_index FROM ledger_entry e
         WHERE e.receipt_id = r.id AND e.event = '{EventType.ISSUED}') AS leaf_index,
       EXISTS (SELECT 1 FROM transit_invoice ti
                WHERE ti.receipt_id = r.id AND ti.buyer_kind = 'company') AS company_buyer,
       li.position, li.category, li.name AS item_name, li.quantity, li.unit, li.amount_fen
  FROM scan_token t
  JOIN receipt r ON r.id = t.receipt_id
  JOIN issuer i ON i.id = r.issuer_id
  LEFT JOIN receipt rv ON rv.id = r.reverses_id
  LEFT JOIN line_item li ON li.receipt_id = r.id
 WHERE t.token {{tokens}} AND t.revoked_at IS NULL
"""
# At most this many tokens in one statement; more wait for the next.
MAX_BATCH = 100


@dataclass(frozen=True, slots=True)
class ScanItem:
    position: int
    category: str
    name: str
    quantity: str
    unit: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """A receipt as its scan page shows it, before masking."""

    receipt_id: uuid.UUID
    kind: str
    code: str
    number: str
    issued_at: datetime
    status: str
    payer_name: str
    payer_id_number: str | None
    visit_type: str | None
    department: str | None
    visit_start: date | None
    total_fen: int
    fund_fen: int
    other_fen: int
    account_fen: int
    cash_fen: int
    issuer_name: str
    reverses: tuple[str, str] | None  # (code, number)
    reversed: bool
    leaf_index: int | None
    items: tuple[ScanItem, ...]
    company_buyer: bool = False  # a transit invoice titled to a 单位: its name is not masked


class ScanRecords:
    """Reads scan records; lookups made in the same turn of the event loop go to the database
    together, as one statement.

    A lookup waits for no other: the statement leaves at the end of the turn in which the
    first lookup of its batch was made, whether or not more arrive.
    """

    def __init__(self, connection: Callable[[], BaseDBAsyncClient]) -> None:
        self._connection = connection
        self._waiting: dict[str, list[asyncio.Future[ScanRecord | None]]] = {}
        self._reading: set[asyncio.Task[None]] = set()
        self._scheduled = False

    async def get(self, token: str) -> ScanRecord | None:
        """The receipt an active (not revoked) scan token opens, or ``None``.

        Each statement is one snapshot: no reversal can fall between two reads of a record.
        """
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[ScanRecord | None] = loop.create_future()
        self._waiting.setdefault(token, []).append(answer)
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._dispatch)
        return await answer

    def _dispatch(self) -> None:
        self._scheduled = False
        waiting, self._waiting = self._waiting, {}
        tokens = list(waiting)
        for start in range(0, len(tokens), MAX_BATCH):
            batch = {token: waiting[token] for token in tokens[start : start + MAX_BATCH]}
            task = asyncio.ensure_future(self._read(batch))
            self._reading.add(task)  # a running task must stay referenced
            task.add_done_callback(self._reading.discard)

    async def _read(self, batch: dict[str, list[asyncio.Future[ScanRecord | None]]]) -> None:
        try:
            records = await fetch_scan_records(self._connection(), list(batch))
        except asyncio.CancelledError:
            for answers in batch.values():
                for answer in answers:
                    answer.cancel()
            raise
        except Exception as error:  # every waiting request learns of it
            for answers in batch.values():
                for answer in answers:
                    if not answer.done():
                        answer.set_exception(error)
            return
        for token, answers in batch.items():
            for answer in answers:
                if not answer.done():  # its request may have gone away meanwhile
                    answer.set_result(records.get(token))


async def fetch_scan_records(
    conn: BaseDBAsyncClient, tokens: Sequence[str]
) -> dict[str, ScanRecord]:
    """The records of those ``tokens`` that are active scan tokens, by token."""
    values: list[Any]
    if conn.capabilities.dialect == "postgres":
        # One statement text for any number of tokens, so its prepared plan is reused.
        sql, values = SCAN_SQL.format(tokens="= ANY($1::varchar[])"), [list(tokens)]
    else:
        sql, values = SCAN_SQL.format(tokens=f"IN ({', '.join('?' * len(tokens))})"), [*tokens]
    _, rows = await conn.execute_query(sql, values)
    by_token: dict[str, list[Any]] = {}
    for row in rows:
        by_token.setdefault(row["token"], []).append(row)
    return {token: scan_record(found) for token, found in by_token.items()}


def scan_record(rows: Sequence[Mapping[str, Any]]) -> ScanRecord:
    """The record of the rows ``SCAN_SQL`` returned for one token (one per line item)."""
    first = rows[0]
    items = sorted(
        (
            ScanItem(
                position=int(row["position"]),
                category=row["category"],
                name=row["item_name"],
                quantity=row["quantity"],
                unit=row["unit"],
                amount_fen=int(row["amount_fen"]),
            )
            for row in rows
            if row["position"] is not None
        ),
        key=lambda item: item.position,
    )
    reverses_code = first["reverses_code"]
    leaf_index = first["leaf_index"]
    return ScanRecord(
        receipt_id=_uuid(first["id"]),
        kind=first["kind"],
        code=first["code"],
        number=first["number"],
        issued_at=_datetime(first["issued_at"]),
        status=first["status"],
        # Sealed at rest: opened here, masked by the page.
        payer_name=unseal(first["payer_name"], "receipt.payer_name") or "",
        payer_id_number=unseal(first["payer_id_number"], "receipt.payer_id_number"),
        visit_type=first["visit_type"],
        department=first["department"],
        visit_start=_date(first["visit_start"]),
        total_fen=int(first["total_fen"]),
        fund_fen=int(first["fund_fen"]),
        other_fen=int(first["other_fen"]),
        account_fen=int(first["account_fen"]),
        cash_fen=int(first["cash_fen"]),
        issuer_name=first["issuer_name"],
        reverses=(reverses_code, first["reverses_number"]) if reverses_code else None,
        reversed=bool(first["reversed"]),
        leaf_index=None if leaf_index is None else int(leaf_index),
        items=tuple(items),
        company_buyer=bool(first["company_buyer"]),
    )


# SQLite hands back text where PostgreSQL's driver hands back typed values.


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _datetime(value: datetime | str) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
