"""Console logins (scrypt passwords, sessions, throttling), staff management and the console's
own receipt events.

Guarantees:

- A password is stored only as ``scrypt$n$r$p$salt$hash`` (hashlib.scrypt, 16-byte random salt)
  and compared in constant time; an unknown login name costs the same scrypt work as a known
  one, so timing does not tell which names exist.
- Failed logins are counted per login name, known or not, in the database every process
  shares; an attempt is counted before its password is checked. From ``slow_after`` failures
  on, each further attempt must wait twice as long as the previous one (1 s, 2 s, 4 s …, at
  most 60 s) and is refused with ``LoginSlowed`` before any password is checked; at
  ``lock_after`` failures the name is locked for ``lock_duration`` (``LoginLocked``), right
  password or not. A successful login clears the count.
- A session is a random 256-bit token known to the database only by its SHA-256; it ends at
  ``expires_at``, at logout, or when its staff member is revoked.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.clock import Clock
from backend.console.errors import (
    InvalidLogin,
    LoginLocked,
    LoginSlowed,
    LoginTaken,
    NotLoggedIn,
    StaffNotFound,
    WeakPassword,
    WrongPassword,
)
from backend.console.models import ConsoleSession, LoginThrottle, StaffPassword
from backend.errors import Conflict
from backend.events import EventType
from backend.i18n.messages import duration
from backend.issuers.models import Issuer, Staff, StaffRole
from backend.issuers.services import StaffService
from backend.receipts.errors import ReceiptNotFound
from backend.receipts.models import Receipt, ReceiptEvent
from backend.session_tokens import token_hash

MIN_PASSWORD = 10
MAX_PASSWORD = 200
_LOGIN = re.compile(r"[^\s]{1,50}")
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
# Times an attempt reads the counter again after losing the race to a concurrent one.
ATTEMPT_RACES = 5


def hash_password(
    password: str, *, n: int = _SCRYPT_N, r: int = _SCRYPT_R, p: int = _SCRYPT_P
) -> str:
    """``password`` hashed with scrypt under a fresh random salt, with its parameters."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time comparison);
    false for a malformed stored value."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=2**26,
            dklen=32,
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


# Checked against when the login name is unknown, so both cases cost one scrypt.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str
    staff: Staff
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class StaffRow:
    staff: Staff
    login: str | None


def _check_login(login: str) -> str:
    login = login.strip()
    if not _LOGIN.fullmatch(login):
        raise InvalidLogin("a login name has 1 to 50 characters and no spaces")
    return login


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise WeakPassword(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")


class ConsoleService:
    def __init__(
        self,
        *,
        staff: StaffService,
        clock: Clock,
        session_lifetime: timedelta = timedelta(hours=12),
        slow_after: int = 3,
        lock_after: int = 8,
        lock_duration: timedelta = timedelta(minutes=15),
    ) -> None:
        self._staff = staff
        self._clock = clock
        self._session_lifetime = session_lifetime
        self._slow_after = slow_after
        self._lock_after = lock_after
        self._lock_duration = lock_duration

    async def set_password(self, staff_id: uuid.UUID, password: str, *, login: str | None) -> str:
        """Give a staff member a console password (and a login name, kept if not given: the
        staff member's name for a first password). Returns the login name.

        Raises ``StaffNotFound`` for an unknown or revoked staff member, ``WeakPassword``,
        ``InvalidLogin``, or ``LoginTaken`` when another staff member has the name; nothing is
        written then. Every session of the staff member ends."""
        _check_password(password)
        staff = await Staff.get_or_none(id=staff_id, revoked_at=None)
        if staff is None:
            raise StaffNotFound(f"no active staff member {staff_id}")
        existing = await StaffPassword.get_or_none(staff_id=staff.id)
        name = _check_login(login or (existing.login if existing else staff.name))
        hashed = await asyncio.to_thread(hash_password, password)
        now = self._clock()
        try:
            async with in_transaction() as conn:
                if existing is None:
                    await StaffPassword.create(
                        staff=staff, login=name, password_hash=hashed, updated_at=now, using_db=conn
                    )
                else:
                    await (
                        StaffPassword.filter(id=existing.id)
                        .using_db(conn)
                        .update(login=name, password_hash=hashed, updated_at=now)
                    )
                await (
                    ConsoleSession.filter(staff_id=staff.id, ended_at=None)
                    .using_db(conn)
                    .update(ended_at=now)
                )
        except IntegrityError as exc:
            raise LoginTaken(f"the login name {name!r} is taken") from exc
        return name

    async def login(self, login: str, password: str) -> NewSession:
        """Open a session for the staff member with this login name and password.

        Raises ``LoginLocked`` or ``LoginSlowed`` (with ``retry_after``) before checking the
        password when the name has failed too often, and ``WrongPassword`` for an unknown name,
        a wrong password or a revoked staff member (the same answer for all three).

        Each password check first takes its attempt in the name's counter, in one conditional
        write that succeeds only while the name may try: however many logins arrive at once,
        in however many processes, no more passwords are checked than the throttle allows."""
        name = login.strip()[:50]
        now = self._clock()
        await self._take_attempt(name, now)
        found = (
            await StaffPassword.filter(login=name, staff__revoked_at=None)
            .select_related("staff__issuer")
            .first()
            if name
            else None
        )
        stored = found.password_hash if found else _DUMMY_HASH
        ok = await asyncio.to_thread(password_matches, stored, password[:MAX_PASSWORD])
        if not ok or found is None:
            raise WrongPassword("the login name or the password is wrong")
        await LoginThrottle.filter(login=name).delete()  # success gives the attempts back
        token = secrets.token_urlsafe(32)
        expires_at = now + self._session_lifetime
        await ConsoleSession.create(
            token_hash=token_hash(token), staff=found.staff, created_at=now, expires_at=expires_at
        )
        return NewSession(token=token, staff=found.staff, expires_at=expires_at)

    async def _take_attempt(self, name: str, now: datetime) -> None:
        # Counted as a failure until the password proves right. The write is conditional on the
        # count read: of concurrent attempts that read the same count, one wins and the others
        # read again, and then find the name slowed or locked.
        for _ in range(ATTEMPT_RACES):
            row = await LoginThrottle.get_or_none(login=name)
            if row is None:
                try:
                    await LoginThrottle.create(
                        login=name,
                        failures=1,
                        last_failure_at=now,
                        locked_until=self._lock_if(1, now, None),
                    )
                    return
                except IntegrityError:
                    continue  # created meanwhile by a concurrent attempt
            self._refuse_if_throttled(row, now)
            failures = row.failures + 1
            taken = await LoginThrottle.filter(login=name, failures=row.failures).update(
                failures=failures,
                last_failure_at=now,
                locked_until=self._lock_if(failures, now, row.locked_until),
            )
            if taken:
                return
        raise LoginSlowed("many logins for this name at once: try again in a second", retry_after=1)

    def _lock_if(
        self, failures: int, now: datetime, locked_until: datetime | None
    ) -> datetime | None:
        return now + self._lock_duration if failures >= self._lock_after else locked_until

    def _refuse_if_throttled(self, row: LoginThrottle, now: datetime) -> None:
        if row.locked_until is not None and now < row.locked_until:
            wait = int((row.locked_until - now).total_seconds()) + 1
            raise LoginLocked(
                f"too many wrong passwords: this login is locked for {duration(wait, 'en')} more",
                retry_after=wait,
            )
        if row.failures >= self._slow_after and row.last_failure_at is not None:
            delay = timedelta(seconds=min(2 ** (row.failures - self._slow_after), 60))
            if now < row.last_failure_at + delay:
                wait = int((row.last_failure_at + delay - now).total_seconds()) + 1
                raise LoginSlowed(
                    f"too many wrong passwords: try again in {duration(wait, 'en')}",
                    retry_after=wait,
                )

    async def authenticate(self, token: str | None) -> Staff:
        """The staff member (issuer loaded) of a live session; ``NotLoggedIn`` otherwise."""
        if not token:
            raise NotLoggedIn("log in first")
        session = (
            await ConsoleSession.filter(
                token_hash=token_hash(token),
                ended_at=None,
                expires_at__gt=self._clock(),
                staff__revoked_at=None,
            )
            .select_related("staff__issuer")
            .first()
        )
        if session is None:
            raise NotLoggedIn("the session has ended; log in again")
        return session.staff

    async def logout(self, token: str) -> None:
        """End the session of ``token`` (nothing happens for an unknown one)."""
        await ConsoleSession.filter(token_hash=token_hash(token), ended_at=None).update(
            ended_at=self._clock()
        )

    async def staff_of(self, issuer: Issuer) -> list[StaffRow]:
        """``issuer``'s active staff with their console login names, by name."""
        people = await Staff.filter(issuer_id=issuer.id, revoked_at=None).order_by("name", "id")
        logins = {
            row.staff_id: row.login  # type: ignore[attr-defined]
            for row in await StaffPassword.filter(staff_id__in=[p.id for p in people])
        }
        return [StaffRow(p, logins.get(p.id)) for p in people]

    async def create_staff(
        self, admin: Staff, *, name: str, role: StaffRole, login: str, password: str
    ) -> Staff:
        """A new staff member of the admin's issuer with a console login, in one transaction:
        on ``WeakPassword``, ``InvalidLogin``, ``LoginTaken`` or a bad name nothing is written.
        Its API key is never shown: systems get keys from ``piaojia staff create``."""
        _check_password(password)
        name_ok = _check_login(login)
        hashed = await asyncio.to_thread(hash_password, password)
        try:
            async with in_transaction() as conn:
                staff, _ = await self._staff.create(issuer_id=admin.issuer.id, role=role, name=name)
                await StaffPassword.create(
                    staff=staff,
                    login=name_ok,
                    password_hash=hashed,
                    updated_at=self._clock(),
                    using_db=conn,
                )
        except IntegrityError as exc:
            raise LoginTaken(f"the login name {name_ok!r} is taken") from exc
        return staff

    async def revoke_staff(self, admin: Staff, staff_id: uuid.UUID) -> None:
        """Revoke a staff member of the admin's own issuer: its API key and console sessions
        stop working. Another issuer's staff member is ``StaffNotFound``; an admin cannot
        revoke themself (``Conflict``)."""
        if staff_id == admin.id:
            raise Conflict("you cannot revoke yourself", code="cannot_revoke_self")
        now = self._clock()
        async with in_transaction() as conn:
            changed = (
                await Staff.filter(id=staff_id, issuer_id=admin.issuer.id, revoked_at=None)
                .using_db(conn)
                .update(revoked_at=now)
            )
            if not changed:
                raise StaffNotFound(f"no active staff member {staff_id} at this issuer")
            await (
                ConsoleSession.filter(staff_id=staff_id, ended_at=None)
                .using_db(conn)
                .update(ended_at=now)
            )

    async def record_slip_printed(self, staff: Staff, receipt_id: uuid.UUID) -> None:
        """Add a ``slip_printed`` event to one of the staff member's issuer's receipts."""
        if not await Receipt.filter(id=receipt_id, issuer_id=staff.issuer.id).exists():
            raise ReceiptNotFound(f"no receipt {receipt_id} at this issuer")
        await ReceiptEvent.create(
            receipt_id=receipt_id, type=EventType.SLIP_PRINTED, at=self._clock(), staff=staff
        )
