"""Creating issuers and staff, and recognising a staff member by API key."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Collection

from tortoise.exceptions import IntegrityError

from backend.errors import InvalidInput
from backend.issuers.credit_code import is_valid_credit_code
from backend.issuers.errors import (
    DuplicateCreditCode,
    InvalidApiKey,
    InvalidCreditCode,
    InvalidRegion,
    IssuerNotFound,
    RoleNotAllowed,
)
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole

API_KEY_PREFIX = "pj_"
_REGION = re.compile(r"[1-8][0-9]{5}")


class IssuerService:
    async def create(self, *, kind: IssuerKind, name: str, credit_code: str, region: str) -> Issuer:
        """Register an issuer. The credit code's check character and the region are verified."""
        credit_code = credit_code.strip().upper()
        if not is_valid_credit_code(credit_code):
            raise InvalidCreditCode(
                f"{credit_code!r} is not a valid 统一社会信用代码: 18 characters whose last one is "
                "the GB 32100 check character"
            )
        if not _REGION.fullmatch(region):
            raise InvalidRegion(f"{region!r} is not a 6-digit 行政区划代码 such as 440100")
        name = name.strip()
        if not 0 < len(name) <= 100:
            raise InvalidInput("an issuer's name has 1 to 100 characters")
        try:
            return await Issuer.create(
                id=uuid.uuid4(), kind=kind, name=name, credit_code=credit_code, region=region
            )
        except IntegrityError as exc:
            raise DuplicateCreditCode(f"an issuer with credit code {credit_code} exists") from exc

    async def get(self, issuer_id: uuid.UUID) -> Issuer:
        issuer = await Issuer.get_or_none(id=issuer_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer with id {issuer_id}")
        return issuer


class StaffService:
    """Staff API keys: random, shown once, stored only as a keyed hash."""

    def __init__(self, *, secret_key: bytes) -> None:
        self._secret_key = secret_key

    def _hash(self, api_key: str) -> str:
        return hmac.new(self._secret_key, api_key.encode(), hashlib.sha256).hexdigest()

    async def create(
        self, *, issuer_id: uuid.UUID, role: StaffRole, name: str
    ) -> tuple[Staff, str]:
        """Create a staff member; returns it with its API key, which is never retrievable again."""
        issuer = await Issuer.get_or_none(id=issuer_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer with id {issuer_id}")
        name = name.strip()
        if not 0 < len(name) <= 50:
            raise InvalidInput("a staff member's name has 1 to 50 characters")
        api_key = API_KEY_PREFIX + secrets.token_urlsafe(32)
        staff = await Staff.create(
            id=uuid.uuid4(), issuer=issuer, role=role, name=name, key_hash=self._hash(api_key)
        )
        return staff, api_key

    async def authenticate(self, api_key: str, *, roles: Collection[StaffRole]) -> Staff:
        """The active staff member holding ``api_key``, with its issuer loaded.

        Raises ``InvalidApiKey`` for an unknown or revoked key and ``RoleNotAllowed`` when the
        staff member's role is not among ``roles``.
        """
        staff = (
            await Staff.filter(key_hash=self._hash(api_key), revoked_at=None)
            .select_related("issuer")
            .first()
        )
        if staff is None:
            raise InvalidApiKey("the API key is not known or has been revoked")
        if staff.role not in roles:
            allowed = ", ".join(sorted(roles))
            raise RoleNotAllowed(f"a {staff.role} key cannot do this; it needs: {allowed}")
        return staff
