"""The one Jinja2 environment over ``templates/``: H5 pages, the console and emails.

Autoescaping is on for HTML and XML, so text from receipts (names, item names) can never
inject markup.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from backend.anchoring.services import AnchorState
from backend.receipts.money import format_fen, to_capitals

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


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
    return env


def ledger_label(state: str) -> str:
    """The Chinese name of a ledger state, given as the enum or as its value in an answer."""
    return AnchorState(state).label
