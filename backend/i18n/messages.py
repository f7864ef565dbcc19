"""Error messages in the reader's language, from the one table of codes (``backend.i18n.table``).

The API's English ``message`` stays the raise site's own sentence (it names the values a
developer needs); the Chinese one is the table's, said to the patient or cashier who reads it,
filled from the error's details. The table's English column is the code's general meaning,
used where no sentence was given.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from typing import Any

from backend.i18n import fields
from backend.i18n.language import Language
from backend.i18n.table import MESSAGES

_UNITS: dict[Language, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    "en": (("second", "seconds"), ("minute", "minutes"), ("hour", "hours")),
    "zh": (("秒", "秒"), ("分钟", "分钟"), ("小时", "小时")),
}


def duration(seconds: int, language: Language) -> str:
    """``seconds`` as people say it, rounded up: "1 second", "2 minutes", "3 小时"."""
    seconds = max(1, math.ceil(seconds))
    second, minute, hour = _UNITS[language]
    if seconds < 60:
        amount, (one, many) = seconds, second
    elif seconds < 3600:
        amount, (one, many) = math.ceil(seconds / 60), minute
    else:
        amount, (one, many) = math.ceil(seconds / 3600), hour
    return f"{amount} {one if amount == 1 else many}"


class _Formatter(string.Formatter):
    def __init__(self, language: Language) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "duration":
            return duration(int(value), self.language)
        if format_spec == "count":
            return str(len(value))
        return str(super().format_field(value, format_spec))


def placeholders(template: str) -> set[str]:
    """The detail names ``template`` fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def message(code: str, language: Language, details: Mapping[str, Any]) -> str | None:
    """The table's message for ``code`` in ``language``, filled from ``details``; None when the
    code is not in the table or a detail it names is missing (the caller keeps its own)."""
    found = MESSAGES.get(code)
    if found is None:
        return None
    template = found[0] if language == "en" else found[1]
    try:
        return _Formatter(language).vformat(template, (), details)
    except (KeyError, TypeError, ValueError):
        return None


def error_details(exc: Any) -> dict[str, Any]:
    """What a domain error's message may name: its details and its ``retry_after``."""
    found: dict[str, Any] = dict(getattr(exc, "details", {}))
    retry = getattr(exc, "retry_after", None)
    if retry is not None:
        found["retry_after"] = retry
    return found


def chinese(exc: Any) -> str:
    """The Chinese a person reads for the domain error ``exc``: each field by its name for a
    validation error, else the table's words for its code; its own message if the table cannot
    say it (never raises)."""
    code = str(getattr(exc, "code", "error"))
    problems = getattr(exc, "errors", ())
    if code == "validation_failed" and problems:
        return fields.summary(problems)
    said = message(code, "zh", error_details(exc))
    return said if said is not None else str(getattr(exc, "message", exc))


def in_language(exc: Any, language: Language) -> str:
    """The message of the domain error ``exc`` in ``language``: in English the raise site's own
    sentence (the table's when it gave none), in Chinese ``chinese(exc)``."""
    if language == "zh":
        return chinese(exc)
    own = str(getattr(exc, "message", "") or "")
    return own or message(str(getattr(exc, "code", "error")), "en", error_details(exc)) or ""
