"""SQLite backups and restores through SQLite's online backup API.

The backup API copies the database page by page under a read transaction of the source, so a
backup taken while the service writes is the database as of one moment; a restore copies into
the target under one write transaction, so a failed restore leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from backend.backup.errors import BackupError
from backend.backup.files import written_whole

BUSY_TIMEOUT = 30.0
# Tables that make a SQLite file a Piaojia database: migrations and the ledger.
REQUIRED_TABLES = frozenset({"aerich", "ledger_entry", "ledger_checkpoint", "ledger_tile"})
TREE_SIZE = "SELECT COALESCE(MAX(size), 0) FROM ledger_checkpoint"


@contextlib.contextmanager
def _opened(path: Path, *, read_only: bool) -> Iterator[sqlite3.Connection]:
    # mode=rw never creates a missing file; a live database is opened rw even to read, since a
    # read-only connection cannot make the write-ahead log's index a WAL database may need.
    mode = "ro" if read_only else "rw"
    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode={mode}",
            uri=True,
            timeout=BUSY_TIMEOUT,
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        raise BackupError(f"无法打开数据库 (cannot open {path}: {exc})") from exc
    try:
        yield connection
    finally:
        connection.close()


def tree_size_of(connection: sqlite3.Connection, path: Path) -> int:
    """The size of the newest checkpoint in a Piaojia SQLite database; :class:`BackupError` if
    the file is not one (no ledger tables) or is damaged."""
    try:
        tables = {
            str(row[0])
            for row in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        }
        if not tables >= REQUIRED_TABLES:
            raise BackupError(
                f"不是票夹的数据库 ({path} is not a Piaojia database: it has no ledger tables)"
            )
        return int(connection.execute(TREE_SIZE).fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"数据库已损坏 ({path} cannot be read as a database: {exc})") from exc


def backup_sqlite(source: Path, destination: Path) -> int:
    """Copy the database at ``source`` into a new file at ``destination``, consistent as of one
    moment even while the service writes; returns the tree size the copy holds. The copy is a
    single file (no write-ahead log beside it) and appears at ``destination`` only when whole."""
    if not source.is_file():
        raise BackupError(f"数据库不存在 (there is no database at {source})")
    with (
        _opened(source, read_only=False) as live,
        written_whole(destination) as temporary,
        _opened(temporary, read_only=False) as copy,
    ):
        try:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            raise BackupError(f"备份失败 (the backup of {source} failed: {exc})") from exc
        return tree_size_of(copy, destination)


def check_sqlite_backup(backup: Path) -> int:
    """Raise :class:`BackupError` unless ``backup`` is a whole, undamaged Piaojia database;
    returns its tree size."""
    with _opened(backup, read_only=True) as connection:
        size = tree_size_of(connection, backup)
        try:
            problems = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"备份已损坏 ({backup} is damaged or truncated: {exc})") from exc
    if problems != ["ok"]:
        raise BackupError(f"备份已损坏 ({backup} is damaged or truncated: {problems[0]})")
    return size


def sqlite_holds_data(target: Path) -> bool:
    """True if the database at ``target`` has a row in any table but the migrations'."""
    if not target.exists() or target.stat().st_size == 0:
        return False
    with _opened(target, read_only=True) as connection:
        try:
            tables = [
                str(row[0])
                for row in connection.execute(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' AND name <> 'aerich'"
                )
            ]
            return any(
                connection.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]
                for name in tables
            )
        except sqlite3.DatabaseError:
            return True  # unreadable is not empty: only --yes may overwrite it


def restore_sqlite(backup: Path, target: Path) -> None:
    """Replace the database at ``target`` with the checked backup at ``backup``, in one write
    transaction of the target: processes that have it open see the old or the new database,
    and a failure (a read-only file, a full disk) leaves the old one."""
    check_sqlite_backup(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _opened(backup, read_only=True) as source:
        try:
            live = sqlite3.connect(target, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise BackupError(f"无法打开数据库 (cannot open {target}: {exc})") from exc
        try:
            source.backup(live)
        except sqlite3.Error as exc:
            raise BackupError(f"恢复失败 (cannot restore into {target}: {exc})") from exc
        finally:
            live.close()
