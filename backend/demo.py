"""Demo data for ``make run``: a hospital and a metro company with staff keys.

Keys are stored only as hashes, so the plain keys of the demo staff are kept in
``var/demo-keys.env`` (readable by the owner only) to be shown again on every start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from backend.config import Settings
from backend.errors import DomainError
from backend.issuers.credit_code import check_character
from backend.issuers.models import Issuer, IssuerKind, StaffRole
from backend.issuers.services import StaffService
from backend.services import Services

KEYS_FILE = Path("var/demo-keys.env")

# (kind, name, first 17 characters of the credit code, region, staff role, staff name, variable)
DEMO_ISSUERS = (
    (
        IssuerKind.HOSPITAL,
        "广州示范人民医院",
        "12440100MB0000001",
        "440100",
        StaffRole.CASHIER,
        "收费员 李敏",
        "PIAOJIA_DEMO_CASHIER_KEY",
    ),
    (
        IssuerKind.TRANSIT,
        "广州示范地铁有限公司",
        "91440101MA0000002",
        "440100",
        StaffRole.OPERATOR,
        "票务 陈晓",
        "PIAOJIA_DEMO_OPERATOR_KEY",
    ),
)


def _read_keys() -> dict[str, str]:
    if not KEYS_FILE.exists():
        return {}
    pairs = (line.split("=", 1) for line in KEYS_FILE.read_text().splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def _write_keys(keys: dict[str, str]) -> None:
    KEYS_FILE.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(KEYS_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.writelines(f"{name}={value}\n" for name, value in keys.items())


async def seed_demo(settings: Settings, services: Services) -> int:
    """Create what is missing of the demo issuers and keys; print the keys and a first request.

    Idempotent: a second run creates nothing and prints the same keys.
    """
    issuers, staff_service = services.issuers, services.staff
    keys = _read_keys()
    for kind, name, code17, region, role, staff_name, variable in DEMO_ISSUERS:
        credit_code = code17 + check_character(code17)
        issuer = await Issuer.get_or_none(credit_code=credit_code)
        if issuer is None:
            issuer = await issuers.create(
                kind=kind, name=name, credit_code=credit_code, region=region
            )
        known = variable in keys and await _key_works(staff_service, keys[variable], role)
        if not known:
            _, keys[variable] = await staff_service.create(
                issuer_id=issuer.id, role=role, name=staff_name
            )
        print(f"{name} ({kind}, id {issuer.id})", file=sys.stderr)
        print(f"  {role} key: {keys[variable]}", file=sys.stderr)
    _write_keys(keys)
    print(
        "\nIssue a receipt:\n"
        f"  curl -s {settings.public_base_url}/api/v1/hospital/receipts \\\n"
        f"    -H 'Authorization: Bearer {keys['PIAOJIA_DEMO_CASHIER_KEY']}' \\\n"
        "    -H 'Content-Type: application/json' -d @tests/data/receipt.json\n",
        file=sys.stderr,
    )
    return 0


async def _key_works(staff: StaffService, api_key: str, role: StaffRole) -> bool:
    try:
        await staff.authenticate(api_key, roles=(role,), kinds=tuple(IssuerKind))
    except DomainError:
        return False
    return True
