"""The base of every answer and request schema."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Frozen, and refusing fields it does not declare: a typo in a request is an error, not
    a silently ignored field."""

    model_config = ConfigDict(extra="forbid", frozen=True)
