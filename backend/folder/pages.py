"""The folder's H5 page for browsers: ``/h5/folder``.

The page is a shell; a small inline script does the rest against the folder API. It keeps the
mini-program session token in the browser's localStorage; without one it shows the demo login
form (a name becomes the code ``demo-<name>`` that the demo-mode WeChat stand-in accepts).
``?add=<scan token>`` (the 加入票夹 button of the scan page) adds that receipt to the folder
and shows it at the top. Tapping a row opens its detail (``folder/detail.html``, run by
``folder/detail.js`` inside the same script): the receipt masked as on the scan page, its
status and reimbursement state, its 查验 link, its PDF (fetched with the session), an email
copy, 移出票夹 after a confirmation, and for a transit invoice 换开 with a new title or why it
cannot be re-issued; ``folder/filter.html`` filters the list by kind, status and text.
Riders use the 乘车开票 tab (``#trips`` opens it): their un-invoiced trips, a title (个人 or
单位 with its 统一社会信用代码) and an optional email address for the invoice, which then
appears in the folder; transit cards are bound there too. The script is allowed by a
per-response nonce and may talk only to this origin.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

# The shape of a scan token (see backend.scan.services): anything else is not passed on.
_SCAN_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _policy(nonce: str) -> str:
    return (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )


async def folder_page(request: Request) -> Response:
    add = request.query_params.get("add", "")
    nonce = secrets.token_urlsafe(16)
    templates: Environment = request.app.state.templates
    page = templates.get_template("folder/folder.html").render(
        add=add if _SCAN_TOKEN.fullmatch(add) else "",
        add_malformed=bool(add) and not _SCAN_TOKEN.fullmatch(add),
        demo=bool(request.app.state.settings.demo),
        nonce=nonce,
    )
    headers = {
        "Cache-Control": "no-store",
        "X-Robots-Tag": "noindex",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": _policy(nonce),
    }
    return HTMLResponse(page, headers=headers)


PAGES: list[tuple[str, str, Callable[[Request], Awaitable[Response]], str]] = [
    ("GET", "/h5/folder", folder_page, "folder.page"),
]
