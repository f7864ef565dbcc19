"""Who the demo is: its issuers, console logins and riders, and the file keeping its staff keys.

Staff API keys are stored only as hashes, so the plain keys of the demo staff are kept in
``var/demo-keys.env`` (readable by the owner only) to be shown again on every start. The file
is also a shell snippet: ``. var/demo-keys.env`` puts the keys and issuer ids in variables and
exports ``PIAOJIA_DEMO=1``, so the ``piaojia`` command in that shell works on the demo.

Console passwords are not kept anywhere: each is derived from the service's secret key and the
login name, so every ``piaojia demo`` run (and the server's start-up overview) shows the same
password without storing it, and ``piaojia demo`` sets it again when it no longer matches.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from backend.config import Settings
from backend.issuers.credit_code import check_character
from backend.issuers.models import IssuerKind, StaffRole

KEYS_FILE = Path("var/demo-keys.env")
DEMO_SWITCH = "PIAOJIA_DEMO"


@dataclass(frozen=True, slots=True)
class DemoIssuer:
    kind: IssuerKind
    name: str
    code17: str  # the 统一社会信用代码 without its check character
    region: str
    key_role: StaffRole  # the role of the staff member whose API key the demo hands out
    key_staff: str
    key_variable: str
    id_variable: str

    @property
    def credit_code(self) -> str:
        return self.code17 + check_character(self.code17)


HOSPITAL = DemoIssuer(
    IssuerKind.HOSPITAL,
    "广州示范人民医院",
    "12440100MB0000001",
    "440100",
    StaffRole.CASHIER,
    "收费员 李敏",
    "PIAOJIA_DEMO_CASHIER_KEY",
    "PIAOJIA_DEMO_HOSPITAL_ID",
)
METRO = DemoIssuer(
    IssuerKind.TRANSIT,
    "广州示范地铁有限公司",
    "91440101MA0000002",
    "440100",
    StaffRole.OPERATOR,
    "票务 陈晓",
    "PIAOJIA_DEMO_OPERATOR_KEY",
    "PIAOJIA_DEMO_METRO_ID",
)
DEMO_ISSUERS = (HOSPITAL, METRO)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    issuer: DemoIssuer
    role: StaffRole
    staff_name: str
    login: str


DEMO_LOGINS = (
    DemoLogin(HOSPITAL, StaffRole.ADMIN, "管理员 王芳", "hospital-admin"),
    DemoLogin(HOSPITAL, StaffRole.CASHIER, "收费员 张丽", "hospital-cashier"),
    DemoLogin(METRO, StaffRole.ADMIN, "票务管理员 黄涛", "metro-admin"),
)
# Folder users of the demo (the folder page's demo login takes these names): the demo gives
# them recent trips, so 乘车开票 has something to invoice.
DEMO_RIDERS = ("xiaoming", "xiaohong")


def demo_password(settings: Settings, login: str) -> str:
    """The console password of demo ``login``: the same for the same secret key, 17 characters."""
    secret = settings.secret_key.reveal().encode()
    digest = hmac.new(secret, f"piaojia/demo-console/{login}".encode(), hashlib.sha256)
    return "demo-" + digest.hexdigest()[:12]


def read_keys(path: Path = KEYS_FILE) -> dict[str, str]:
    """The variables of the key file (empty when there is none)."""
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name.removeprefix("export ").strip(): value.strip() for name, value in pairs}


def write_keys(keys: dict[str, str], path: Path = KEYS_FILE) -> None:
    """Write the key file, mode 0600: ``export PIAOJIA_DEMO=1`` then one ``NAME=value`` a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"export {DEMO_SWITCH}=1\n")
        out.writelines(f"{name}={value}\n" for name, value in keys.items() if name != DEMO_SWITCH)
