"""However many logins arrive at once, no more passwords are checked than the throttle allows:
each check takes its attempt first, in one conditional write."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import httpx
from starlette.applications import Starlette

from backend.console.models import LoginThrottle
from backend.issuers.models import StaffRole
from tests.clock import FakeClock
from tests.console.support import PASSWORD, csrf_of, person


async def _burst(client: httpx.AsyncClient, login: str, count: int) -> Counter[int]:
    token = csrf_of((await client.get("/console/login")).text)

    async def attempt(n: int) -> int:
        form = {"login": login, "password": f"wrong password {n}", "csrf_token": token}
        return (await client.post("/console/login", data=form)).status_code

    return Counter(await asyncio.gather(*(attempt(n) for n in range(count))))


async def test_concurrent_wrong_passwords_check_no_more_than_the_throttle_allows(
    clocked_app: Starlette, clock: FakeClock
) -> None:
    app = clocked_app
    cashier = await person(app, StaffRole.CASHIER)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as client:
        # 200 at once: the three free mistakes, then the name is slowed. A 401 is a password
        # that was checked; a 429 was refused before any check.
        first = await _burst(client, cashier.login, 200)
        assert first == Counter({401: 3, 429: 197})
        checked = [3]
        # Each wait lets exactly one more password through, until the eighth locks the name.
        for _ in range(5):
            clock.now += timedelta(seconds=61)
            burst = await _burst(client, cashier.login, 60)
            assert burst == Counter({401: 1, 429: 59})
            checked.append(1)
        assert sum(checked) == 8
        row = await LoginThrottle.get(login=cashier.login)
        assert row.failures == 8 and row.locked_until is not None
        # Locked: the right password is refused too, and is not checked.
        token = csrf_of((await client.get("/console/login")).text)
        right = {"login": cashier.login, "password": PASSWORD, "csrf_token": token}
        refused = await client.post("/console/login", data=right)
        assert refused.status_code == 429 and "已暂时锁定" in refused.text
        assert (await LoginThrottle.get(login=cashier.login)).failures == 8
        # When the lock ends, one more password is checked, and it locks the name again.
        clock.now += timedelta(minutes=16)
        assert await _burst(client, cashier.login, 60) == Counter({401: 1, 429: 59})
        clock.now += timedelta(minutes=16)
        opened = await client.post("/console/login", data=right)
        assert opened.status_code == 303
        assert not await LoginThrottle.filter(login=cashier.login).exists()


async def test_the_session_cookie_is_secure_behind_a_proxy_that_ends_tls(
    app: Starlette,
) -> None:
    # The public address is https (the test settings); the request reaches us over http, as
    # from a reverse proxy, whose X-Forwarded-Proto is not believed.
    cashier = await person(app, StaffRole.CASHIER)
    transport = httpx.ASGITransport(app=app, client=("10.0.0.5", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://piaojia.test") as client:
        page = await client.get("/console/login")
        assert "secure" in page.headers["set-cookie"].lower()
        # The browser sends its secure cookie to the proxy over https; here, by hand.
        binding = page.headers["set-cookie"].split(";")[0]
        form = {"login": cashier.login, "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        opened = await client.post(
            "/console/login",
            data=form,
            headers={"Cookie": binding, "X-Forwarded-Proto": "http"},
        )
    assert opened.status_code == 303
    assert "secure" in opened.headers["set-cookie"].lower()
