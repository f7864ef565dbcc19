"""Security headers on every answer: one pure ASGI middleware, cheap enough for the scan path.

What each answer gets, unless the view set the header itself (the folder page's CSP carries
its per-response script nonce, the console's its own policy):

- every answer: ``X-Content-Type-Options: nosniff``; a ``Referrer-Policy`` of ``no-referrer``
  on paths whose URL is a capability or names a receipt (``/s/<token>``, ``/verify?…``,
  ``/h5/folder?add=<token>``), ``strict-origin`` elsewhere; ``Strict-Transport-Security`` when
  the public base URL is https;
- HTML pages: a Content-Security-Policy that allows no script at all (pages that run one set
  their own policy with a nonce), no style but the templates' own inline stylesheets (by their
  SHA-256, taken from ``templates/`` at start-up), images only from this origin, forms posting
  only here, no framing; and ``X-Frame-Options: DENY`` for browsers without CSP;
- PDFs: ``frame-ancestors 'self'`` only, so browsers' PDF viewers keep working;
- everything else (JSON, SVG, text, tiles): ``default-src 'none'; frame-ancestors 'none'``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.templating import TEMPLATES_DIR

DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
FILE_POLICY = "frame-ancestors 'self'"
HSTS = "max-age=31536000"
# Paths whose URL must not travel in a Referer header: scan tokens are bearer capabilities,
# verification queries carry a receipt's check code.
PRIVATE_PREFIXES = ("/s/", "/verify", "/h5/")

Headers = list[tuple[bytes, bytes]]


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def style_sources(directory: Path = TEMPLATES_DIR) -> str:
    """The CSP sources (``'sha256-…'``) of every inline ``<style>`` in the templates. A block
    with template syntax in it renders differently each time and is left out (and so refused
    by the browser: keep stylesheets static)."""
    found: set[str] = set()
    for template in directory.glob("**/*.html"):
        for block in _STYLE.findall(template.read_text(encoding="utf-8")):
            if "{{" not in block and "{%" not in block:
                digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
                found.add(f"'sha256-{digest}'")
    return " ".join(sorted(found))


def page_policy(styles: str) -> str:
    """The pages' policy, with ``styles`` (CSP sources) as the only stylesheets allowed."""
    allowed = styles or "'none'"
    return (
        f"default-src 'none'; style-src {allowed}; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def _encoded(pairs: dict[str, str]) -> Headers:
    return [(name.lower().encode(), value.encode()) for name, value in pairs.items()]


class SecurityHeaders:
    """ASGI middleware adding the headers above to each ``http.response.start``.

    A header the answer already carries is left as it is, so a view can be stricter."""

    def __init__(self, app: ASGIApp, *, https: bool, styles: str | None = None) -> None:
        self.app = app
        self.page_policy = page_policy(style_sources() if styles is None else styles)
        common = {"X-Content-Type-Options": "nosniff"}
        if https:
            common["Strict-Transport-Security"] = HSTS
        kinds = {
            "page": {"Content-Security-Policy": self.page_policy, "X-Frame-Options": "DENY"},
            "file": {"Content-Security-Policy": FILE_POLICY},
            "data": {"Content-Security-Policy": DATA_POLICY},
        }
        # Six precomputed header lists: (page, file, data) × (private path or not).
        self._sets: dict[tuple[str, bool], Headers] = {
            (kind, private): _encoded(
                {
                    **common,
                    **extra,
                    "Referrer-Policy": "no-referrer" if private else "strict-origin",
                }
            )
            for kind, extra in kinds.items()
            for private in (True, False)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = str(scope["path"]).startswith(PRIVATE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A new list: the response's own may be shared (a cached Response object).
                message["headers"] = self._with_headers(message.get("headers", ()), private)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _with_headers(self, headers: Headers, private: bool) -> Headers:
        # Plain loops: this runs on every answer, the scan path among them.
        media = b""
        present = set()
        for name, value in headers:
            name = name.lower()
            present.add(name)
            if name == b"content-type":
                media = value
        if media.startswith(b"text/html"):
            kind = "page"
        elif media.startswith(b"application/pdf"):
            kind = "file"
        else:
            kind = "data"
        out = list(headers)
        for pair in self._sets[kind, private]:
            if pair[0] not in present:
                out.append(pair)
        return out
