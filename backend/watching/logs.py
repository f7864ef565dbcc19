"""How log lines are written: uvicorn's text lines, or one JSON object a line
(``PIAOJIA_LOG_FORMAT=json``), each carrying the request id of the request it was logged in.

Every handler of the configuration shortens scan tokens (``backend.logredact``), whatever logger
the record comes from, so no line shows one whole.
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime
from typing import Any

from backend.logredact import shorten_tokens

# The id of the request being served, for every record logged while serving it.
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# The fields an access record carries besides its message (backend.watching.web).
ACCESS_FIELDS = ("method", "path", "route", "status", "duration_ms", "client")
ACCESS_LOGGER = "piaojia.access"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
    ``request_id`` when logged in a request, an access record's fields, and ``exception``
    (the traceback as text) when there is one. Scan tokens are shortened in every string."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": shorten_tokens(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        for name in ACCESS_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = shorten_tokens(value) if isinstance(value, str) else value
        if record.exc_info:
            line["exception"] = shorten_tokens(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def log_config(*, json_lines: bool, level: str, access: bool) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` for ``piaojia serve`` (uvicorn applies it in every
    worker): uvicorn's and Piaojia's loggers to standard error, the access lines to standard
    output; the access lines are ``backend.watching.web``'s (uvicorn's own is off), and
    ``access=False`` silences them."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if json_lines
        else {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"}
    )

    def handler(stream: str) -> dict[str, Any]:
        return {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["tokens"],
            "stream": f"ext://sys.{stream}",
        }

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"tokens": {"()": "backend.logredact.ShortenTokens"}},
        "formatters": {"line": formatter},
        "handlers": {"stderr": handler("stderr"), "stdout": handler("stdout")},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "propagate": False},
            "piaojia": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            ACCESS_LOGGER: {
                "handlers": ["stdout"],
                "level": "INFO" if access else "WARNING",
                "propagate": False,
            },
        },
    }
