from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.applications import Starlette

from backend.issuers.errors import InvalidApiKey, KindNotAllowed, RoleNotAllowed
from backend.issuers.models import IssuerKind, Staff, StaffRole
from backend.issuers.services import StaffService
from tests.clock import FakeClock
from tests.factories import TEST_SECRET, credit_code

HOSPITAL = [IssuerKind.HOSPITAL]


async def test_keys_are_stored_only_as_hashes_and_revocation_takes_hold(app: Starlette) -> None:
    clock = FakeClock()
    service = StaffService(secret_key=TEST_SECRET.encode(), cache_seconds=10, clock=clock.seconds)
    issuer = await app.state.services.issuers.create(
        kind=IssuerKind.HOSPITAL, name="医院", credit_code=credit_code(77), region="440100"
    )
    staff, key = await service.create(issuer_id=issuer.id, role=StaffRole.CASHIER, name="甲")
    stored = await Staff.get(id=staff.id)
    assert key not in stored.key_hash and len(stored.key_hash) == 64

    assert (
        await service.authenticate(key, roles=[StaffRole.CASHIER], kinds=HOSPITAL)
    ).id == staff.id
    with pytest.raises(RoleNotAllowed):
        await service.authenticate(key, roles=[StaffRole.REIMBURSER], kinds=HOSPITAL)

    # The role means something only at an issuer of the operation's kind.
    with pytest.raises(KindNotAllowed):
        await service.authenticate(key, roles=[StaffRole.CASHIER], kinds=[IssuerKind.TRANSIT])

    await Staff.filter(id=staff.id).update(revoked_at=datetime.now(UTC))
    clock.advance(timedelta(seconds=5))  # still remembered: at most cache_seconds of grace
    await service.authenticate(key, roles=[StaffRole.CASHIER], kinds=HOSPITAL)
    clock.advance(timedelta(seconds=6))
    with pytest.raises(InvalidApiKey):
        await service.authenticate(key, roles=[StaffRole.CASHIER], kinds=HOSPITAL)

    other_secret = StaffService(secret_key=b"another-secret-0123456789abcdef012")
    with pytest.raises(InvalidApiKey):
        await other_secret.authenticate(key, roles=[StaffRole.CASHIER], kinds=HOSPITAL)
