"""Building the process's key ring from the settings, and re-sealing every sealed column.

``Resealer.run`` walks each table holding sealed columns in primary-key order, in batches, and
rewrites the rows that are not yet sealed under the current key: values still in clear (a
database from before sealing: migration 12 turned the columns into bytes but could not encrypt
without the key), and values sealed under an older key. The receipt's search hashes are written
again with them. Each batch commits on its own, so an interrupted run loses at most one batch of
work, and a run again picks up what is left: rows already sealed under the current key are
skipped. A value that does not open (damaged, or sealed under a key the ring lacks) stops the
run with ``SealBroken`` naming the table and row, rather than being skipped or overwritten.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from backend import sealing
from backend.config import Settings
from backend.db import connection, dialect_sql
from backend.receipts.models import payer_hashes


def keyring_for(settings: Settings) -> sealing.Keyring:
    """The ring of ``PIAOJIA_DATA_KEYS`` (newest first, the first seals), then the key derived
    from ``PIAOJIA_SECRET_KEY``: without data keys, that derived key seals."""
    materials = [key.reveal().encode() for key in settings.data_keys]
    materials.append(settings.secret_key.reveal().encode())
    return sealing.Keyring.from_materials(materials)


@dataclass(frozen=True, slots=True)
class SealedTable:
    table: str
    columns: tuple[str, ...]
    # The columns hold bytes, not text: sealed as their base64 (ledger entries' secrets).
    binary: bool = False


SEALED_TABLES = (
    SealedTable("receipt", ("payer_name", "payer_id_number", "payer_email", "payer_phone")),
    SealedTable("wx_session", ("session_key",)),
    SealedTable("idempotency_record", ("response_body",)),
    SealedTable("transit_invoice", ("buyer_name",)),
    SealedTable("outbox_message", ("recipient",)),
    SealedTable("ledger_entry", ("salt",), binary=True),
)


@dataclass(slots=True)
class Progress:
    """Where a run stands in one table."""

    table: str
    total: int
    checked: int = 0
    resealed: int = 0


Report = Callable[[Progress], None]


def _clear_or_open(
    ring: sealing.Keyring, value: Any, context: str, *, binary: bool = False
) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value  # SQLite keeps a value written before migration 12 as text
    raw = bytes(value)
    if raw.startswith(sealing.MAGIC):
        return ring.open(raw, context)
    if binary:
        return base64.b64encode(raw).decode()  # bytes are sealed as their base64
    return raw.decode("utf-8")  # clear text that migration 12 turned into bytes


def _current(ring: sealing.Keyring, value: Any) -> bool:
    return value is None or (
        isinstance(value, bytes | memoryview)
        and sealing.key_id_of(bytes(value)) == ring.current.name
    )


class Resealer:
    """Seals every sealed column under the ring's current key; see the module docstring."""

    def __init__(
        self, ring: sealing.Keyring, *, batch: int = 500, only_clear: bool = False
    ) -> None:
        """``only_clear``: seal what is still in clear, leave what an older key sealed."""
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self._ring = ring
        self._batch = batch
        self._only_clear = only_clear

    async def run(self, report: Report | None = None) -> list[Progress]:
        """Re-seal every table; returns one ``Progress`` per table, in ``SEALED_TABLES`` order."""
        return [await self._table(spec, report) for spec in SEALED_TABLES]

    async def scrub(self) -> None:
        """Rewrite the files of the sealed tables, so no free page keeps a value that was in
        clear (SQLite: ``VACUUM`` and a WAL checkpoint; PostgreSQL: ``VACUUM FULL`` of those
        tables, which locks them while it runs). Copies made before (backups, PostgreSQL's
        archived WAL) are not reached."""
        conn = connection()
        if conn.capabilities.dialect == "sqlite":
            await conn.execute_script("VACUUM")
            await conn.execute_query("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        tables = ", ".join(f'"{spec.table}"' for spec in SEALED_TABLES)
        await conn.execute_script(f"VACUUM FULL {tables}")

    async def census(self) -> dict[str, dict[str, int]]:
        """For each ``table.column``: how many values each key id (or ``clear``) holds."""
        counts: dict[str, dict[str, int]] = {}
        conn = connection()
        for spec in SEALED_TABLES:
            for column in spec.columns:
                found = counts.setdefault(f"{spec.table}.{column}", {})
                rows = await conn.execute_query_dict(
                    f'SELECT "{column}" AS v FROM "{spec.table}" WHERE "{column}" IS NOT NULL'
                )
                for row in rows:
                    value = row["v"]
                    name = "clear" if isinstance(value, str) else sealing.key_id_of(bytes(value))
                    found[name] = found.get(name, 0) + 1
        return counts

    async def _table(self, spec: SealedTable, report: Report | None) -> Progress:
        conn = connection()
        rows = await conn.execute_query_dict(f'SELECT COUNT(*) AS n FROM "{spec.table}"')
        progress = Progress(spec.table, int(rows[0]["n"]))
        columns = ", ".join(f'"{c}"' for c in spec.columns)
        select = (
            f'SELECT "id", {columns} FROM "{spec.table}" WHERE "id" > $1 ORDER BY "id" LIMIT $2'
        )
        first = f'SELECT "id", {columns} FROM "{spec.table}" ORDER BY "id" LIMIT $1'
        last: Any = None
        while True:
            async with in_transaction() as tx:
                if last is None:
                    batch = await tx.execute_query_dict(dialect_sql(tx, first), [self._batch])
                else:
                    batch = await tx.execute_query_dict(
                        dialect_sql(tx, select), [last, self._batch]
                    )
                updates = [u for u in (self._update(spec, row) for row in batch) if u]
                if updates:
                    names = list(updates[0])[:-1]
                    sets = ", ".join(f'"{c}" = ${n}' for n, c in enumerate(names, start=1))
                    sql = f'UPDATE "{spec.table}" SET {sets} WHERE "id" = ${len(names) + 1}'
                    # One statement, many rows: a round trip per batch, not per row.
                    await tx.execute_many(dialect_sql(tx, sql), [list(u.values()) for u in updates])
                progress.resealed += len(updates)
                progress.checked += len(batch)
            if batch:
                last = batch[-1]["id"]
            if report is not None:
                report(progress)
            if len(batch) < self._batch:
                return progress

    def _done(self, value: Any) -> bool:
        if self._only_clear:
            return value is None or (
                isinstance(value, bytes | memoryview) and bytes(value).startswith(sealing.MAGIC)
            )
        return _current(self._ring, value)

    def _update(self, spec: SealedTable, row: dict[str, Any]) -> dict[str, Any] | None:
        """The row's new sealed values (and hashes) then its id, or None if it is done."""
        if all(self._done(row[c]) for c in spec.columns):
            return None
        try:
            plain = {
                c: _clear_or_open(self._ring, row[c], f"{spec.table}.{c}", binary=spec.binary)
                for c in spec.columns
            }
        except sealing.SealBroken as exc:
            raise sealing.SealBroken(f"{spec.table} row {row['id']}: {exc}") from None
        values: dict[str, Any] = {
            c: None if p is None else self._ring.seal(p, f"{spec.table}.{c}")
            for c, p in plain.items()
        }
        if spec.table == "receipt":
            values.update(
                payer_hashes(
                    plain["payer_name"], plain["payer_id_number"], plain["payer_phone"], self._ring
                )
            )
        values["id"] = row["id"]
        return values
