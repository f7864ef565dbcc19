"""The log's storage in the service's own database: ``chain.storage.Storage`` over Tortoise.

The tree size is the size of the newest row in ``ledger_checkpoint``; its unique index is what
turns a second, concurrent sequencer into ``IntegrationConflictError``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from backend.anchoring.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from backend.db import connection, dialect_sql
from chain.errors import IntegrationConflictError
from chain.storage import Integration, PendingEntry
from chain.tiles import TileKey

# PostgreSQL: one statement per integration for each table, whatever the batch size; arrays go
# in as parameters, so the statement text (and its prepared plan) never changes.
_PG_ASSIGN = (
    "UPDATE ledger_entry AS e SET leaf_index = $1 + v.n - 1 "
    "FROM unnest($2::bigint[]) WITH ORDINALITY AS v(id, n) "
    "WHERE e.id = v.id AND e.leaf_index IS NULL"
)
_PG_UPSERT_TILES = (
    'INSERT INTO ledger_tile (level, "index", data) '
    "SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[]) "
    'ON CONFLICT (level, "index") DO UPDATE SET data = excluded.data'
)
_PG_UPSERT_BUNDLES = (
    'INSERT INTO ledger_bundle ("index", data) '
    "SELECT * FROM unnest($1::bigint[], $2::bytea[]) "
    'ON CONFLICT ("index") DO UPDATE SET data = excluded.data'
)
# SQLite: the ids travel as one JSON array, whose element number ``key`` (from 0) is the offset
# of the leaf index; each id is then found by its rowid. The unary ``+`` keeps the planner off
# the leaf_index index: driven by ``leaf_index IS NULL`` it would scan the JSON array once per
# pending row (29 s instead of 5 ms for 4,096 ids among 200,000 pending). Blobs cannot travel
# in JSON, so tiles and bundles go as multi-row VALUES, in chunks well below SQLite's bound on
# parameters.
_SQLITE_ASSIGN = (
    "UPDATE ledger_entry SET leaf_index = ? + v.key FROM json_each(?) AS v "
    "WHERE ledger_entry.id = v.value AND +ledger_entry.leaf_index IS NULL"
)
_SQLITE_UPSERT_TILES = (
    'INSERT INTO ledger_tile (level, "index", data) VALUES {rows} '
    'ON CONFLICT (level, "index") DO UPDATE SET data = excluded.data'
)
_SQLITE_UPSERT_BUNDLES = (
    'INSERT INTO ledger_bundle ("index", data) VALUES {rows} '
    'ON CONFLICT ("index") DO UPDATE SET data = excluded.data'
)
_SQLITE_ROWS_PER_STATEMENT = 256
_READ_PENDING = (
    "SELECT id, statement FROM ledger_entry WHERE leaf_index IS NULL ORDER BY id LIMIT $1"
)


class SqlStorage:
    """``chain.storage.Storage`` on the app's database connection."""

    async def add_pending(self, entry: bytes) -> int:
        raise TypeError(
            "ledger entries are appended with append_on, inside the receipt's transaction"
        )

    async def append_on(
        self,
        conn: BaseDBAsyncClient,
        *,
        statement: bytes,
        salt: bytes,
        event: str,
        receipt_id: object,
    ) -> int:
        """Record a statement as pending on ``conn``: it becomes durable when that commits."""
        row = await LedgerEntry.create(
            statement=statement, salt=salt, event=event, receipt_id=receipt_id, using_db=conn
        )
        return int(row.id)

    async def read_pending(self, limit: int) -> Sequence[PendingEntry]:
        conn = connection()
        _, rows = await conn.execute_query(dialect_sql(conn, _READ_PENDING), [limit])
        return [PendingEntry(int(row[0]), bytes(row[1])) for row in rows]

    async def commit_integration(self, integration: Integration) -> None:
        try:
            async with in_transaction() as conn:
                # Write first: SQLite then takes its write lock (waiting its busy timeout)
                # instead of failing to upgrade a read snapshot; the unique size makes a
                # concurrent sequencer's insert of the same size fail here.
                await LedgerCheckpoint.create(
                    size=integration.new_size, note=integration.checkpoint, using_db=conn
                )
                sizes = LedgerCheckpoint.all().using_db(conn)
                before = await sizes.filter(size__lt=integration.new_size).order_by("-size").first()
                current = int(before.size) if before else 0
                overtaken = await sizes.filter(size__gt=integration.new_size).exists()
                if current != integration.old_size or overtaken:
                    raise IntegrationConflictError(
                        f"the tree moved on from size {integration.old_size}"
                    )
                await self._assign(conn, integration)
                if conn.capabilities.dialect == "postgres":
                    await self._upsert_postgres(conn, integration)
                else:
                    await self._upsert_sqlite(conn, integration)
        except IntegrityError as exc:
            raise IntegrationConflictError("another sequencer integrated first") from exc

    async def _assign(self, conn: BaseDBAsyncClient, integration: Integration) -> None:
        """Give ``pending_ids[i]`` leaf index ``old_size + i`` in one statement.

        Each id is updated only while still pending, and once even if listed twice, so the
        count of rows changed falls short of the batch exactly when some id is not pending.
        """
        ids = list(integration.pending_ids)
        if not ids:
            return
        if conn.capabilities.dialect == "postgres":
            updated, _ = await conn.execute_query(_PG_ASSIGN, [integration.old_size, ids])
        else:
            updated, _ = await conn.execute_query(
                _SQLITE_ASSIGN, [integration.old_size, json.dumps(ids)]
            )
        if updated != len(ids):
            raise IntegrationConflictError(
                f"{len(ids) - updated} of {len(ids)} entries are no longer pending"
            )

    @staticmethod
    async def _upsert_postgres(conn: BaseDBAsyncClient, integration: Integration) -> None:
        tiles = integration.tiles
        if tiles:
            levels, indexes = [level for level, _ in tiles], [index for _, index in tiles]
            await conn.execute_query(_PG_UPSERT_TILES, [levels, indexes, list(tiles.values())])
        if integration.entry_bundles:
            bundles = integration.entry_bundles
            await conn.execute_query(_PG_UPSERT_BUNDLES, [list(bundles), list(bundles.values())])

    @staticmethod
    async def _upsert_sqlite(conn: BaseDBAsyncClient, integration: Integration) -> None:
        tiles = [[level, index, data] for (level, index), data in integration.tiles.items()]
        bundles = [[index, data] for index, data in integration.entry_bundles.items()]
        for template, rows, row_sql in (
            (_SQLITE_UPSERT_TILES, tiles, "(?, ?, ?)"),
            (_SQLITE_UPSERT_BUNDLES, bundles, "(?, ?)"),
        ):
            for start in range(0, len(rows), _SQLITE_ROWS_PER_STATEMENT):
                chunk = rows[start : start + _SQLITE_ROWS_PER_STATEMENT]
                sql = template.format(rows=", ".join([row_sql] * len(chunk)))
                await conn.execute_query(sql, [value for row in chunk for value in row])

    async def read_checkpoint(self) -> bytes | None:
        latest = await LedgerCheckpoint.all().order_by("-size").first()
        return bytes(latest.note) if latest else None

    async def read_checkpoint_at(self, size: int) -> bytes | None:
        row = await LedgerCheckpoint.get_or_none(size=size)
        return bytes(row.note) if row else None

    async def read_tiles(self, keys: Collection[TileKey]) -> Mapping[TileKey, bytes]:
        if not keys:
            return {}
        by_level: dict[int, list[int]] = {}
        for level, index in keys:
            by_level.setdefault(level, []).append(index)
        # One statement, so one snapshot across levels on either database (a transaction
        # would not give one under PostgreSQL's READ COMMITTED), and no BEGIN/COMMIT trips.
        wanted = Q(
            *(Q(level=level, index__in=indexes) for level, indexes in by_level.items()),
            join_type=Q.OR,
        )
        rows = await LedgerTile.filter(wanted).values_list("level", "index", "data")
        return {(int(level), int(index)): bytes(data) for level, index, data in rows}

    async def read_entry_bundle(self, index: int) -> bytes | None:
        row = await LedgerBundle.get_or_none(index=index)
        return bytes(row.data) if row else None

    async def read_leaf_index(self, pending_id: int) -> int | None:
        row = await LedgerEntry.get_or_none(id=pending_id)
        return None if row is None or row.leaf_index is None else int(row.leaf_index)
