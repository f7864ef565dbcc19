"""The folder's H5 page as served: one nonce'd inline script, no inline handlers, nothing
fetched from elsewhere, and the rider's trips and invoice form next to the folder. (What the
script does is driven in Chromium by tests/e2e.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


async def test_the_page_keeps_to_its_content_security_policy(wx_client: httpx.AsyncClient) -> None:
    page = await wx_client.get("/h5/folder")

    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]+)'", policy)
    assert nonce is not None and "default-src 'none'" in policy
    parser = Tags()
    parser.feed(page.text)
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts == [{"nonce": nonce.group(1)}]  # inline, allowed by this response's nonce
    handlers = [
        (tag, name) for tag, attrs in parser.tags for name in attrs if name.startswith("on")
    ]
    assert handlers == []
    for tag, attrs in parser.tags:
        for name in ("src", "href", "action"):
            assert not (attrs.get(name) or "").startswith(("http:", "https:", "//")), (tag, attrs)
    ids = {attrs.get("id") for _, attrs in parser.tags}
    assert {"tab-trips", "trip-list", "invoice-form", "title-tax-id", "invoice-email"} <= ids
    assert {"card-form", "login-form", "receipt-list"} <= ids
    # A row's detail and the filters are on the page too, run by the same script.
    assert {"filters", "filter-text", "filter-status", "detail", "d-pdf", "d-email-form"} <= ids
    assert {"d-remove", "d-remove-confirm", "d-reissue-form", "rk-tax-id", "no-match"} <= ids
    # A card binds on proof of a trip on it: the form asks for its date, entry station and fare.
    assert {"card-number", "card-trip-date", "card-trip-station", "card-trip-fare"} <= ids
    # Errors are the server's Chinese messages: the page asks for them, and keeps no wording.
    assert '"Accept-Language": "zh-CN"' in page.text
    assert 'case "card_proof_mismatch"' not in page.text
    again = await wx_client.get("/h5/folder")
    assert again.headers["content-security-policy"] != policy  # a fresh nonce per response
