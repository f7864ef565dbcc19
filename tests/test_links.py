"""``backend.links``: every public link of a receipt, built in one place. A real token under the
configured base gives exactly the links the app has always printed; odd bases and odd tokens
can never reach another path or the query."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlsplit

import pytest

from backend.links import (
    ScanLinks,
    scan_links,
    scan_path,
    scan_url,
    scan_url_or_none,
    verify_url,
)

BASE = "http://127.0.0.1:8000"
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWx-_012345"  # 32 URL-safe characters, as tokens are


def test_a_real_token_under_the_normal_base_gives_the_links_byte_for_byte() -> None:
    assert scan_path(TOKEN) == f"/s/{TOKEN}"
    assert scan_url(BASE, TOKEN) == f"{BASE}/s/{TOKEN}"
    assert scan_url_or_none(BASE, TOKEN) == f"{BASE}/s/{TOKEN}"
    assert scan_links(TOKEN, BASE) == ScanLinks(
        page=f"{BASE}/s/{TOKEN}",
        pdf=f"{BASE}/s/{TOKEN}/receipt.pdf",
        xml=f"{BASE}/s/{TOKEN}/receipt.xml",
        proof=f"{BASE}/s/{TOKEN}/proof",
        email=f"{BASE}/s/{TOKEN}/email",
    )


def test_without_a_base_the_links_are_paths_within_the_site() -> None:
    links = scan_links(TOKEN)
    assert links.page == f"/s/{TOKEN}"
    assert links.pdf == f"/s/{TOKEN}/receipt.pdf"
    assert links.xml == f"/s/{TOKEN}/receipt.xml"
    assert links.proof == f"/s/{TOKEN}/proof"
    assert links.email == f"/s/{TOKEN}/email"


def test_fresh_tokens_are_never_encoded() -> None:
    for _ in range(200):
        token = secrets.token_urlsafe(24)  # as backend.receipts.tokens makes them
        assert scan_url(BASE, token) == f"{BASE}/s/{token}"


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://piaojia.example.cn/", "https://piaojia.example.cn"),
        ("https://piaojia.example.cn//", "https://piaojia.example.cn"),
        ("https://example.cn/piaojia", "https://example.cn/piaojia"),
        ("https://example.cn/piaojia/", "https://example.cn/piaojia"),
        ("http://[::1]:8443/a/b/", "http://[::1]:8443/a/b"),
        ("", ""),
    ],
)
def test_odd_bases_keep_their_prefix_and_lose_trailing_slashes(base: str, expected: str) -> None:
    assert scan_url(base, TOKEN) == f"{expected}/s/{TOKEN}"
    assert scan_links(TOKEN, base).email == f"{expected}/s/{TOKEN}/email"
    assert verify_url(base, code="", number="1", check="2").startswith(f"{expected}/verify?")


@pytest.mark.parametrize(
    "token", ["a/b", "../x", "a?b=c", "a#b", "a%2Fb", "a b", "票据", "a;b", "\n", "..."]
)
def test_an_odd_token_stays_one_path_segment(token: str) -> None:
    url = scan_links(token, "https://example.cn/p").pdf
    parts = urlsplit(url)
    assert parts.query == "" and parts.fragment == ""
    segments = parts.path.split("/")
    assert segments[:3] == ["", "p", "s"]
    assert segments[4:] == ["receipt.pdf"]
    assert "/" not in segments[3] and segments[3] not in {"", ".", ".."}
    assert all(c.isascii() and c.isprintable() and c != " " for c in url)


def test_no_token_no_link() -> None:
    assert scan_url_or_none(BASE, None) is None
    assert scan_url_or_none(BASE, "") is None


@pytest.mark.parametrize("token", ["", ".", ".."])
def test_a_token_that_is_no_segment_of_its_own_is_refused(token: str) -> None:
    with pytest.raises(ValueError, match="never empty"):
        scan_url(BASE, token)


def test_the_verify_link_names_code_number_and_check_in_order() -> None:
    assert (
        verify_url(BASE, code="44060126", number="0000000001", check="123456")
        == f"{BASE}/verify?code=44060126&number=0000000001&check=123456"
    )


def test_a_digital_invoice_has_no_code_in_its_verify_link() -> None:
    assert (
        verify_url(BASE, code="", number="26440000000000000001", check="654321")
        == f"{BASE}/verify?number=26440000000000000001&check=654321"
    )
    assert verify_url(BASE, code=None, number="1", check="2") == f"{BASE}/verify?number=1&check=2"


def test_the_verify_query_is_encoded() -> None:
    url = verify_url(BASE, code="a&b", number="1 2", check="=#")
    parts = urlsplit(url)
    assert parts.fragment == ""
    assert parse_qsl(parts.query) == [("code", "a&b"), ("number", "1 2"), ("check", "=#")]
