"""Errors of scan-to-open."""

from __future__ import annotations

from backend.errors import NotFound, TooManyRequests


class UnknownScanToken(NotFound):
    code = "unknown_scan_token"


class TooManyUnknownTokens(TooManyRequests):
    code = "too_many_unknown_tokens"
