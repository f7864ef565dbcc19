"""``piaojia backup FILE`` and ``piaojia restore FILE [--yes] [--published CHECKPOINT]``.

The backup prints its path alone on stdout, and its size and the ledger's tree size on stderr.
The restore's exit code says how it ended (:class:`~backend.backup.verdict.Outcome`): 0 the same
log, 3 rolled back, 4 another log's history, 5 nothing published to compare with; 1 when
nothing was restored.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from backend import db
from backend.anchoring.keys import load_log_signers, witness_policy
from backend.anchoring.storage import SqlStorage
from backend.anchoring.witness_client import WitnessClient
from backend.backup.errors import BackupError
from backend.backup.postgres_copy import backup_postgres, postgres_holds_data, restore_postgres
from backend.backup.sqlite_copy import backup_sqlite, restore_sqlite, sqlite_holds_data
from backend.backup.target import SqliteTarget, backup_kind, target_of
from backend.backup.verdict import Judge, Outcome, Verdict
from backend.config import Settings
from chain.log import Log
from chain.note import Verifier
from chain.policy import Policy

SubParsers = argparse._SubParsersAction


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    destination = Path(args.file)
    target = target_of(settings.database_url)
    started = time.monotonic()
    if isinstance(target, SqliteTarget):
        size = backup_sqlite(target.path, destination)
    else:
        size = asyncio.run(backup_postgres(target, destination))
    print(destination)
    _say(
        f"备份完成 (backup written): {destination.stat().st_size:,} bytes, ledger tree size "
        f"{size}, in {time.monotonic() - started:.2f} s"
    )
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    backup = Path(args.file)
    target = target_of(settings.database_url)
    kind = backup_kind(backup)
    wanted = "sqlite" if isinstance(target, SqliteTarget) else "postgres"
    if kind != wanted:
        raise BackupError(
            f"备份与数据库类型不符 ({backup} is a {kind} backup; the configured database is "
            f"{wanted})"
        )
    ledger, verifiers, policy = _ledger_and_policy(settings)  # a bad key stops before restoring
    started = time.monotonic()
    if isinstance(target, SqliteTarget):
        if not args.yes and sqlite_holds_data(target.path):
            return _refuse_without_yes(str(target.path))
        restore_sqlite(backup, target.path)
    else:
        if not args.yes and asyncio.run(postgres_holds_data(target)):
            return _refuse_without_yes(target.database)
        asyncio.run(restore_postgres(backup, target))
    _say(f"已恢复 (restored) {backup} in {time.monotonic() - started:.2f} s")
    published = [Path(p) for p in args.published]

    async def work() -> int:
        client = WitnessClient()
        judge = Judge(ledger=ledger, verifiers=verifiers, policy=policy, client=client)
        try:
            verdict = await judge.verdict(published)
        finally:
            await client.aclose()
        return _tell(verdict)

    return db.with_database(settings.database_url, work)


def _ledger_and_policy(settings: Settings) -> tuple[Log, list[Verifier], Policy]:
    """The log as the service builds it, its verifiers, and the witnesses it answers to."""
    signer, also = load_log_signers(settings)
    ledger = Log(SqlStorage(), signer, also=also)
    policy = witness_policy(settings, ledger.verifier_keys)
    return ledger, [signer.verifier(), *(a.verifier() for a in also)], policy


def _refuse_without_yes(where: str) -> int:
    _say(
        f"piaojia: error: 目标数据库不是空的 ({where} holds data: restoring replaces all of it; "
        "add --yes to do so)"
    )
    return 1


def _tell(verdict: Verdict) -> int:
    for finding in verdict.findings:
        known = "" if finding.size is None else f" (size {finding.size})"
        _say(f"  {finding.source}{known}: {finding.detail}")
    outcome = verdict.outcome
    size = verdict.restored_size
    if outcome is Outcome.CONSISTENT:
        print(f"consistent: the restored ledger (size {size}) extends every published checkpoint")
        _say(
            f"同一个日志 (the same log): restored tree size {size}, published size "
            f"{verdict.published_size}; 0 published entries lost. Receipts issued after the "
            "backup was made are not in this database: their issuers must issue them again "
            "(重新开具); the sequencer anchors them as new receipts."
        )
    elif outcome is Outcome.ROLLED_BACK:
        print(
            f"rolled back: the restored ledger has {size} entries, "
            f"{verdict.published_size} were published; {verdict.lost} lost"
        )
        _say(
            f"日志被回滚 (the log is rolled back): the witnesses cosigned size "
            f"{verdict.published_size} and will refuse every checkpoint of this database. Do not "
            f"serve it. Restore forward, never back: restore a newer backup, one whose ledger "
            f"tree size is at least {verdict.published_size} (piaojia backup prints it)."
        )
    elif outcome is Outcome.ANOTHER_LOG:
        print(f"another log: the restored ledger (size {size}) is not the published history")
        _say(
            "不是同一个日志 (not the same log): a published checkpoint has another root at its "
            "size. Do not serve this database; restore a backup of this deployment's log."
        )
    else:
        print(f"unchecked: the restored ledger has size {size}; nothing published to compare")
        _say(
            "无法核对 (nothing to compare with): no witness answered and no --published file "
            "was given. Compare by hand: piaojia ledger audit URL --state FILE."
        )
    return int(outcome)


def add_backup_commands(commands: SubParsers[argparse.ArgumentParser]) -> None:
    """Add ``backup`` and ``restore`` to the ``piaojia`` commands."""
    backup = commands.add_parser(
        "backup",
        help="back up the database to a new FILE while the service runs; prints its path",
        description="备份数据库 (back up the configured database). SQLite: SQLite's online "
        "backup API; PostgreSQL: pg_dump --format=custom. FILE appears only once complete; the "
        "ledger's tree size at backup time is printed on stderr.",
    )
    backup.add_argument("file", metavar="FILE", help="the new backup file (must not exist)")
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser(
        "restore",
        help="restore a backup into the configured database, then check it against the "
        "published log (exit 0 same log, 3 rolled back, 4 another log, 5 unchecked)",
        description="恢复数据库 (restore the configured database from FILE), then ask the "
        "witnesses and read the --published checkpoints: the same log, or a log rolled back "
        "that the witnesses refuse (restore forward, never back).",
    )
    restore.add_argument("file", metavar="FILE", help="a file piaojia backup wrote")
    restore.add_argument(
        "--yes", action="store_true", help="replace a database that holds data (all of it)"
    )
    restore.add_argument(
        "--published",
        action="append",
        default=[],
        metavar="CHECKPOINT",
        help="a checkpoint the log published, e.g. the state file of piaojia ledger audit; "
        "repeat for more",
    )
    restore.set_defaults(run=cmd_restore)
