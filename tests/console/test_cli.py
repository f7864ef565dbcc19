"""``piaojia staff set-password``: the password from stdin, scrypt-hashed, usable to log in, for
a staff member named by id or by login; ``piaojia staff list``: the issuer's staff as a table."""

from __future__ import annotations

import argparse
import asyncio
import io
import uuid

import pytest

from backend import db
from backend.clock import utc_now
from backend.config import Settings
from backend.console.cli import add_staff_commands
from backend.console.models import ConsoleSession, StaffPassword
from backend.console.services import ConsoleService
from backend.errors import DomainError
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole
from backend.issuers.services import StaffService
from tests.factories import credit_code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="piaojia")
    add_staff_commands(parser.add_subparsers(dest="command"))
    return parser


async def _new_staff(url: str) -> uuid.UUID:
    await db.open_database(url)
    try:
        issuer = await Issuer.create(
            id=uuid.uuid4(), kind=IssuerKind.HOSPITAL, name="医院", credit_code=credit_code(77),
            region="440100",
        )  # fmt: skip
        staff = await Staff.create(
            id=uuid.uuid4(), issuer=issuer, role=StaffRole.CASHIER, name="李四", key_hash="0" * 64
        )
        return staff.id
    finally:
        await db.close_database()


def test_set_password_reads_stdin_and_hashes_with_scrypt(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    staff_id = asyncio.run(_new_staff(settings.database_url))
    parser = _parser()
    args = parser.parse_args(["staff", "set-password", "--staff", str(staff_id)])
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(DomainError) as weak:
        args.run(settings, args)
    assert weak.value.code == "weak_password"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long secret phrase\n"))
    assert args.run(settings, args) == 0
    assert capsys.readouterr().out.strip() == "李四"  # the staff name is the first login

    async def check() -> None:
        await db.open_database(settings.database_url)
        try:
            stored = await StaffPassword.get(staff_id=staff_id)
            assert stored.password_hash.startswith("scrypt$16384$8$1$")
            assert "a long secret phrase" not in stored.password_hash
            console = ConsoleService(staff=StaffService(secret_key=b"k" * 32), clock=utc_now)
            session = await console.login("李四", "a long secret phrase")
            assert session.staff.id == staff_id
            assert await ConsoleSession.filter(staff_id=staff_id, ended_at=None).count() == 1
        finally:
            await db.close_database()

    asyncio.run(check())
    # A new password (and login) ends the sessions opened with the old one.
    renamed = parser.parse_args(
        ["staff", "set-password", "--staff", str(staff_id), "--login", "li4"]
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("another long phrase\n"))
    assert renamed.run(settings, renamed) == 0
    assert capsys.readouterr().out.strip() == "li4"

    async def ended() -> int:
        await db.open_database(settings.database_url)
        try:
            return await ConsoleSession.filter(staff_id=staff_id, ended_at=None).count()
        finally:
            await db.close_database()

    assert asyncio.run(ended()) == 0


def _run(argv: list[str], settings: Settings) -> int:
    args = _parser().parse_args(argv)
    code: int = args.run(settings, args)
    return code


def test_set_password_by_login_and_the_errors_of_a_wrong_one(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    staff_id = asyncio.run(_new_staff(settings.database_url))
    monkeypatch.setattr("sys.stdin", io.StringIO("the first long phrase\n"))
    assert (
        _run(["staff", "set-password", "--staff", str(staff_id), "--login", "li4"], settings) == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("the second long phrase\n"))
    assert _run(["staff", "set-password", "--login", "li4"], settings) == 0
    assert capsys.readouterr().out.split() == ["li4", "li4"]

    async def logs_in(password: str) -> uuid.UUID:
        await db.open_database(settings.database_url)
        try:
            console = ConsoleService(staff=StaffService(secret_key=b"k" * 32), clock=utc_now)
            return (await console.login("li4", password)).staff.id
        finally:
            await db.close_database()

    assert asyncio.run(logs_in("the second long phrase")) == staff_id

    monkeypatch.setattr("sys.stdin", io.StringIO("a third long phrase\n"))
    assert _run(["staff", "set-password", "--login", "nobody"], settings) == 2
    unknown = capsys.readouterr()
    assert unknown.out == ""
    assert unknown.err.count("\n") == 1
    assert "没有登录名为 'nobody' 的员工" in unknown.err
    assert "no staff member has the console login 'nobody'" in unknown.err
    assert _run(["staff", "set-password"], settings) == 2
    assert "--staff ID or --login NAME" in capsys.readouterr().err
    assert asyncio.run(logs_in("the second long phrase")) == staff_id  # nothing changed


def test_staff_create_shows_the_id_and_staff_list_shows_everyone(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    staff_id = asyncio.run(_new_staff(settings.database_url))

    async def issuer_of() -> uuid.UUID:
        await db.open_database(settings.database_url)
        try:
            return (await Staff.get(id=staff_id)).issuer_id  # type: ignore[attr-defined,no-any-return]
        finally:
            await db.close_database()

    issuer = str(asyncio.run(issuer_of()))
    argv = ["staff", "create", "--issuer", issuer, "--role", "admin", "--name", "王五"]
    assert _run(argv, settings) == 0
    created = capsys.readouterr()
    key = created.out.strip()
    assert key.startswith("pj_") and "\n" not in key  # the key alone on stdout, for scripts
    new_id = created.err.split()[2]
    assert f"staff id {new_id}" in created.err and uuid.UUID(new_id) != staff_id

    assert _run(["staff", "list", "--issuer", issuer], settings) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["id", "login", "role", "active", "name"]
    rows = {line.split()[0]: line.split()[1:] for line in table[1:]}
    assert rows == {
        str(staff_id): ["-", "cashier", "yes", "李四"],
        new_id: ["-", "admin", "yes", "王五"],
    }

    missing = str(uuid.uuid4())
    assert _run(["staff", "list", "--issuer", missing], settings) == 2
    refused = capsys.readouterr().err
    assert refused.count("\n") == 1 and "没有这个开票单位" in refused and missing in refused
