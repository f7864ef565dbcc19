"""The health answers, as OpenAPI describes them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Alive(BaseModel):
    status: Literal["ok"] = Field(description="the process answers")


class Ready(BaseModel):
    status: Literal["ready"]
    checks: dict[str, Literal["ok"]] = Field(
        description="each check by name: database, migrations, sequencer_leader"
    )
