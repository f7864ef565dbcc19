"""The receipt's canonical document and the statement format, and the one statement check."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

import pytest

from chain.receipt.canonical import (
    COMMITMENT_SALT_SIZE,
    DOCUMENT_VERSION,
    LEGACY_SALT_SIZE,
    PERSONAL_FIELDS,
    canonical_json,
    commit_personal_fields,
    commitment,
    commitment_salt,
    field_commitment,
    field_salt,
    is_legacy_secret,
    openings,
    published_salt,
)
from chain.receipt.errors import MalformedBundleError
from chain.receipt.statement import (
    CHECKED_FIELDS,
    STATEMENT_VERSION,
    Mismatch,
    check_statement,
    loose_fields,
    read_statement,
    statement,
)

KEY = bytes(range(32))
LEGACY: dict[str, Any] = {
    "id": "r1",
    "code": "44060126",
    "number": "0000000001",
    "issuer": {"credit_code": "12440100MB0000001X", "name": "广州测试医院"},
    "payer": {"name": "张三", "id_number": "440106199001011235", "email": None, "phone": None},
    "visit": {"number": "M001", "type": "outpatient"},
}
PERSONAL = {
    "payer.name": "张三",
    "payer.id_number": "440106199001011235",
    "payer.email": None,
    "payer.phone": None,
    "visit.number": "M001",
}
AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def made(**overrides: str) -> bytes:
    fields = {
        "event": "issued",
        "credit_code": "12440100MB0000001X",
        "code": "44060126",
        "number": "0000000001",
        "commitment": "sha256:" + "0" * 64,
    } | overrides
    return statement(at=AT, **fields)


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": "票"}) == '{"a":"票","b":1}'.encode()


def test_the_version_2_document_commits_every_personal_field() -> None:
    document = commit_personal_fields(LEGACY, PERSONAL, key=KEY)
    assert document["v"] == DOCUMENT_VERSION
    assert document["payer"]["name"] == field_commitment(field_salt(KEY, "payer.name"), "张三")
    assert document["payer"]["email"] == field_commitment(field_salt(KEY, "payer.email"), None)
    assert document["visit"]["type"] == "outpatient"
    assert LEGACY["payer"]["name"] == "张三"  # the first form is left as it was
    salt = hmac.new(KEY, b"piaojia/field/payer.name", hashlib.sha256).digest()
    assert field_salt(KEY, "payer.name") == salt


def test_openings_give_each_value_and_its_field_salt() -> None:
    opened = openings(PERSONAL, key=KEY)
    assert set(opened) == set(PERSONAL_FIELDS)
    salt = base64.b64decode(str(opened["payer.name"]["salt"]))
    document = commit_personal_fields(LEGACY, PERSONAL, key=KEY)
    assert field_commitment(salt, opened["payer.name"]["value"]) == document["payer"]["name"]


def test_the_published_salt_by_the_form_of_the_secret() -> None:
    legacy = bytes(LEGACY_SALT_SIZE)
    assert is_legacy_secret(legacy) and published_salt(legacy) == legacy
    assert not is_legacy_secret(KEY)
    assert published_salt(KEY) == commitment_salt(KEY)
    assert len(commitment_salt(KEY)) == COMMITMENT_SALT_SIZE
    assert commitment(b"s", b"d") == "sha256:" + hashlib.sha256(b"sd").hexdigest()


def test_a_statement_is_canonical_and_reads_back() -> None:
    raw = made()
    fields = read_statement(raw, "here")
    assert fields["v"] == STATEMENT_VERSION and fields["at"] == AT.isoformat()
    assert canonical_json(fields) == raw
    assert loose_fields(raw) == fields


def test_check_statement_lists_every_mismatch_in_order() -> None:
    fields = read_statement(made(event="reversed", number="0000000002"), "here")
    found = check_statement(
        fields,
        event="issued",
        issuer="12440100MB0000001X",
        code="44060126",
        number="0000000001",
        commitment="sha256:" + "1" * 64,
    )
    assert found == [
        Mismatch("event", "reversed", "issued"),
        Mismatch("number", "0000000002", "0000000001"),
        Mismatch("commitment", "sha256:" + "0" * 64, "sha256:" + "1" * 64),
    ]
    assert [m.field for m in found] == [f for f in CHECKED_FIELDS if f in {m.field for m in found}]


def test_check_statement_skips_the_commitment_without_a_document() -> None:
    fields = read_statement(made(), "here")
    expected = {
        "event": "issued",
        "issuer": "12440100MB0000001X",
        "code": "44060126",
        "number": "0000000001",
    }
    assert check_statement(fields, commitment=None, **expected) == []
    assert check_statement({}, commitment=None, **expected)[0] == Mismatch("event", None, "issued")


def test_loose_fields_of_what_is_not_a_json_object_are_empty() -> None:
    assert loose_fields(b"not json") == {}
    assert loose_fields(b"[1]") == {}


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"{", "statement is not JSON"),
        (b'{"b":1, "a":2}', "statement is not a canonical JSON object"),
        (b"[]", "statement is not a canonical JSON object"),
        (canonical_json({"v": 1}), "statement is not a v1 statement"),
        (
            canonical_json(dict.fromkeys(["v", *CHECKED_FIELDS, "at"], "x")),
            "statement is not a v1 statement",
        ),
        (
            canonical_json({"v": 1} | dict.fromkeys([*CHECKED_FIELDS, "at"], 1)),
            "statement fields are not strings",
        ),
    ],
)
def test_read_statement_refuses_anything_else(raw: bytes, says: str) -> None:
    with pytest.raises(MalformedBundleError, match=f"^here: {says}"):
        read_statement(raw, "here")
