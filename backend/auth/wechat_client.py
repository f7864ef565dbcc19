"""Calling WeChat's ``jscode2session``: the outbound HTTP edge of mini-program login.

The client never raises for what WeChat or the network does: every outcome comes back as one
of three typed results, so the service decides what each means for the user. The app secret
travels in the query string, as WeChat requires; it is never put in a result or a message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum

import httpx

from backend.secret import Secret

JSCODE2SESSION_PATH = "/sns/jscode2session"


class Refusal(Enum):
    """What a WeChat errcode means for us."""

    INVALID_CODE = "invalid_code"  # 40029 invalid code, 40163 code already used
    RATE_LIMITED = "rate_limited"  # 45011: 100 logins per user per minute
    BLOCKED = "blocked"  # 40226: high-risk user
    BUSY = "busy"  # -1: system busy
    BAD_CREDENTIALS = "bad_credentials"  # 40013 invalid appid, 40125 invalid secret
    OTHER = "other"


_REFUSALS = {
    40029: Refusal.INVALID_CODE,
    40163: Refusal.INVALID_CODE,
    45011: Refusal.RATE_LIMITED,
    40226: Refusal.BLOCKED,
    -1: Refusal.BUSY,
    40013: Refusal.BAD_CREDENTIALS,
    40125: Refusal.BAD_CREDENTIALS,
}


@dataclass(frozen=True, slots=True)
class WeChatSession:
    """A code WeChat accepted: who the user is, and the key that must stay on our server."""

    openid: str
    session_key: Secret
    unionid: str | None = None


@dataclass(frozen=True, slots=True)
class WeChatRefused:
    """WeChat answered with a non-zero errcode."""

    refusal: Refusal
    errcode: int
    errmsg: str


class Failure(Enum):
    TIMEOUT = "timeout"  # no answer within the timeout
    NETWORK = "network"  # the connection failed
    BAD_ANSWER = "bad_answer"  # an HTTP error status, or a body that is not WeChat's JSON


@dataclass(frozen=True, slots=True)
class WeChatNoAnswer:
    """No usable answer from WeChat."""

    failure: Failure
    reason: str


Code2SessionResult = WeChatSession | WeChatRefused | WeChatNoAnswer


class WeChatClient:
    """Exchanges wx.login codes for sessions at ``base_url`` (``https://api.weixin.qq.com``)."""

    def __init__(
        self,
        *,
        base_url: str,
        appid: str,
        secret: Secret | None,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = base_url.rstrip("/") + JSCODE2SESSION_PATH
        self._appid = appid
        self._secret = secret
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    @property
    def configured(self) -> bool:
        """Whether an appid and a secret were given; without them no login can succeed."""
        return bool(self._appid) and self._secret is not None

    async def code2session(self, code: str) -> Code2SessionResult:
        """Exchange one wx.login ``code``; never raises for network or WeChat failures.

        Guarantees: a ``WeChatSession`` only when WeChat answered errcode 0 (or none) with a
        non-empty openid and session_key; every errcode becomes a ``WeChatRefused``; anything
        else a ``WeChatNoAnswer`` whose reason names no secret.
        """
        params = {
            "appid": self._appid,
            "secret": self._secret.reveal() if self._secret else "",
            "js_code": code,
            "grant_type": "authorization_code",
        }
        try:
            response = await self._http.get(self._url, params=params)
        except httpx.TimeoutException as exc:
            return WeChatNoAnswer(Failure.TIMEOUT, type(exc).__name__)
        except httpx.HTTPError as exc:
            # Only the class name: some httpx messages carry the URL, and the URL the secret.
            return WeChatNoAnswer(Failure.NETWORK, type(exc).__name__)
        if response.status_code != 200:
            return WeChatNoAnswer(Failure.BAD_ANSWER, f"HTTP {response.status_code}")
        # WeChat sends JSON labelled text/plain, so the body is parsed whatever its type says.
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            return WeChatNoAnswer(Failure.BAD_ANSWER, "the answer is not JSON")
        if not isinstance(body, dict):
            return WeChatNoAnswer(Failure.BAD_ANSWER, "the answer is not a JSON object")
        return _result(body)

    async def aclose(self) -> None:
        await self._http.aclose()


def _result(body: dict[str, object]) -> Code2SessionResult:
    errcode = body.get("errcode", 0)
    if not isinstance(errcode, int) or isinstance(errcode, bool):
        return WeChatNoAnswer(Failure.BAD_ANSWER, "errcode is not a number")
    if errcode != 0:
        errmsg = body.get("errmsg")
        return WeChatRefused(
            _REFUSALS.get(errcode, Refusal.OTHER),
            errcode,
            errmsg[:200] if isinstance(errmsg, str) else "",
        )
    openid, session_key, unionid = (body.get(k) for k in ("openid", "session_key", "unionid"))
    if not isinstance(openid, str) or not 0 < len(openid) <= 64:
        return WeChatNoAnswer(Failure.BAD_ANSWER, "the answer has no usable openid")
    if not isinstance(session_key, str) or not 0 < len(session_key) <= 128:
        return WeChatNoAnswer(Failure.BAD_ANSWER, "the answer has no usable session_key")
    if not (isinstance(unionid, str) and 0 < len(unionid) <= 64):
        unionid = None
    return WeChatSession(openid, Secret(session_key), unionid)
