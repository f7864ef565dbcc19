"""The settings of watching the service: ``PIAOJIA_LOG_LEVEL``, ``PIAOJIA_LOG_FORMAT`` and
``PIAOJIA_METRICS_TOKEN`` parsed, for ``backend.config``."""

from __future__ import annotations

import re

from backend.secret import Secret

LOG_FORMATS = ("text", "json")


def parse_log_level(raw: str) -> str:
    level = raw.strip().lower()
    if level not in {"debug", "info", "warning", "error"}:
        raise ValueError("expected debug, info, warning or error")
    return level


def parse_log_format(raw: str) -> str:
    """``text`` (uvicorn's lines) or ``json`` (one JSON object a line)."""
    chosen = raw.strip().lower()
    if chosen not in LOG_FORMATS:
        raise ValueError("expected text or json")
    return chosen


def parse_metrics_token(raw: str) -> Secret:
    """The bearer token ``GET /metrics`` asks for: at least 32 characters a header can carry
    (letters, digits and ``-._~+/=``), so a scraper's configuration can hold it as it is."""
    if not re.fullmatch(r"[A-Za-z0-9._~+/=-]{32,256}", raw):
        raise ValueError(
            "expected 32 to 256 letters, digits or -._~+/= (try: openssl rand -hex 32)"
        )
    return Secret(raw)
