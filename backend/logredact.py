"""Scan tokens never reach a log whole.

A ``/s/<token>`` URL is a bearer capability: whoever reads it opens the receipt, its PDF and its
proof. Logs keep the first six characters, enough to tell requests apart and to find a slip,
and far too few to open anything (the token has 32).
"""

from __future__ import annotations

import logging
import re

SHOWN = 6
# Atomic, then not followed by "…": a path cut already is left as it is.
_TOKEN_IN_PATH = re.compile(rf"(/s/)(?>([A-Za-z0-9_-]{{1,{SHOWN}}})[A-Za-z0-9_%-]*)(?!…)")


def shorten_tokens(text: str) -> str:
    """``text`` with every ``/s/<token>`` cut to ``/s/<first six>…``; text cut already comes
    back unchanged, so a line may pass through it more than once."""
    return _TOKEN_IN_PATH.sub(lambda m: f"{m.group(1)}{m.group(2)}…", text)


class ShortenTokens(logging.Filter):
    """Rewrites the message and string arguments of every record it sees (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = shorten_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                shorten_tokens(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


# uvicorn's request log, and the app's own (which names a failing request's path).
LOGGERS = ("uvicorn.access", "uvicorn.error", "piaojia")


def install() -> None:
    """Add the filter to the loggers that name request paths; once per logger."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ShortenTokens) for f in logger.filters):
            logger.addFilter(ShortenTokens())
