"""Creating issuers and staff, and recognising a staff member by API key."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Callable, Collection
from time import monotonic
from typing import Protocol

from tortoise.exceptions import IntegrityError

from backend.errors import InvalidInput
from backend.issuers.credit_code import is_valid_credit_code
from backend.issuers.errors import (
    DuplicateCreditCode,
    InvalidApiKey,
    InvalidCreditCode,
    InvalidRegion,
    IssuerNotFound,
    KindNotAllowed,
    RoleNotAllowed,
)
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole

API_KEY_PREFIX = "pj_"
_REGION = re.compile(r"[1-8][0-9]{5}")


class Certifier(Protocol):
    async def ensure(self, issuer: Issuer) -> object: ...


class IssuerService:
    def __init__(self, *, credentials: Certifier) -> None:
        self._credentials = credentials

    async def create(self, *, kind: IssuerKind, name: str, credit_code: str, region: str) -> Issuer:
        """Register an issuer and certify its PDF signing key.

        The credit code's check character and the region are verified first.
        """
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
            issuer = await Issuer.create(
                id=uuid.uuid4(), kind=kind, name=name, credit_code=credit_code, region=region
            )
        except IntegrityError as exc:
            raise DuplicateCreditCode(f"an issuer with credit code {credit_code} exists") from exc
        await self._credentials.ensure(issuer)
        return issuer

    async def get(self, issuer_id: uuid.UUID) -> Issuer:
        issuer = await Issuer.get_or_none(id=issuer_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer with id {issuer_id}")
        return issuer


class StaffService:
    """Staff API keys: random, shown once, stored only as a keyed hash.

    Recognised keys are remembered for ``cache_seconds`` so that a busy counter does not cost a
    database read per request; a revoked key therefore stops working within that time.
    """

    def __init__(
        self,
        *,
        secret_key: bytes,
        cache_seconds: float = 10.0,
        clock: Callable[[], float] = monotonic,
    ) -> None:
        self._secret_key = secret_key
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._recognised: dict[str, tuple[float, Staff]] = {}

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

    async def authenticate(
        self,
        api_key: str,
        *,
        roles: Collection[StaffRole],
        kinds: Collection[IssuerKind],
    ) -> Staff:
        """The active staff member holding ``api_key``, with its issuer loaded.

        Raises ``InvalidApiKey`` for an unknown or revoked key, ``KindNotAllowed`` when its
        issuer's kind is not among ``kinds`` and ``RoleNotAllowed`` when the staff member's
        role is not among ``roles``: a role means something only at an issuer of its kind.
        """
        staff = await self._recognise(self._hash(api_key))
        if staff.issuer.kind not in kinds:
            allowed_kinds = ", ".join(sorted(kinds)) or "none"
            raise KindNotAllowed(
                f"a key of a {staff.issuer.kind} issuer cannot do this; it needs a key of: "
                f"{allowed_kinds}"
            )
        if staff.role not in roles:
            allowed = ", ".join(sorted(roles))
            raise RoleNotAllowed(f"a {staff.role} key cannot do this; it needs: {allowed}")
        return staff

    async def _recognise(self, key_hash: str) -> Staff:
        now = self._clock()
        cached = self._recognised.get(key_hash)
        if cached is not None and cached[0] > now:
            return cached[1]
        staff = (
            await Staff.filter(key_hash=key_hash, revoked_at=None).select_related("issuer").first()
        )
        if staff is None:
            self._recognised.pop(key_hash, None)
            raise InvalidApiKey("the API key is not known or has been revoked")
        if len(self._recognised) >= 10_000:  # bounded: unknown keys are never remembered
            self._recognised.clear()
        self._recognised[key_hash] = (now + self._cache_seconds, staff)
        return staff
