"""The ``piaojia`` command, run as a newcomer runs it: a separate process per command."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.commands import piaojia
from tests.factories import credit_code


def test_issuer_and_staff_creation_print_only_the_new_thing(database_url: str) -> None:
    migrated = piaojia(database_url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "applied 0 migration(s)" in migrated.stderr  # the test database is already migrated

    created = piaojia(
        database_url,
        "issuer",
        "create",
        "--kind",
        "hospital",
        "--name",
        "广州测试医院",
        "--credit-code",
        credit_code(900),
        "--region",
        "440100",
    )
    assert created.returncode == 0, created.stderr
    issuer_id = uuid.UUID(created.stdout.strip())

    staff = piaojia(
        database_url,
        "staff",
        "create",
        "--issuer",
        str(issuer_id),
        "--role",
        "cashier",
        "--name",
        "收费员",
    )
    assert staff.returncode == 0, staff.stderr
    key = staff.stdout.strip()
    assert key.startswith("pj_") and len(key) > 40 and "\n" not in key


def test_errors_are_one_clear_line(database_url: str) -> None:
    bad_code = piaojia(
        database_url,
        "issuer",
        "create",
        "--kind",
        "hospital",
        "--name",
        "x",
        "--credit-code",
        "91350100M000100Y44",
        "--region",
        "440100",
    )
    assert bad_code.returncode == 1
    assert "统一社会信用代码" in bad_code.stderr and "Traceback" not in bad_code.stderr

    unknown_issuer = piaojia(
        database_url,
        "staff",
        "create",
        "--issuer",
        str(uuid.uuid4()),
        "--role",
        "cashier",
        "--name",
        "x",
    )
    assert unknown_issuer.returncode == 1
    assert "no issuer" in unknown_issuer.stderr

    bad_setting = piaojia(database_url, "migrate", env={"PIAOJIA_PORT": "eighty"})
    assert bad_setting.returncode == 2
    assert bad_setting.stderr.strip().count("\n") == 0
    assert "PIAOJIA_PORT" in bad_setting.stderr


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["migrate"],
        ["serve"],
        ["issuer", "create"],
        ["staff", "create"],
        ["staff", "list"],
        ["staff", "set-password"],
        ["demo"],
        ["ledger", "init"],
        ["ledger", "key"],
        ["receipts", "export"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    shown = piaojia("sqlite://unused.db", *command, "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: piaojia")


def test_demo_seed_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/demo.db"
    demo = {"PIAOJIA_DEMO": "1"}
    assert piaojia(url, "migrate", cwd=tmp_path, env=demo).returncode == 0
    first = piaojia(url, "demo", cwd=tmp_path, env=demo)
    assert first.returncode == 0, first.stderr
    second = piaojia(url, "demo", cwd=tmp_path, env=demo)
    assert second.stderr == first.stderr  # same issuers, same keys
    assert "cashier key: pj_" in first.stderr and "operator key: pj_" in first.stderr
    assert oct((tmp_path / "var" / "demo-keys.env").stat().st_mode & 0o777) == "0o600"

    refused = piaojia(url, "demo", cwd=tmp_path)
    assert refused.returncode == 2


def test_ledger_key_is_created_once_and_required_outside_demo(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/ledger.db"
    missing = piaojia(url, "ledger", "key", cwd=tmp_path)
    assert missing.returncode == 2
    assert "piaojia ledger init" in missing.stderr and missing.stderr.count("\n") == 1

    created = piaojia(url, "ledger", "init", "--origin", "piaojia.example/ledger", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    verifier = created.stdout.strip()
    assert verifier.startswith("piaojia.example/ledger+")
    assert oct((tmp_path / "var" / "ledger.key").stat().st_mode & 0o777) == "0o600"

    assert piaojia(url, "ledger", "init", cwd=tmp_path).returncode == 1  # never overwritten
    shown = piaojia(url, "ledger", "key", cwd=tmp_path)
    assert shown.stdout.strip() == verifier
