"""Text on the wire: the one string type of every text field a request carries.

A receipt's names and items end up in PostgreSQL (which refuses NUL), in CSV exports, PDFs,
logs and e-mail headers, all single-line places. So every text field refuses control
characters: C0 (NUL, line breaks, ESC …), DEL and C1, the Unicode line and paragraph separators,
the bidirectional embeddings, overrides and isolates (which make a name print as another), and
lone surrogates (which cannot be stored as UTF-8). No field allows a line break: none is shown
on more than one line. The constraint is declared in the JSON schema as a ``pattern``, so
clients generated from /openapi.json know it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

_REFUSED = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
_CONTROL = re.compile(f"[{_REFUSED}\\ud800-\\udfff]")
# ECMA-262 and Python read this pattern alike.
NO_CONTROL_PATTERN = f"^[^{_REFUSED}]*$"


def control_character(text: str) -> str | None:
    """The first refused character of ``text`` as ``U+XXXX``, or None if there is none."""
    found = _CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def refuse_control(text: str) -> str:
    """``text`` unchanged, or ValueError naming the first refused character."""
    found = control_character(text)
    if found is not None:
        raise ValueError(
            f"contains the control character {found}; send plain text on one line without it"
        )
    return text


@dataclass(frozen=True, slots=True)
class _NoControl:
    """Annotation that refuses control characters and says so in the JSON schema."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found.setdefault("pattern", NO_CONTROL_PATTERN)
        return found


def _check(value: str) -> str:
    try:
        return refuse_control(value)
    except ValueError as exc:
        raise PydanticCustomError("control_character", str(exc)) from None


NoControl = _NoControl()


@dataclass(frozen=True, slots=True)
class Text:
    """Annotation of a text field: ``name: Annotated[str, Text(100)]`` is at most 100
    characters after trimming surrounding spaces, at least ``min_length``, and has no control
    character. Lengths and pattern are in the JSON schema."""

    max_length: int
    min_length: int = 1

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        inner = core_schema.str_schema(
            strip_whitespace=True, min_length=self.min_length, max_length=self.max_length
        )
        return core_schema.no_info_after_validator_function(_check, inner)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found.setdefault("pattern", NO_CONTROL_PATTERN)
        return found


@dataclass(frozen=True, slots=True)
class Matching:
    """Annotation: the whole text matches ``pattern`` (Python and ECMA-262 alike), or the
    field fails with ``message``. The pattern is the field's ``pattern`` in the JSON schema."""

    pattern: str
    message: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        compiled = re.compile(self.pattern)
        message = self.message

        def check(value: str) -> str:
            if compiled.fullmatch(value) is None:
                raise PydanticCustomError("pattern", message)
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["pattern"] = self.pattern
        return found
