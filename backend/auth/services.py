"""Mini-program login and user sessions.

``login`` asks WeChat who the user is and hands out our own session token; ``authenticate``
turns a token back into its user. Tokens are random (256 bits), shown to the client once and
stored only as their SHA-256, so the database alone cannot be used to act as a user.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from backend.auth.errors import (
    InvalidLoginCode,
    LoginBlocked,
    LoginNotConfigured,
    SessionExpired,
    SessionRevoked,
    UnknownSession,
    WeChatBusy,
    WeChatFailed,
    WeChatRateLimited,
    WeChatUnreachable,
)
from backend.auth.models import User, UserSession
from backend.auth.wechat_client import (
    Failure,
    Refusal,
    WeChatClient,
    WeChatNoAnswer,
    WeChatRefused,
    WeChatSession,
)
from backend.clock import Clock
from backend.session_tokens import token_hash

log = logging.getLogger("piaojia.auth")

TOKEN_PREFIX = "wxs_"
# WeChat allows 100 logins per user per minute; a client told so should wait that long.
RATE_LIMIT_RETRY_SECONDS = 60


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session token as handed to the client: shown once, never retrievable again."""

    token: str
    expires_at: datetime


class AuthService:
    def __init__(self, *, wechat: WeChatClient, clock: Clock, session_lifetime: timedelta) -> None:
        self._wechat = wechat
        self._clock = clock
        self._lifetime = session_lifetime

    async def login(self, code: str) -> NewSession:
        """Exchange a wx.login ``code`` for a new session token of its user.

        Guarantees: WeChat is asked first and nothing is stored unless it vouched for the
        user; WeChat's refusals and failures become domain errors (invalid code 401, blocked
        user 403, rate limit 429; busy, unreachable, unusable or misconfigured 503); the
        session_key is stored server-side only and is not part of the result.
        """
        if not self._wechat.configured:
            raise LoginNotConfigured(
                "mini-program login is not configured on this server (appid and secret)"
            )
        result = await self._wechat.code2session(code)
        if isinstance(result, WeChatNoAnswer):
            log.warning("jscode2session: %s: %s", result.failure.value, result.reason)
            if result.failure is Failure.TIMEOUT:
                raise WeChatUnreachable("WeChat did not answer in time; try again shortly")
            if result.failure is Failure.NETWORK:
                raise WeChatUnreachable("WeChat could not be reached; try again shortly")
            raise WeChatFailed("WeChat answered something unusable; try again shortly")
        if isinstance(result, WeChatRefused):
            raise _refusal_error(result)
        return await self._open_session(result)

    async def _open_session(self, wechat: WeChatSession) -> NewSession:
        user = await self._user_for(wechat)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._clock()
        expires_at = now + self._lifetime
        await UserSession.create(
            user=user,
            token_hash=token_hash(token),
            session_key=wechat.session_key.reveal(),
            created_at=now,
            expires_at=expires_at,
        )
        return NewSession(token, expires_at)

    async def _user_for(self, wechat: WeChatSession) -> User:
        # Outside a transaction on purpose: two first logins of one openid race on its unique
        # index, and on PostgreSQL the loser's transaction would be unusable. The row records
        # only what WeChat vouched for, so keeping it if the session insert fails is harmless.
        user = await User.get_or_none(openid=wechat.openid)
        if user is None:
            try:
                user = await User.create(
                    id=uuid.uuid4(), openid=wechat.openid, unionid=wechat.unionid
                )
            except IntegrityError:
                user = await User.get(openid=wechat.openid)
        if wechat.unionid is not None and user.unionid != wechat.unionid:
            user.unionid = wechat.unionid
            await user.save(update_fields=["unionid"])
        return user

    async def authenticate(self, token: str) -> User:
        """The user holding session ``token``.

        Raises ``UnknownSession`` for a token we never issued, ``SessionRevoked`` after
        logout, and ``SessionExpired`` once ``expires_at`` has passed (all 401).
        """
        return (await self._live_session(token)).user

    async def logout(self, token: str) -> None:
        """Revoke session ``token``; it is refused from then on.

        Raises as ``authenticate`` does, so logging out twice answers ``SessionRevoked``.
        A logout racing another logout revokes once; the later one is refused.
        """
        session = await self._live_session(token)
        # Conditional update: of two racing logouts exactly one revokes.
        changed = await UserSession.filter(id=session.id, revoked_at=None).update(
            revoked_at=self._clock()
        )
        if not changed:
            raise SessionRevoked("this session has been logged out; log in again")

    async def _live_session(self, token: str) -> UserSession:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            raise UnknownSession("the session token is not one this server issued")
        session = (
            await UserSession.filter(token_hash=token_hash(token)).select_related("user").first()
        )
        if session is None:
            raise UnknownSession("the session token is not one this server issued")
        if session.revoked_at is not None:
            raise SessionRevoked("this session has been logged out; log in again")
        if session.expires_at <= self._clock():
            raise SessionExpired("this session has expired; log in again")
        return session

    async def close(self) -> None:
        """Close the connection pool to WeChat; call once, at shutdown."""
        await self._wechat.aclose()


def _refusal_error(refused: WeChatRefused) -> Exception:
    if refused.refusal is Refusal.INVALID_CODE:
        return InvalidLoginCode(
            "WeChat did not accept this login code: it is wrong, expired or already used; "
            "call wx.login again for a fresh one"
        )
    if refused.refusal is Refusal.RATE_LIMITED:
        return WeChatRateLimited(
            "too many logins for this user; wait a minute and try again",
            retry_after=RATE_LIMIT_RETRY_SECONDS,
        )
    if refused.refusal is Refusal.BLOCKED:
        return LoginBlocked("WeChat blocked this login as high-risk (errcode 40226)")
    if refused.refusal is Refusal.BUSY:
        return WeChatBusy("WeChat is busy; try again shortly")
    if refused.refusal is Refusal.BAD_CREDENTIALS:
        log.error("jscode2session rejected our appid or secret: errcode %d", refused.errcode)
        return LoginNotConfigured("mini-program login is misconfigured on this server")
    log.error("jscode2session: unexpected errcode %d: %s", refused.errcode, refused.errmsg)
    return WeChatFailed(f"WeChat refused the login with errcode {refused.errcode}")
