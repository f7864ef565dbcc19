"""``piaojia staff set-password``: the password from stdin, scrypt-hashed, usable to log in."""

from __future__ import annotations

import argparse
import asyncio
import io
import uuid

import pytest

from backend import db
from backend.config import Settings
from backend.console.cli import add_console_commands
from backend.console.models import ConsoleSession, StaffPassword
from backend.console.services import ConsoleService
from backend.errors import DomainError
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole
from backend.issuers.services import StaffService
from backend.services import utc_now
from tests.factories import credit_code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="piaojia")
    staff = parser.add_subparsers(dest="command").add_parser("staff").add_subparsers(dest="action")
    add_console_commands(staff)
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
