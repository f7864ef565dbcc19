"""``piaojia demo``: seed the demo (``backend.demo.accounts`` says who it is) and print it."""

from __future__ import annotations

import sys

from backend.config import Settings
from backend.console.models import LoginThrottle, StaffPassword
from backend.console.services import password_matches
from backend.demo.accounts import (
    DEMO_ISSUERS,
    DEMO_LOGINS,
    METRO,
    DemoIssuer,
    DemoLogin,
    demo_password,
    read_keys,
    write_keys,
)
from backend.demo.content import ensure_receipt, ensure_trips
from backend.demo.overview import demo_overview, overview_text
from backend.errors import DomainError
from backend.issuers.models import Issuer, IssuerKind, Staff
from backend.services import Services


async def seed_demo(settings: Settings, services: Services, *, quiet: bool = False) -> int:
    """Create what is missing of the demo: issuers, staff keys, console logins, the first
    receipt and the riders' recent trips; print the keys, logins and URLs (unless ``quiet``).

    Idempotent: a second run creates nothing new and prints the same keys and logins, and a
    demo console password that was changed (or a login locked by failed attempts) works again.
    """
    keys = read_keys()
    lines: list[str] = []
    issuers: dict[str, Issuer] = {}
    for demo in DEMO_ISSUERS:
        issuer = await _ensure_issuer(services, demo)
        issuers[demo.credit_code] = issuer
        keys[demo.id_variable] = str(issuer.id)
        variable = demo.key_variable
        if variable not in keys or not await _key_works(services, keys[variable], demo):
            _, keys[variable] = await services.staff.create(
                issuer_id=issuer.id, role=demo.key_role, name=demo.key_staff
            )
        lines.append(f"{demo.name} ({demo.kind}, id {issuer.id})")
        lines.append(f"  {demo.key_role} key: {keys[variable]}")
    write_keys(keys)
    staff = {login.login: await _ensure_login(settings, services, login) for login in DEMO_LOGINS}
    cashier = next(s for s in staff.values() if s.issuer.kind == IssuerKind.HOSPITAL)
    await ensure_receipt(services, cashier)
    await ensure_trips(services, issuers[METRO.credit_code])
    if not quiet:
        lines += ["", overview_text(await demo_overview(settings))]
        print("\n".join(lines), file=sys.stderr)
    return 0


async def _ensure_issuer(services: Services, demo: DemoIssuer) -> Issuer:
    issuer = await Issuer.get_or_none(credit_code=demo.credit_code)
    if issuer is None:
        issuer = await services.issuers.create(
            kind=demo.kind, name=demo.name, credit_code=demo.credit_code, region=demo.region
        )
    return issuer


async def _ensure_login(settings: Settings, services: Services, demo: DemoLogin) -> Staff:
    """The active staff member with the demo login, created if missing, whose password is the
    demo password (set again if it was changed); the login's failed attempts are forgotten."""
    password = demo_password(settings, demo.login)
    row = await StaffPassword.get_or_none(login=demo.login).select_related("staff__issuer")
    if row is not None and row.staff.revoked_at is not None:
        await row.delete()  # revoked in the console: the demo login goes to a new staff member
        row = None
    if row is None:
        issuer = await Issuer.get(credit_code=demo.issuer.credit_code)
        staff, _ = await services.staff.create(
            issuer_id=issuer.id, role=demo.role, name=demo.staff_name
        )
    else:
        staff = row.staff
    if row is None or not password_matches(row.password_hash, password):
        await services.console.set_password(staff.id, password, login=demo.login)
    await LoginThrottle.filter(login=demo.login).delete()
    return await Staff.get(id=staff.id).select_related("issuer")


async def _key_works(services: Services, api_key: str, demo: DemoIssuer) -> bool:
    try:
        await services.staff.authenticate(api_key, roles=(demo.key_role,), kinds=(demo.kind,))
    except DomainError:
        return False
    return True
