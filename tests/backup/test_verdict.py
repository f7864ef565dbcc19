"""What a restore says when what was published is not this log's, or nobody answers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend import db
from backend.anchoring.models import LedgerCheckpoint
from backend.config import Settings
from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.cosignature import CosignatureSigner
from chain.hashing import EMPTY_ROOT
from chain.note import NoteSigner
from tests.backup.support import run_here
from tests.factories import LOG_SIGNER


def test_an_empty_database_is_restored_without_yes(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    backup = tmp_path / "piaojia.backup"
    assert run_here(monkeypatch, capsys, settings, "backup", str(backup)).code == 0
    # A migrated database without a row but the migrations' is empty: nothing to lose.
    restored = run_here(monkeypatch, capsys, settings, "restore", str(backup))
    assert restored.code == 5, restored.err


def test_a_checkpoint_of_another_log_or_another_tree_is_not_this_log(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    backup = tmp_path / "piaojia.backup"
    assert run_here(monkeypatch, capsys, settings, "backup", str(backup)).code == 0
    stranger = tmp_path / "stranger.checkpoint"
    stranger.write_bytes(
        sign_checkpoint(Checkpoint(LOG_SIGNER.name, 0, EMPTY_ROOT), [NoteSigner.generate("x")]).note
    )
    ours_but_larger = tmp_path / "larger.checkpoint"
    ours_but_larger.write_bytes(
        sign_checkpoint(Checkpoint(LOG_SIGNER.name, 3, bytes(32)), [LOG_SIGNER]).note
    )
    other_root = tmp_path / "other-root.checkpoint"
    other_root.write_bytes(
        sign_checkpoint(Checkpoint(LOG_SIGNER.name, 0, bytes(32)), [LOG_SIGNER]).note
    )

    def restore(*published: Path) -> tuple[int, str, str]:
        options = [arg for path in published for arg in ("--published", str(path))]
        ran = run_here(monkeypatch, capsys, settings, "restore", str(backup), "--yes", *options)
        return ran.code, ran.out, ran.err

    code, out, err = restore(stranger)
    assert code == 4 and out.startswith("another log:")
    assert "not this log's checkpoint" in err and "不是同一个日志" in err
    code, out, err = restore(other_root)
    assert code == 4 and "another root at that size" in err
    code, out, err = restore(ours_but_larger)
    assert code == 3 and out.startswith("rolled back: the restored ledger has 0 entries, 3 were")
    code, _, err = restore(ours_but_larger, stranger)  # the worst finding decides
    assert code == 4
    code, _, err = restore(tmp_path / "missing.checkpoint")
    assert code == 5 and "cannot read it" in err


def test_a_witness_that_does_not_answer_checks_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: Settings,
    tmp_path: Path,
) -> None:
    nobody = CosignatureSigner("witness-c.test", Ed25519PrivateKey.generate()).verifier()
    configured = replace(settings, witnesses=(("http://127.0.0.1:9", nobody.key_string()),))
    backup = tmp_path / "piaojia.backup"
    assert run_here(monkeypatch, capsys, configured, "backup", str(backup)).code == 0
    ran = run_here(monkeypatch, capsys, configured, "restore", str(backup), "--yes")
    assert ran.code == 5, ran.err
    assert "witness witness-c.test: the restored ledger has no checkpoint" in ran.err

    empty_tree = sign_checkpoint(Checkpoint(LOG_SIGNER.name, 0, EMPTY_ROOT), [LOG_SIGNER])
    asyncio.run(_store_checkpoint(settings.database_url, empty_tree.note))
    later = tmp_path / "later.backup"
    assert run_here(monkeypatch, capsys, configured, "backup", str(later)).code == 0
    ran = run_here(monkeypatch, capsys, configured, "restore", str(later), "--yes")
    assert ran.code == 5, ran.err
    assert "witness witness-c.test: answered 0: " in ran.err  # no answer, whichever way
    assert ran.out.startswith("unchecked:")


async def _store_checkpoint(url: str, note: bytes) -> None:
    await db.open_database(url)
    try:
        await LedgerCheckpoint.create(size=0, note=note)
    finally:
        await db.close_database()
