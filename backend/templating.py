"""The one Jinja2 environment over ``templates/``: H5 pages, the console and emails.

Autoescaping is on for HTML and XML, so text from receipts (names, item names) can never
inject markup. Times reach templates as answers carry them (aware datetimes or ISO 8601 strings)
and are written with the ``china_day`` and ``china_minute`` filters, never sliced.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from backend.anchoring.services import AnchorState
from backend.chinatime import china_day, minute_text
from backend.receipts.money import format_fen, to_capitals

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def _aware(moment: datetime | str) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None or moment.utcoffset() is None:
        # A time without its offset could be on either of two days: refuse it, never guess.
        raise ValueError(f"{moment.isoformat()} has no offset")
    return moment


def day_in_china(moment: datetime | str) -> str:
    """``2026-11-27``: the day of ``moment`` (an aware datetime, or ISO 8601 with its offset)
    in China; the ``china_day`` filter. ValueError for a time without an offset."""
    return china_day(_aware(moment)).isoformat()


def minute_in_china(moment: datetime | str) -> str:
    """``2026-11-27 10:05``: ``moment`` in China to the minute, seconds cut (not rounded), as
    pages show times; the ``china_minute`` filter. ValueError for a time without an offset."""
    return minute_text(_aware(moment))


def template_environment(directory: Path = TEMPLATES_DIR) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,  # a misspelt variable fails loudly instead of rendering ""
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yuan"] = format_fen
    env.filters["capitals"] = to_capitals
    env.filters["ledger_label"] = ledger_label
    env.filters["china_day"] = day_in_china
    env.filters["china_minute"] = minute_in_china
    return env


def ledger_label(state: str) -> str:
    """The Chinese name of a ledger state, given as the enum or as its value in an answer."""
    return AnchorState(state).label
