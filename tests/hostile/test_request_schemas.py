"""What the API enforces on a request, its JSON schema says: every text field's lengths and its
refusal of control characters, every number's bounds, every list's size, every format pattern
exactly as the validator reads it. A client generated from /openapi.json sends nothing that is
refused for a single field's sake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from backend.app import ENDPOINTS
from backend.chinatime import Day
from backend.hospital.schemas import Quantity
from backend.receipts.schemas import AMOUNT_PATTERN, Amount
from backend.textfields import NO_CONTROL_PATTERN, Text
from backend.transit.schemas import Fare
from backend.verify.schemas import SignedAmount

MODELS: list[type[BaseModel]] = sorted(
    {m for e in ENDPOINTS for m in (e.request_body, e.query) if m is not None},
    key=lambda m: m.__name__,
)


def _leaves(schema: dict[str, Any], node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every typed schema under ``node``, with its place, following $ref into $defs."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            yield from _leaves(schema, schema["$defs"][name], where)
            return
        if "type" in node or "enum" in node:
            yield where, node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, child in value.items():
                    if key == "properties":
                        yield from _leaves(schema, child, f"{where}.{name}")
            elif key in ("items", "anyOf", "allOf", "oneOf"):
                yield from _leaves(schema, value, where)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(schema, value, where)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_request_field_states_its_bounds(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    unbounded = []
    for where, node in _leaves(schema, schema, model.__name__):
        kind = node.get("type")
        if "enum" in node or "const" in node or kind in ("boolean", "null", "object", None):
            continue
        if kind == "string" and not (
            node.get("format") in ("date", "date-time", "uuid")
            or "pattern" in node
            or "maxLength" in node
        ):
            unbounded.append(f"{where}: a string with no length, pattern or format")
        free_text = kind == "string" and node.get("pattern") == NO_CONTROL_PATTERN
        if free_text and "maxLength" not in node:
            unbounded.append(f"{where}: free text with no maxLength")
        if kind == "integer" and not ("minimum" in node and "maximum" in node):
            unbounded.append(f"{where}: an integer without minimum and maximum")
        if kind == "array" and "maxItems" not in node:
            unbounded.append(f"{where}: a list without maxItems")
    assert not unbounded, unbounded


SAMPLES = [
    "0", "0.0", "0.00", "0.001", "0.01", "0.1", "0.9", "1", "1.5", "01", "1.", ".5", "-0",
    "-0.01", "-1", "3.00", "999.99", "1000", "1000.00", "1000.01", "1e3", "NaN", " 1", "1 ",
    "99999999.99", "100000000", "100000000.0", "100000000.00", "100000000.01", "123456789",
    "99999999999999999999.00", "", "+1", "1,000.00", "１", "12.345",
]  # fmt: skip


@pytest.mark.parametrize(
    ("annotation", "samples", "trims"),
    [
        (Amount, SAMPLES, False),
        (Fare, SAMPLES, False),
        (SignedAmount, SAMPLES, True),  # a verification form's field, spaces trimmed
        (Quantity, [*SAMPLES, "0.0001", "0.0000", "0.00010", "1234567", "12345678"], False),
    ],
    ids=["Amount", "Fare", "SignedAmount", "Quantity"],
)
def test_a_pattern_accepts_exactly_what_the_validator_accepts(
    annotation: Any, samples: list[str], trims: bool
) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    pattern = adapter.json_schema()["pattern"]
    disagree = []
    for text in samples:
        try:
            adapter.validate_python(text)
            accepted = True
        except ValidationError:
            accepted = False
        if accepted != bool(re.search(pattern, text.strip() if trims else text)):
            disagree.append(f"{text!r}: validator {accepted}, pattern {not accepted}")
    assert not disagree, disagree


def test_amount_pattern_is_what_the_docs_say() -> None:
    assert TypeAdapter(Amount).json_schema()["pattern"] == AMOUNT_PATTERN


def test_text_refuses_what_its_pattern_refuses() -> None:
    from typing import Annotated

    adapter: TypeAdapter[str] = TypeAdapter(Annotated[str, Text(20)])
    pattern = adapter.json_schema()["pattern"]
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0x202E, 0x2066]:
        text = f"a{chr(code)}b"
        assert re.search(pattern, text) is None, hex(code)
        with pytest.raises(ValidationError, match="control character"):
            adapter.validate_python(text)
    for fine in ["张三", "Zhang San", "阿莫西林胶囊 0.25g×24", "𠮷野家", "O'Brien-Smith"]:
        assert re.search(pattern, fine) and adapter.validate_python(fine) == fine
    with pytest.raises(ValidationError):
        adapter.validate_python("a\ud800b")  # a lone surrogate cannot be stored


def test_a_days_pattern_is_its_span() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(Day)
    pattern = adapter.json_schema()["pattern"]
    for text in ["0001-01-01", "1899-12-31", "1999-12-31", "2000-01-01", "2026-11-27",
                 "2099-12-31", "2100-01-01", "9999-12-31"]:  # fmt: skip
        try:
            adapter.validate_python(text)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == bool(re.search(pattern, text)), text
