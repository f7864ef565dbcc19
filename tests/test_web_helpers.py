"""The one home of the path's receipt id and of ``Retry-After``."""

from __future__ import annotations

import uuid

import pytest
from starlette.requests import Request
from starlette.responses import Response

from backend.errors import NotFound, TooManyRequests
from backend.web import path_receipt_id, retry_after, retry_after_of


class Gone(NotFound):
    code = "gone"


def with_receipt_id(text: str) -> Request:
    return Request({"type": "http", "path_params": {"receipt_id": text}})


def test_a_uuid_in_the_path_is_the_receipt_id() -> None:
    found = uuid.uuid4()
    assert path_receipt_id(with_receipt_id(str(found)), Gone) == found
    assert path_receipt_id(with_receipt_id(str(found).upper()), Gone) == found


@pytest.mark.parametrize("text", ["", "x", "1", "0" * 33, "中文", "\x00", "%00", "a" * 10_000])
def test_text_that_is_no_uuid_is_the_domains_not_found(text: str) -> None:
    with pytest.raises(Gone, match=r"^no receipt with that id$"):
        path_receipt_id(with_receipt_id(text), Gone)
    with pytest.raises(Gone, match=r"^not yours$"):
        path_receipt_id(with_receipt_id(text), Gone, "not yours")


def test_retry_after_is_one_header_in_seconds_or_none() -> None:
    assert retry_after(None) == {}
    assert retry_after(0) == {"Retry-After": "0"}
    assert retry_after(86_400) == {"Retry-After": "86400"}
    assert retry_after_of(TooManyRequests("slow down", retry_after=7)) == {"Retry-After": "7"}
    assert retry_after_of(NotFound("no")) == {}
    # Merged into a built answer, it is the header as set by hand, in the same place.
    by_hand, merged = Response(headers={"Cache-Control": "no-store"}), Response()
    merged.headers.update({"Cache-Control": "no-store"})
    by_hand.headers["Retry-After"] = "3"
    merged.headers.update(retry_after(3))
    assert by_hand.raw_headers[-1] == merged.raw_headers[-1] == (b"retry-after", b"3")
    built = Response(headers={"Cache-Control": "no-store", **retry_after(3)})
    assert (b"retry-after", b"3") in built.raw_headers
