"""Errors of the whereabouts (去向) queries."""

from __future__ import annotations

from backend.errors import InvalidInput


class InvalidRange(InvalidInput):
    code = "invalid_range"


class InvalidState(InvalidInput):
    code = "invalid_state"
