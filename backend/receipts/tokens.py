"""Minting scan tokens."""

from __future__ import annotations

import secrets

TOKEN_LENGTH = 32


def new_scan_token() -> str:
    """32 URL-safe characters carrying 192 bits from the OS CSPRNG."""
    token = secrets.token_urlsafe(24)
    assert len(token) == TOKEN_LENGTH
    return token
