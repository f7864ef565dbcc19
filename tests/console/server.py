"""A real HTTP server of the app with the console wired, for the browser tests.

``python -m tests.console.server PORT SEEDFILE [LOCK_AFTER]``: settings from the environment
(as ``piaojia serve``), seeds one hospital with a cashier and an admin (password ``PASSWORD``)
and a second hospital with a cashier, writes their ids and logins to SEEDFILE as JSON, then
serves; a login locks after LOCK_AFTER wrong passwords (8).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from pathlib import Path

import uvicorn

from backend import db
from backend.app import create_app
from backend.clock import utc_now
from backend.config import load_settings
from backend.console.services import ConsoleService
from backend.issuers.models import IssuerKind, StaffRole
from backend.issuers.services import IssuerService
from backend.services import Services
from tests.console.support import PASSWORD
from tests.factories import credit_code


async def seed(services: Services, console: ConsoleService) -> dict[str, str]:
    issuers: IssuerService = services.issuers
    seeded: dict[str, str] = {}
    await db.open_database(load_settings().database_url)
    try:
        for n, name in ((1, "广州第一人民医院"), (2, "深圳测试医院")):
            issuer = await issuers.create(
                kind=IssuerKind.HOSPITAL,
                name=name,
                credit_code=credit_code(900 + n),
                region="440100",
            )
            seeded[f"issuer{n}"] = str(issuer.id)
            for role in (StaffRole.CASHIER, StaffRole.ADMIN):
                staff, _ = await services.staff.create(
                    issuer_id=issuer.id, role=role, name=f"{role.value}{n}号"
                )
                login = f"{role.value}{n}"
                await console.set_password(staff.id, PASSWORD, login=login)
                seeded[f"{role.value}{n}"] = login
    finally:
        await db.close_database()
    return seeded


def main() -> None:
    port, seed_file = int(sys.argv[1]), Path(sys.argv[2])
    lock_after = int(sys.argv[3]) if len(sys.argv) > 3 else 8  # wrong passwords before a lock
    settings = load_settings()
    app = create_app(settings)
    # How many wrong passwords lock a login is no setting: only this server's console differs
    # from the one create_app wires (on the same clock).
    services: Services = app.state.services
    console = ConsoleService(staff=services.staff, clock=utc_now, lock_after=lock_after)
    app.state.services = dataclasses.replace(services, console=console)
    seeded = asyncio.run(seed(app.state.services, console))
    seed_file.write_text(json.dumps(seeded), encoding="utf-8")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
