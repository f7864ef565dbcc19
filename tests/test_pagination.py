"""The one list cursor format: what it writes reads back, and nothing else reads at all."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.errors import InvalidInput, NotFound, status_of
from backend.pagination import MAX_CURSOR_LENGTH, decode_cursor, encode_cursor

RECEIPT = uuid.UUID("0f9a4c2e-7b1d-4e8a-9c3f-5d6e7f8a9b0c")
AT = datetime(2026, 11, 27, 10, 0, 0, 123456, tzinfo=UTC)


class BadCursor(InvalidInput):
    code = "invalid_cursor"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def refused(cursor: str, parse_id: type[uuid.UUID] | type[int] = uuid.UUID) -> BadCursor:
    with pytest.raises(BadCursor) as caught:
        decode_cursor(cursor, parse_id, BadCursor)
    return caught.value


@pytest.mark.parametrize(
    ("at", "last_id", "parse_id"),
    [
        (AT, RECEIPT, uuid.UUID),
        (AT.replace(microsecond=0), RECEIPT, uuid.UUID),  # isoformat drops ".000000"
        (AT.astimezone(timezone(timedelta(hours=8))), RECEIPT, uuid.UUID),
        (datetime(2000, 1, 1, tzinfo=timezone(timedelta(hours=8))), uuid.UUID(int=0), uuid.UUID),
        (datetime(2100, 1, 1, tzinfo=UTC) - timedelta(hours=8, microseconds=1), RECEIPT, uuid.UUID),
        (AT, 1, int),
        (AT, 2**63 - 1, int),
    ],
)
def test_what_is_written_reads_back(at: datetime, last_id: object, parse_id: type) -> None:
    cursor = encode_cursor(at, last_id)
    assert len(cursor) <= MAX_CURSOR_LENGTH
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    found_at, found_id = decode_cursor(cursor, parse_id, BadCursor)
    assert (found_at, found_id) == (at, last_id)
    assert found_at.tzinfo is UTC


def test_the_domain_error_comes_with_its_status_and_code() -> None:
    class NoSuchPage(NotFound):
        code = "no_such_page"

    with pytest.raises(NoSuchPage) as caught:
        decode_cursor("nonsense!", uuid.UUID, NoSuchPage)
    assert (status_of(caught.value), caught.value.code) == (404, "no_such_page")
    assert status_of(refused("garbage!")) == 400


GOOD = encode_cursor(AT, RECEIPT)
TEXT = f"{AT.isoformat()}|{RECEIPT}"


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "=",
        "A",  # one character: no base64 has length 1 mod 4
        GOOD[:-1],  # truncated
        GOOD[:-3],
        GOOD + "=",  # padded
        GOOD + "A",
        GOOD + "\n",
        " " + GOOD,
        GOOD.replace("-", "+").replace("_", "/") if "-" in GOOD or "_" in GOOD else GOOD + "+",
        "中文",
        "ｇｏｏｄ",  # full-width letters are not base64
        "\x00" * 8,
        "A" * (MAX_CURSOR_LENGTH + 1),  # over-long
        "A" * 10_000,
        b64(b"A" * 150),  # right length and alphabet, wrong content
        b64(TEXT.encode()) + "A" * (MAX_CURSOR_LENGTH - len(b64(TEXT.encode())) + 1),
        TEXT,  # the text itself, unencoded
        TEXT.encode().hex(),  # the old hexadecimal cursors
        b64(TEXT.encode() + b"\x00"),
        b64(b"\x00" + TEXT.encode()),
        b64(TEXT.replace("|", "\x00").encode()),
        b64(TEXT.encode("utf-16")),  # not UTF-8
        b64(b"\xff\xfe\xfd|" + str(RECEIPT).encode()),
        b64(f"{AT.isoformat()}|{RECEIPT}".encode("latin-1") + b"\xe9"),
        b64(f"{AT.isoformat()}|{RECEIPT}|{RECEIPT}".encode()),
        b64(f"{AT.isoformat()}{RECEIPT}".encode()),
        b64(f"|{RECEIPT}".encode()),
        b64(f"{AT.isoformat()}|".encode()),
        b64(b"|"),
        b64(f"{AT.replace(tzinfo=None).isoformat()}|{RECEIPT}".encode()),  # no offset
        b64(f"0001-01-01T00:00:00+00:00|{RECEIPT}".encode()),
        b64(f"0001-01-01T00:00:00+14:00|{RECEIPT}".encode()),
        b64(f"9999-12-31T23:59:59.999999-12:00|{RECEIPT}".encode()),
        b64(f"1999-12-31T15:59:59.999999+00:00|{RECEIPT}".encode()),  # just before the span
        b64(f"2099-12-31T16:00:00+00:00|{RECEIPT}".encode()),  # just after it
        b64(f"2026-11-27|{RECEIPT}".encode()),
        b64(f"2026-11-27T18:00:00+08:00|{RECEIPT}".encode()),  # the moment, not as we write it
        b64(f"2026-11-27T10:00:00Z|{RECEIPT}".encode()),
        b64(f"2026-11-27T10:00:00.000000+00:00|{RECEIPT}".encode()),
        b64(f"{AT.isoformat()}|{str(RECEIPT).upper()}".encode()),  # the id, not as we write it
        b64(f"{AT.isoformat()}|{{{RECEIPT}}}".encode()),
        b64(f"{AT.isoformat()}|{RECEIPT.hex}".encode()),
        b64(f"{AT.isoformat()}|urn:uuid:{RECEIPT}".encode()),
        b64(f"{AT.isoformat()}|x".encode()),
        b64(f"{AT.isoformat()}| {RECEIPT}".encode()),
        b64(f"{AT.isoformat()}|{RECEIPT}\n".encode()),
        b64(("9" * 140).encode()),
    ],
)
def test_anything_else_is_the_domains_error(cursor: str) -> None:
    assert refused(cursor).code == "invalid_cursor"


def test_a_cursor_with_stray_low_bits_is_not_ours() -> None:
    good = encode_cursor(AT, 12)
    raw = f"{AT.isoformat()}|12".encode()
    assert len(raw) % 3 == 2, "a last group of two bytes leaves two spare bits"
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    other = good[:-1] + alphabet[alphabet.index(good[-1]) + 1]
    assert base64.urlsafe_b64decode(other + "=" * (-len(other) % 4)) == raw
    assert decode_cursor(good, int, BadCursor) == (AT, 12)
    refused(other, int)


@pytest.mark.parametrize("last_id", ["0", "-1", "+1", "01", "1_000", " 1", "1.0", "٣", "9" * 140])
def test_a_row_id_is_written_one_way_and_the_domain_bounds_it(last_id: str) -> None:
    def trip_id(text: str) -> int:
        found = int(text)
        if not 0 < found <= 2**63 - 1:
            raise ValueError("no such trip id")
        return found

    with pytest.raises(BadCursor):
        decode_cursor(b64(f"{AT.isoformat()}|{last_id}".encode()), trip_id, BadCursor)


def test_an_overflow_while_reading_the_id_is_the_domains_error_too() -> None:
    def overflowing(text: str) -> int:
        raise OverflowError(text)

    with pytest.raises(BadCursor):
        decode_cursor(encode_cursor(AT, 1), overflowing, BadCursor)
