"""List cursors: the one format every paged list gives out and takes back.

Lists page by keyset on (a moment, a row's id), newest first, so pages stay stable while rows
are added. The cursor names the last row of a page: ``<moment in UTC, ISO 8601>|<id>`` in
URL-safe base64 without padding, opaque to clients and safe in a query string as it is.

A cursor comes from the client, so decoding trusts nothing: anything that is not exactly a
cursor this code wrote (too long, outside the alphabet, not UTF-8, a NUL, a moment without its
offset or outside the calendar span of ``backend.chinatime``, an id written another way) is the
domain's own 4xx error, never an exception that would be a 500.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from backend.chinatime import check_moment
from backend.errors import DomainError

K = TypeVar("K")

# Far above the longest cursor written (about 92 characters for a UUID id), and the limit the
# list queries declare.
MAX_CURSOR_LENGTH = 200
_CURSOR = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_CURSOR_LENGTH}}}")
INVALID_CURSOR = "the cursor is not one this API gave out"


def encode_cursor(at: datetime, last_id: object) -> str:
    """The cursor of the page after the row at (``at``, ``last_id``); ``at`` is aware.

    ``str(last_id)`` is how the id is written, and what ``decode_cursor`` checks it against."""
    raw = f"{at.astimezone(UTC).isoformat()}|{last_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(
    cursor: str, parse_id: Callable[[str], K], invalid: type[DomainError]
) -> tuple[datetime, K]:
    """The (moment in UTC, id) ``cursor`` names, the id read by ``parse_id``.

    ``parse_id`` raises ValueError for an id that cannot be (``uuid.UUID``, ``int`` or the
    domain's own bounds); the moment and the id must be written exactly as ``encode_cursor``
    writes them. Every cursor this module did not write raises ``invalid`` (the domain's error,
    with its status and code), whatever its content."""
    try:
        return _decode(cursor, parse_id)
    except (ValueError, OverflowError) as exc:  # binascii.Error, UnicodeError are ValueErrors
        raise invalid(INVALID_CURSOR) from exc


def _decode(cursor: str, parse_id: Callable[[str], K]) -> tuple[datetime, K]:
    if not _CURSOR.fullmatch(cursor):
        raise ValueError("not a cursor's length or alphabet")
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    # One encoding only: another spelling of the same bytes (stray low bits) is not ours.
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != cursor:
        raise binascii.Error("not the cursor's own base64")
    text = raw.decode("utf-8")
    if not (text.isascii() and text.isprintable()):
        raise ValueError("a cursor is printable ASCII")
    at_text, bar, id_text = text.partition("|")
    if not bar:
        raise ValueError("a cursor is a moment and an id")
    at = check_moment(datetime.fromisoformat(at_text))
    last_id = parse_id(id_text)
    if at.isoformat() != at_text or str(last_id) != id_text:
        raise ValueError("the moment or the id is not written as this API writes them")
    return at, last_id
