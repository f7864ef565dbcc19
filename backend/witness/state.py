"""The witness's durable memory: one small SQLite file, one row per trusted log.

:class:`SqliteWitnessState` implements :class:`chain.witness.WitnessState`. Guarantees:

- ``compare_and_set`` is atomic across threads and processes: it runs in one
  ``BEGIN IMMEDIATE`` transaction (the database write lock is taken before the recorded size is
  read), so two witnesses sharing a file can never roll each other back;
- it is durable before it returns True: WAL journal with ``synchronous=FULL`` fsyncs the commit;
- it never moves a log backwards: a ``new`` size below ``old_size`` is refused outright;
- it keeps when each log was last cosigned (``cosigned_at``), so the witness can refuse to date
  a cosignature before its last one after a restart too (schema 2; a schema 1 file is upgraded
  in place at open, its logs recorded as cosigned at time 0);
- the database is ours: a file with another schema version, or not SQLite at all, is refused at
  open with :class:`~backend.witness.errors.StateError` rather than written to.

Blocking SQLite calls run in a worker thread (``asyncio.to_thread``); one connection is shared
and serialised by a lock, which is plenty for a witness (each call is a few microseconds).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from types import TracebackType

from backend.witness.errors import StateError
from chain.hashing import HASH_SIZE
from chain.witness import TreeHead

SCHEMA_VERSION = 2
BUSY_TIMEOUT_SECONDS = 10.0

_SCHEMA = f"""
CREATE TABLE tree_head (
    origin    TEXT PRIMARY KEY NOT NULL,
    size      INTEGER NOT NULL CHECK (size >= 0),
    root_hash BLOB NOT NULL CHECK (length(root_hash) = {HASH_SIZE}),
    cosigned_at INTEGER NOT NULL DEFAULT 0 CHECK (cosigned_at >= 0)
) WITHOUT ROWID
"""
_UPGRADE_FROM_1 = "ALTER TABLE tree_head ADD COLUMN cosigned_at INTEGER NOT NULL DEFAULT 0"


class SqliteWitnessState:
    """A :class:`~chain.witness.WitnessState` in a SQLite file; build it with :meth:`open`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self._path = path
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, path: str | Path) -> SqliteWitnessState:
        """Open (creating if absent, with missing parent folders) the state database at ``path``.

        Raises :class:`~backend.witness.errors.StateError` with a one-line reason if the file
        cannot be created or opened, is not a SQLite database, or has another schema version.
        """
        where = Path(path)
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                where,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # transactions are explicit
                check_same_thread=False,  # used from worker threads, under self._lock
            )
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open witness state {where}: {exc}") from exc
        try:
            _prepare(connection)
        except (OSError, sqlite3.Error, StateError) as exc:
            connection.close()
            raise StateError(f"cannot use witness state {where}: {exc}") from exc
        return cls(connection, where)

    @property
    def path(self) -> Path:
        return self._path

    async def read(self, origin: str) -> TreeHead | None:
        """The latest cosigned tree head for ``origin``, or ``None`` if never cosigned."""
        return await asyncio.to_thread(self._read, origin)

    async def compare_and_set(self, origin: str, old_size: int, new: TreeHead) -> bool:
        """Store ``new`` only if the recorded size is still ``old_size`` (0 if none).

        Atomic and durable before returning True; returns False and changes nothing if the
        recorded size differs. Raises ``ValueError`` if ``new`` would move the log backwards.
        """
        if new.size < old_size:
            raise ValueError(f"refusing to move {origin!r} back from {old_size} to {new.size}")
        if len(new.root_hash) != HASH_SIZE:
            raise ValueError("a root hash is 32 bytes")
        return await asyncio.to_thread(self._compare_and_set, origin, old_size, new)

    async def origins(self) -> dict[str, TreeHead]:
        """Every recorded log and its latest cosigned tree head."""
        return await asyncio.to_thread(self._all)

    def close(self) -> None:
        """Close the database; later calls raise :class:`StateError`. Safe to repeat."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def __enter__(self) -> SqliteWitnessState:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqliteWitnessState({str(self._path)!r})"

    def _read(self, origin: str) -> TreeHead | None:
        with self._lock:
            self._check_open()
            try:
                row = self._db.execute(
                    "SELECT size, root_hash, cosigned_at FROM tree_head WHERE origin = ?", (origin,)
                ).fetchone()
            except sqlite3.Error as exc:
                raise StateError(f"cannot read witness state {self._path}: {exc}") from exc
        return None if row is None else _tree_head(row)

    def _all(self) -> dict[str, TreeHead]:
        with self._lock:
            self._check_open()
            try:
                rows = self._db.execute(
                    "SELECT origin, size, root_hash, cosigned_at FROM tree_head ORDER BY origin"
                ).fetchall()
            except sqlite3.Error as exc:
                raise StateError(f"cannot read witness state {self._path}: {exc}") from exc
        return {str(row[0]): _tree_head(row[1:]) for row in rows}

    def _compare_and_set(self, origin: str, old_size: int, new: TreeHead) -> bool:
        with self._lock:
            self._check_open()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    row = self._db.execute(
                        "SELECT size FROM tree_head WHERE origin = ?", (origin,)
                    ).fetchone()
                    if (0 if row is None else int(row[0])) != old_size:
                        self._db.execute("ROLLBACK")
                        return False
                    self._db.execute(
                        "INSERT INTO tree_head (origin, size, root_hash, cosigned_at) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE "
                        "SET size = excluded.size, root_hash = excluded.root_hash, "
                        "cosigned_at = excluded.cosigned_at",
                        (origin, new.size, new.root_hash, new.timestamp),
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise StateError(f"cannot update witness state {self._path}: {exc}") from exc
            return True

    def _check_open(self) -> None:
        if self._closed:
            raise StateError(f"witness state {self._path} is closed")


def _tree_head(row: tuple[object, ...]) -> TreeHead:
    size, root, cosigned_at = row
    if not isinstance(size, int) or not isinstance(root, bytes) or len(root) != HASH_SIZE:
        raise StateError("witness state holds a malformed tree head")
    if not isinstance(cosigned_at, int):
        raise StateError("witness state holds a malformed cosignature time")
    return TreeHead(size, root, cosigned_at)


def _prepare(connection: sqlite3.Connection) -> None:
    """Set durable pragmas and create the schema once, under the write lock."""
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        if version == 0:
            tables = connection.execute(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
            ).fetchone()[0]
            if tables:
                raise StateError("the file is a SQLite database of something else")
            connection.execute(_SCHEMA)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version == 1:
            connection.execute(_UPGRADE_FROM_1)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            raise StateError(f"witness state schema version {version} is not {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
