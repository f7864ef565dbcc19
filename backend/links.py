"""The public links of a receipt: its scan page ``/s/<token>`` with the files and actions under
it, and its 查验 page ``/verify?…``.

Every place that prints, mails or redirects to one of these links builds it here, so the app's
routes, the QR code, the e-mails and the API answers cannot drift apart.

Guarantees:

- A link is the base URL with its trailing slashes dropped, then the path: a base with a path
  prefix (``https://example.cn/piaojia``) keeps the prefix; the empty base gives the path alone,
  for a page that links within the site.
- The token is percent-encoded as one path segment: a ``/``, ``?``, ``#`` or ``%`` in it can
  never reach another path or the query. A real token (URL-safe base64) is left as it is, so
  its links are exactly ``{base}/s/{token}``. A token that could not be a segment of its own
  (empty, ``.`` or ``..``, which a browser folds away even encoded) raises ValueError.
- The 查验 query carries ``code`` (left out when empty: a 数电票 has none), ``number`` and
  ``check``, in that order, form-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

SCAN_PREFIX = "/s/"


def _root(base: str) -> str:
    return base.rstrip("/")


def scan_path(token: str) -> str:
    """The site-relative path of the scan page of ``token``: ``/s/<token>``."""
    if token in {"", ".", ".."}:
        raise ValueError("a scan token is never empty, '.' or '..'")
    return SCAN_PREFIX + quote(token, safe="")


def scan_url(base: str, token: str) -> str:
    """The scan page of ``token`` under ``base``: what the QR code and the e-mails carry."""
    return _root(base) + scan_path(token)


def scan_url_or_none(base: str, token: str | None) -> str | None:
    """``scan_url`` of ``token``, or None when the receipt has no live token (empty or None)."""
    return scan_url(base, token) if token else None


@dataclass(frozen=True, slots=True)
class ScanLinks:
    """The scan page of one token and what lies under it."""

    page: str
    pdf: str
    xml: str
    proof: str
    email: str


def scan_links(token: str, base: str = "") -> ScanLinks:
    """The scan page of ``token`` and its ``receipt.pdf``, ``receipt.xml``, ``proof`` and
    ``email`` below it, under ``base`` (site-relative when ``base`` is empty)."""
    page = scan_url(base, token)
    return ScanLinks(
        page=page,
        pdf=f"{page}/receipt.pdf",
        xml=f"{page}/receipt.xml",
        proof=f"{page}/proof",
        email=f"{page}/email",
    )


def verify_url(base: str, *, code: str | None, number: str, check: str) -> str:
    """The public 查验 page of the receipt with these numbers, as printed in its QR code."""
    named = {"code": code} if code else {}
    query = urlencode({**named, "number": number, "check": check})
    return f"{_root(base)}/verify?{query}"
