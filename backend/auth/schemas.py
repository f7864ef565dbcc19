"""Login bodies on the wire."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from backend.schema import Model


class LoginRequest(Model):
    # wx.login codes are 32 visible ASCII characters today; the bound leaves room without
    # letting arbitrary text reach WeChat's query string.
    code: Annotated[
        str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")
    ] = Field(description="the code from wx.login, valid about five minutes and once")


class LoginAnswer(Model):
    token: str = Field(description="send as Authorization: Bearer <token>; shown only once")
    expires_at: str = Field(description="when the token stops working, China time")
