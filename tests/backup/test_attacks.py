"""What an operator can get wrong, on both databases: a file that is not a backup, a truncated
backup, a missing directory, a read-only target, a file in the way. Each is one line on stderr
and a non-zero exit, and nothing is half-written: no partial backup, the target as it was."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend import db
from backend.anchoring.models import LedgerCheckpoint
from backend.config import Settings
from tests.backup.support import run_here
from tests.postgres import admin

MARK = 7  # a tree size the target holds and keeps when a restore fails


def mark(url: str) -> None:
    async def write() -> None:
        await db.open_database(url)
        try:
            await LedgerCheckpoint.create(size=MARK, note=b"the target's own checkpoint\n")
        finally:
            await db.close_database()

    asyncio.run(write())


def tree_size(url: str) -> int:
    async def read() -> int:
        await db.open_database(url)
        try:
            latest = await LedgerCheckpoint.all().order_by("-size").first()
            return 0 if latest is None else int(latest.size)
        finally:
            await db.close_database()

    return asyncio.run(read())


def partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` unwritable even to root (immutable), or by mode for anyone else."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: nothing is read-only to root")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"running as root and chattr +i fails here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


Run = tuple[pytest.MonkeyPatch, pytest.CaptureFixture[str], Settings]


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: Settings
) -> Run:
    return monkeypatch, capsys, settings


def test_a_file_that_is_not_a_backup_is_refused(cli: Run, tmp_path: Path) -> None:
    settings = cli[2]
    mark(settings.database_url)
    notes = tmp_path / "notes.txt"
    notes.write_text("这不是备份\n")
    ran = run_here(*cli, "restore", str(notes), "--yes")
    assert ran.code == 1
    assert "不是票夹的备份" in ran.one_line_error() and "is not a backup" in ran.err
    empty = tmp_path / "empty"
    empty.touch()
    assert "不是票夹的备份" in run_here(*cli, "restore", str(empty), "--yes").one_line_error()
    assert tree_size(settings.database_url) == MARK


def test_a_truncated_backup_changes_nothing(cli: Run, tmp_path: Path) -> None:
    settings = cli[2]
    backup = tmp_path / "piaojia.backup"
    made = run_here(*cli, "backup", str(backup))
    assert made.code == 0, made.err
    assert made.out == f"{backup}\n" and "ledger tree size 0" in made.err
    mark(settings.database_url)
    data = backup.read_bytes()
    for length in (len(data) // 2, len(data) - 1):
        truncated = tmp_path / f"truncated-{length}.backup"
        truncated.write_bytes(data[:length])
        ran = run_here(*cli, "restore", str(truncated), "--yes")
        assert ran.code == 1, ran.err
        error = ran.one_line_error()
        assert "损坏" in error or "nothing was changed" in error, error
        assert tree_size(settings.database_url) == MARK


def test_a_backup_goes_into_an_existing_folder_and_never_over_a_file(
    cli: Run, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "piaojia.backup"
    ran = run_here(*cli, "backup", str(missing))
    assert ran.code == 1 and "目录不存在" in ran.one_line_error()
    assert not missing.parent.exists()

    kept = tmp_path / "piaojia.backup"
    kept.write_text("an older backup")
    ran = run_here(*cli, "backup", str(kept))
    assert ran.code == 1 and "文件已存在" in ran.one_line_error()
    assert kept.read_text() == "an older backup"

    ran = run_here(*cli, "restore", str(tmp_path / "nowhere.backup"), "--yes")
    assert ran.code == 1 and "无法读取备份" in ran.one_line_error()
    assert partials(tmp_path) == []


def test_a_read_only_folder_gets_no_backup(cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    with read_only(folder):
        ran = run_here(*cli, "backup", str(folder / "piaojia.backup"))
    assert ran.code == 1 and "目录不可写" in ran.one_line_error()
    assert list(folder.iterdir()) == []


def test_a_read_only_target_is_left_as_it_was(cli: Run, tmp_path: Path) -> None:
    settings = cli[2]
    backup = tmp_path / "piaojia.backup"
    assert run_here(*cli, "backup", str(backup)).code == 0
    mark(settings.database_url)
    if settings.database_url.startswith("sqlite://"):
        target = Path(settings.database_url.removeprefix("sqlite://").split("?")[0])
        before = target.read_bytes()
        with read_only(target):
            ran = run_here(*cli, "restore", str(backup), "--yes")
        assert target.read_bytes() == before
    else:
        name = settings.database_url.rsplit("/", 1)[1].split("?")[0]
        asyncio.run(admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        try:
            ran = run_here(*cli, "restore", str(backup), "--yes")
        finally:
            asyncio.run(admin(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
    assert ran.code == 1 and ran.one_line_error().startswith("piaojia: error: 恢复失败")
    assert tree_size(settings.database_url) == MARK


def test_a_backup_of_the_other_database_is_refused(
    cli: Run, tmp_path: Path, sqlite_template: Path
) -> None:
    settings = cli[2]
    other = tmp_path / "other.backup"
    if settings.database_url.startswith("sqlite://"):
        other.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
    else:
        shutil.copyfile(sqlite_template, other)
    ran = run_here(*cli, "restore", str(other), "--yes")
    assert ran.code == 1 and "备份与数据库类型不符" in ran.one_line_error()


def test_a_database_with_data_is_replaced_only_with_yes(cli: Run, tmp_path: Path) -> None:
    settings = cli[2]
    backup = tmp_path / "piaojia.backup"
    assert run_here(*cli, "backup", str(backup)).code == 0
    mark(settings.database_url)
    ran = run_here(*cli, "restore", str(backup))
    assert ran.code == 1 and "--yes" in ran.one_line_error()
    assert tree_size(settings.database_url) == MARK
    restored = run_here(*cli, "restore", str(backup), "--yes")
    # Nothing was published (no witness, no --published file): restored, but unchecked.
    assert restored.code == 5, restored.err
    assert restored.out.startswith("unchecked: the restored ledger has size 0")
    assert tree_size(settings.database_url) == 0
