"""Every URL and login a person needs to try the demo, gathered once for three places: the home
page, the output of ``piaojia demo`` and what ``piaojia serve`` prints once it listens."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from backend.config import Settings
from backend.console.models import StaffPassword
from backend.demo.accounts import DEMO_LOGINS, DEMO_RIDERS, HOSPITAL, KEYS_FILE, demo_password
from backend.demo.content import demo_receipt
from backend.issuers.models import Issuer
from backend.links import scan_url, verify_url
from backend.outbox.mail_sink import demo_sink_for
from backend.smtp_target import SmtpTarget

ROLE_NAMES = {"admin": "管理员", "cashier": "收费员"}


@dataclass(frozen=True, slots=True)
class ConsoleLogin:
    issuer: str
    role: str  # 管理员, 收费员
    login: str
    password: str


@dataclass(frozen=True, slots=True)
class DemoOverview:
    home: str
    scan: str | None  # the demo receipt's scan page, once seeded
    folder: str
    riders: tuple[str, ...]
    verify: str  # the demo receipt's 查验 result, or the empty form
    console: str
    logins: tuple[ConsoleLogin, ...]
    docs: str
    ledger: str
    mail_sink: str | None  # host:port of the demo mail sink, None when mail goes to a real server
    mail_dir: str
    keys_file: str


async def demo_overview(settings: Settings) -> DemoOverview:
    """The demo's URLs under ``settings.public_base_url``, with the console logins that exist
    in the database (each with its demo password) and the demo receipt if it was issued."""
    base = settings.public_base_url
    hospital = await Issuer.get_or_none(credit_code=HOSPITAL.credit_code)
    found = await demo_receipt(hospital) if hospital is not None else None
    scan, verify = None, f"{base}/verify"
    if found is not None:
        receipt, token = found
        scan = scan_url(base, token)
        verify = verify_url(
            base, code=receipt.code, number=receipt.number, check=receipt.check_code
        )
    rows = await StaffPassword.filter(
        login__in=[d.login for d in DEMO_LOGINS], staff__revoked_at__isnull=True
    )
    present = {row.login for row in rows}
    logins = tuple(
        ConsoleLogin(d.issuer.name, ROLE_NAMES[d.role], d.login, demo_password(settings, d.login))
        for d in DEMO_LOGINS
        if d.login in present
    )
    smtp_url = settings.smtp_url.reveal()
    target = SmtpTarget.parse(smtp_url)
    sink = demo_sink_for(smtp_url, Path(settings.mail_dir))
    return DemoOverview(
        home=f"{base}/",
        scan=scan,
        folder=f"{base}/h5/folder",
        riders=DEMO_RIDERS,
        verify=verify,
        console=f"{base}/console/login",
        logins=logins,
        docs=f"{base}/docs",
        ledger=f"{base}/ledger/checkpoint",
        mail_sink=f"{target.host}:{target.port}" if sink is not None else None,
        mail_dir=settings.mail_dir,
        keys_file=str(KEYS_FILE),
    )


def _width(text: str) -> int:
    # Columns a terminal gives the text: two for each CJK (wide) character.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def overview_text(found: DemoOverview) -> str:
    """The overview as lines for a terminal; console logins as ``login NAME password PW``."""
    rows = [
        ("首页 home", found.home),
        ("扫码页 a demo receipt's scan page", found.scan or "(piaojia demo issues one)"),
        ("票夹 folder", found.folder),
        ("  demo riders (the folder's login)", ", ".join(found.riders)),
        ("查验 verify", found.verify),
        ("后台 console", found.console),
        *(
            (f"  {login.issuer} {login.role}", f"login {login.login} password {login.password}")
            for login in found.logins
        ),
        ("接口文档 API docs", found.docs),
        ("账本 ledger", found.ledger),
    ]
    if found.mail_sink is not None:
        rows.append(
            (
                "邮件 mail sink",
                f"smtp://{found.mail_sink}, each mail a .eml file in {found.mail_dir}/",
            )
        )
    rows.append(("staff API keys", f"{found.keys_file} (. {found.keys_file} in a shell)"))
    column = max(_width(label) for label, _ in rows) + 2
    return "\n".join(f"{label}{' ' * (column - _width(label))}{value}" for label, value in rows)
