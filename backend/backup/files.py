"""Writing a backup file whole or not at all: into a temporary file beside it, renamed when
complete and synced."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from backend.backup.errors import BackupError


def check_destination(path: Path) -> None:
    """Raise :class:`BackupError` unless a new backup may be written at ``path``: its folder
    exists and is writable, and nothing is there yet (a backup never replaces a file, least of
    all the live database)."""
    folder = path.parent
    if not folder.is_dir():
        raise BackupError(f"目录不存在 (the directory {folder} does not exist)")
    if path.exists() or path.is_symlink():
        raise BackupError(f"文件已存在 ({path} exists already; a backup never replaces a file)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"目录不可写 (cannot write into {folder}: permission denied)")


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write the backup to; when the block ends without an
    exception the file is synced and renamed to ``path``, else it and its SQLite side files are
    removed. Nobody ever sees a partial backup under ``path``."""
    check_destination(path)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise BackupError(
            f"无法写入备份 (cannot write into {path.parent}: {exc.strerror or exc})"
        ) from exc
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb") as file:
            os.fsync(file.fileno())
        # link() then unlink(): unlike rename(), it never replaces a file that appeared meanwhile.
        os.link(temporary, path)
        temporary.unlink()
        _sync_folder(path.parent)
    except OSError as exc:
        raise BackupError(f"无法写入备份 (cannot write {path}: {exc.strerror or exc})") from exc
    finally:
        for leftover in (temporary, *_side_files(temporary)):
            leftover.unlink(missing_ok=True)


def _side_files(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm"))


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
