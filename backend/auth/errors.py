"""Errors of mini-program login and user sessions."""

from __future__ import annotations

from backend.errors import Forbidden, ServiceUnavailable, TooManyRequests, Unauthenticated

# --- Login -----------------------------------------------------------------------------------


class InvalidLoginCode(Unauthenticated):
    """WeChat refused the wx.login code: malformed, expired (about 5 minutes) or already used."""

    code = "invalid_login_code"


class LoginBlocked(Forbidden):
    """WeChat blocked this user's login as high-risk (errcode 40226)."""

    code = "login_blocked"


class WeChatRateLimited(TooManyRequests):
    """WeChat's per-user limit of logins (errcode 45011); the client should wait a minute."""

    code = "wechat_rate_limited"


class WeChatBusy(ServiceUnavailable):
    """WeChat answered errcode -1, system busy."""

    code = "wechat_busy"


class WeChatUnreachable(ServiceUnavailable):
    """No answer from WeChat in time, or the connection failed."""

    code = "wechat_unreachable"


class WeChatFailed(ServiceUnavailable):
    """WeChat answered something we cannot use: an unknown errcode or a malformed reply."""

    code = "wechat_failed"


class LoginNotConfigured(ServiceUnavailable):
    """The mini-program's appid and secret are not configured, or WeChat rejected them."""

    code = "wechat_login_not_configured"


# --- Sessions --------------------------------------------------------------------------------


class MissingSessionToken(Unauthenticated):
    code = "missing_session_token"


class UnknownSession(Unauthenticated):
    code = "unknown_session"


class SessionExpired(Unauthenticated):
    code = "session_expired"


class SessionRevoked(Unauthenticated):
    code = "session_revoked"
