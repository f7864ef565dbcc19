"""``piaojia demo`` seeds once and mends what was changed: a second run adds nothing, a demo
console password that was changed or locked works again, a revoked demo login moves to a new
staff member; the riders get a week of trips inside the invoicing window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.config import Settings
from backend.console.models import LoginThrottle, StaffPassword
from backend.demo.accounts import DEMO_LOGINS, DEMO_RIDERS, HOSPITAL, demo_password, read_keys
from backend.demo.content import RIDES
from backend.demo.overview import demo_overview, overview_text
from backend.demo.seed import seed_demo
from backend.issuers.models import Issuer, Staff
from backend.receipts.models import Receipt
from backend.transit.models import Trip


async def test_a_second_run_adds_nothing_and_prints_the_same(
    demo: tuple[Starlette, Settings],
) -> None:
    application, settings = demo
    services = application.state.services
    hashes = {row.login: row.password_hash for row in await StaffPassword.all()}
    before = (await Staff.all().count(), await Receipt.all().count(), await Trip.all().count())
    keys = read_keys()
    assert keys["PIAOJIA_DEMO"] == "1"  # . var/demo-keys.env exports it for the CLI
    assert await seed_demo(settings, services, quiet=True) == 0
    after = (await Staff.all().count(), await Receipt.all().count(), await Trip.all().count())
    assert after == before
    assert read_keys() == keys
    # A matching password is not set again (that would end the console sessions).
    assert {row.login: row.password_hash for row in await StaffPassword.all()} == hashes
    hospital = await Issuer.get(credit_code=HOSPITAL.credit_code)
    assert await Receipt.filter(issuer_id=hospital.id).count() == 1
    text = overview_text(await demo_overview(settings))
    for login in DEMO_LOGINS:
        assert f"login {login.login} password {demo_password(settings, login.login)}" in text


async def test_the_riders_have_a_week_of_trips_to_invoice(demo: tuple[Starlette, Settings]) -> None:
    now = datetime.now(UTC)
    for rider in DEMO_RIDERS:
        trips = await Trip.filter(rider_openid=demo_openid(rider))
        assert len(trips) == len(RIDES)
        assert all(now - timedelta(days=8) < trip.exit_at < now for trip in trips)


async def test_changed_locked_or_revoked_demo_logins_work_again(
    demo: tuple[Starlette, Settings],
) -> None:
    application, settings = demo
    services = application.state.services
    admin, cashier = DEMO_LOGINS[0].login, DEMO_LOGINS[1].login
    cashier_row = await StaffPassword.get(login=cashier)
    await services.console.set_password(
        cashier_row.staff_id,  # type: ignore[attr-defined]
        "somebody else's password",
        login=None,
    )
    await LoginThrottle.create(
        login=cashier, failures=8, locked_until=datetime.now(UTC) + timedelta(minutes=15)
    )
    revoked = (await StaffPassword.get(login=admin)).staff_id  # type: ignore[attr-defined]
    await Staff.filter(id=revoked).update(revoked_at=datetime.now(UTC))

    assert await seed_demo(settings, services, quiet=True) == 0
    for login in (admin, cashier):
        session = await services.console.login(login, demo_password(settings, login))
        assert session.staff.revoked_at is None
    assert (await services.console.login(admin, demo_password(settings, admin))).staff.id != revoked
