"""PostgreSQL backups with ``pg_dump --format=custom`` and restores with ``pg_restore``.

The dump runs in a snapshot exported by a repeatable-read transaction that also reads the tree
size, so the size printed is exactly the one in the archive. The restore runs in one
transaction (``--single-transaction``): a truncated or damaged archive changes nothing.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import asyncpg

from backend.backup.errors import BackupError
from backend.backup.files import written_whole
from backend.backup.target import PostgresTarget

TREE_SIZE = "SELECT COALESCE(MAX(size), 0) FROM ledger_checkpoint"
CONNECT_TIMEOUT = 10.0


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"缺少 {name} (install the PostgreSQL client tools: apt-get install postgresql-client)"
        )
    return found


async def _connect(target: PostgresTarget) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(**target.connect_arguments(), timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise BackupError(
            f"无法连接数据库 (cannot connect to {target.database} on "
            f"{target.host}:{target.port}: {exc})"
        ) from exc


async def _run(command: list[str], target: PostgresTarget) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *command,
        env=target.environment(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    text = (err or out).decode(errors="replace").strip()
    return int(process.returncode or 0), text


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "no output")


async def backup_postgres(target: PostgresTarget, destination: Path) -> int:
    """Dump the configured database into a new file at ``destination`` (custom format),
    consistent as of one moment while the service writes; returns its tree size."""
    pg_dump = _tool("pg_dump")
    connection = await _connect(target)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            try:
                size = int(await connection.fetchval(TREE_SIZE))
            except asyncpg.UndefinedTableError as exc:
                raise BackupError(
                    f"不是票夹的数据库 ({target.database} has no ledger tables: "
                    "run piaojia migrate first)"
                ) from exc
            with written_whole(destination) as temporary:
                code, output = await _run(
                    [
                        pg_dump,
                        "--format=custom",
                        "--no-password",
                        f"--snapshot={snapshot}",
                        f"--file={temporary}",
                    ],
                    target,
                )
                if code != 0:
                    raise BackupError(f"pg_dump 失败 (pg_dump failed: {_first_line(output)})")
    finally:
        await connection.close()
    return size


async def check_postgres_backup(backup: Path, target: PostgresTarget) -> None:
    """Raise :class:`BackupError` unless ``backup``'s table of contents reads and lists the
    ledger (a truncated body is caught by the restore, which then changes nothing)."""
    code, listing = await _run([_tool("pg_restore"), "--list", str(backup)], target)
    if code != 0:
        raise BackupError(f"备份已损坏 ({backup} is not a whole pg_dump archive: "
                          f"{_first_line(listing)})")  # fmt: skip
    if " TABLE public ledger_checkpoint " not in listing:
        raise BackupError(f"不是票夹的备份 ({backup} is a pg_dump archive of another database)")


async def postgres_holds_data(target: PostgresTarget) -> bool:
    """True if any table of the database but the migrations' has a row."""
    connection = await _connect(target)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'aerich'"
        )
        for row in tables:
            name = str(row["tablename"]).replace('"', '""')
            if await connection.fetchval(f'SELECT EXISTS (SELECT 1 FROM public."{name}")'):
                return True
        return False
    finally:
        await connection.close()


async def restore_postgres(backup: Path, target: PostgresTarget) -> None:
    """Replace the configured database's tables with the archive's, in one transaction."""
    await check_postgres_backup(backup, target)
    code, output = await _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={target.database}",
            str(backup),
        ],
        target,
    )
    if code != 0:
        raise BackupError(
            "恢复失败，数据库未改动 (pg_restore failed, nothing was changed: "
            f"{_first_line(output)})"
        )
