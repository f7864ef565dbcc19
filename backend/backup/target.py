"""Where a backup comes from and a restore goes to: the configured database, read from its URL,
and what kind of backup a file holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from backend.backup.errors import BackupError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True, slots=True)
class SqliteTarget:
    path: Path


@dataclass(frozen=True, slots=True)
class PostgresTarget:
    host: str
    port: int
    user: str
    password: str | None
    database: str

    def environment(self) -> dict[str, str]:
        """The whole environment of a ``pg_dump``/``pg_restore`` child (started by its full
        path): the connection goes through ``PG*`` variables, never the command line, where
        other users of the machine see it, and nothing of the caller's environment leaks in."""
        environ = {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGDATABASE": self.database,
        }
        if self.password is not None:
            environ["PGPASSWORD"] = self.password
        return environ

    def connect_arguments(self) -> dict[str, object]:
        """asyncpg's ``connect`` arguments (the URL's query holds Tortoise's pool options,
        which asyncpg would take for server settings)."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "database": self.database,
        }


Target = SqliteTarget | PostgresTarget


def target_of(database_url: str) -> Target:
    """The database ``database_url`` names; raises :class:`BackupError` for an in-memory
    database or a scheme Piaojia does not run on."""
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path in ("", ":memory:"):
            raise BackupError("内存数据库无法备份 (an in-memory SQLite database has no file)")
        return SqliteTarget(Path(path))
    if database_url.startswith(("postgres://", "asyncpg://")):
        parts = urlsplit(database_url)
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise BackupError("数据库地址缺少库名 (the PostgreSQL URL names no database)")
        return PostgresTarget(
            host=parts.hostname or "localhost",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=None if parts.password is None else unquote(parts.password),
            database=database,
        )
    raise BackupError(
        f"不支持的数据库地址 (cannot back up a database at {database_url.split(':')[0]}://…)"
    )


def backup_kind(path: Path) -> str:
    """``sqlite`` or ``postgres``: the kind of backup at ``path`` by its first bytes; raises
    :class:`BackupError` if it cannot be read or is neither."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"无法读取备份 (cannot read {path}: {exc.strerror or exc})") from exc
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgres"
    raise BackupError(
        f"不是票夹的备份 ({path} is not a backup: neither a SQLite database nor a pg_dump archive)"
    )
