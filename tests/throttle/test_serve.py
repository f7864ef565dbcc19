"""`piaojia serve` with several workers on SQLite would count every limit once per process:
without a shared store it refuses, in one line, before it starts anything."""

from __future__ import annotations

import pytest

from backend.cli import main


def test_several_workers_on_sqlite_need_redis(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setenv("PIAOJIA_SECRET_KEY", "s" * 32)
    monkeypatch.setenv("PIAOJIA_DATABASE_URL", f"sqlite://{tmp_path}/piaojia.db")
    monkeypatch.delenv("PIAOJIA_REDIS_URL", raising=False)
    assert main(["serve", "--workers", "2"]) == 2
    message = capsys.readouterr().err
    assert message.startswith("piaojia: configuration error: on SQLite without PIAOJIA_REDIS_URL")
    assert message.count("\n") == 1
