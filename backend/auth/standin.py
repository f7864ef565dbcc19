"""A stand-in for WeChat's ``jscode2session``, for demo mode only.

``make run`` has no mini-program and cannot reach WeChat, so the app answers jscode2session
itself: a code ``demo-<name>`` (or ``demo-<name>.<anything>``, to log the same person in again)
is the user ``<name>``, with a stable fake openid derived from the name. Like WeChat's, each
code works once; the memory of used codes lasts as long as the process. Nothing here is
reachable unless demo mode is on: ``app.py`` routes it only then, and the view checks again.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any

_DEMO_CODE = re.compile(r"demo-([A-Za-z0-9_]{1,32})(?:\.[A-Za-z0-9_-]{1,32})?")
# Bounded so that a long-running demo cannot grow without limit; forgetting old codes only
# means a very old demo code would work a second time.
MAX_REMEMBERED_CODES = 100_000


def demo_openid(name: str) -> str:
    """The fake openid of demo user ``name``: 28 characters like a real one, stable."""
    digest = hashlib.sha256(f"piaojia-demo-user:{name}".encode()).digest()
    return "o" + base64.urlsafe_b64encode(digest).decode()[:27]


class WeChatStandIn:
    """Answers jscode2session requests as WeChat would, for ``demo-<name>`` codes."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def jscode2session(self, *, js_code: str, grant_type: str) -> dict[str, Any]:
        """WeChat's JSON answer for one request.

        Guarantees: errcode 40029 for a code not of the demo form, 40163 for a code already
        used in this process, 40002 for a wrong grant_type; otherwise the openid of the
        name and a fresh random session_key, and the code is then used up.
        """
        if grant_type != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        match = _DEMO_CODE.fullmatch(js_code)
        if match is None:
            return {"errcode": 40029, "errmsg": "invalid code (demo codes look like demo-alice)"}
        if js_code in self._used:
            return {"errcode": 40163, "errmsg": "code been used"}
        if len(self._used) >= MAX_REMEMBERED_CODES:
            self._used.clear()
        self._used.add(js_code)
        return {
            "openid": demo_openid(match.group(1)),
            "session_key": base64.b64encode(secrets.token_bytes(16)).decode(),
        }
