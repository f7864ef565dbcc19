"""The log's storage in the service's own database: ``chain.storage.Storage`` over Tortoise.

The tree size is the size of the newest row in ``ledger_checkpoint``; its unique index is what
turns a second, concurrent sequencer into ``IntegrationConflictError``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.anchoring.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from backend.db import dialect_sql
from chain.errors import IntegrationConflictError
from chain.storage import Integration, PendingEntry
from chain.tiles import TileKey

_UPSERT_TILE = (
    'INSERT INTO ledger_tile (level, "index", data) VALUES ($1, $2, $3) '
    'ON CONFLICT (level, "index") DO UPDATE SET data = excluded.data'
)
_UPSERT_BUNDLE = (
    'INSERT INTO ledger_bundle ("index", data) VALUES ($1, $2) '
    'ON CONFLICT ("index") DO UPDATE SET data = excluded.data'
)
_ASSIGN = "UPDATE ledger_entry SET leaf_index = $1 WHERE id = $2 AND leaf_index IS NULL"


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
        rows = (
            await LedgerEntry.filter(leaf_index=None)
            .order_by("id")
            .limit(limit)
            .values_list("id", "statement")
        )
        return [PendingEntry(int(pending_id), bytes(statement)) for pending_id, statement in rows]

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
                tile_sql = dialect_sql(conn, _UPSERT_TILE)
                for (level, index), data in integration.tiles.items():
                    await conn.execute_query(tile_sql, [level, index, data])
                bundle_sql = dialect_sql(conn, _UPSERT_BUNDLE)
                for index, data in integration.entry_bundles.items():
                    await conn.execute_query(bundle_sql, [index, data])
        except IntegrityError as exc:
            raise IntegrationConflictError("another sequencer integrated first") from exc

    async def _assign(self, conn: BaseDBAsyncClient, integration: Integration) -> None:
        sql = dialect_sql(conn, _ASSIGN)
        for offset, pending_id in enumerate(integration.pending_ids):
            updated, _ = await conn.execute_query(sql, [integration.old_size + offset, pending_id])
            if updated != 1:
                raise IntegrationConflictError(f"entry {pending_id} is no longer pending")

    async def read_checkpoint(self) -> bytes | None:
        latest = await LedgerCheckpoint.all().order_by("-size").first()
        return bytes(latest.note) if latest else None

    async def read_checkpoint_at(self, size: int) -> bytes | None:
        row = await LedgerCheckpoint.get_or_none(size=size)
        return bytes(row.note) if row else None

    async def read_tiles(self, keys: Collection[TileKey]) -> Mapping[TileKey, bytes]:
        if not keys:
            return {}
        found: dict[TileKey, bytes] = {}
        by_level: dict[int, list[int]] = {}
        for level, index in keys:
            by_level.setdefault(level, []).append(index)
        async with in_transaction() as conn:  # one snapshot across levels
            for level, indexes in by_level.items():
                rows = (
                    await LedgerTile.filter(level=level, index__in=indexes)
                    .using_db(conn)
                    .values_list("index", "data")
                )
                found.update({(level, int(index)): bytes(data) for index, data in rows})
        return found

    async def read_entry_bundle(self, index: int) -> bytes | None:
        row = await LedgerBundle.get_or_none(index=index)
        return bytes(row.data) if row else None

    async def read_leaf_index(self, pending_id: int) -> int | None:
        row = await LedgerEntry.get_or_none(id=pending_id)
        return None if row is None or row.leaf_index is None else int(row.leaf_index)
