"""Scan-to-open: ``/s/{token}`` answers a browser with the H5 page and a client asking for JSON
(the mini-program) with the same content as JSON."""

from __future__ import annotations

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from backend.scan.errors import UnknownScanToken
from backend.scan.services import scan_view
from backend.web import Endpoint, file_answer, json_answer, services

NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def wants_json(request: Request) -> bool:
    """JSON when asked for with ``?format=json`` or an Accept header preferring it to HTML."""
    if request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    json_at, html_at = accept.find("application/json"), accept.find("text/html")
    return json_at >= 0 and (html_at < 0 or json_at < html_at)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _templates(request: Request) -> Environment:
    env: Environment = request.app.state.templates
    return env


async def open_receipt(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        loaded = await services(request).scan.find(token, client=_client(request))
    except UnknownScanToken:
        if wants_json(request):
            raise
        page = _templates(request).get_template("scan/not_found.html").render()
        return HTMLResponse(page, status_code=404, headers=NO_STORE)
    view = scan_view(loaded, token=token)
    if wants_json(request):
        return json_answer(view, headers=NO_STORE)
    page = _templates(request).get_template("scan/receipt.html").render(view=view, token=token)
    return HTMLResponse(page, headers=NO_STORE)


async def proof(request: Request) -> Response:
    token = request.path_params["token"]
    found = services(request)
    await found.scan.find(token, client=_client(request), count_open=False)
    bundle = await found.receipts.scan_bundle(token)
    if bundle is None:  # revoked between the two reads
        raise UnknownScanToken("no receipt opens with this code")
    return json_answer(bundle, headers=NO_STORE)


async def receipt_pdf(request: Request) -> Response:
    token = request.path_params["token"]
    found = services(request)
    await found.scan.find(token, client=_client(request), count_open=False)
    rendered = await found.documents.receipt_pdf_by_token(token)
    return file_answer(
        request,
        rendered.pdf,
        etag=rendered.etag,
        media_type="application/pdf",
        filename=rendered.filename,
    )


ENDPOINTS = [
    Endpoint(
        "GET",
        "/s/{token}",
        open_receipt,
        name="scan.open",
        summary="Open a receipt by the token in its QR code (H5 page, or JSON on request)",
        tag="scan",
    ),
    Endpoint(
        "GET",
        "/s/{token}/receipt.pdf",
        receipt_pdf,
        name="scan.pdf",
        summary="The signed receipt PDF, for whoever holds its QR code",
        tag="scan",
        media_type="application/pdf",
    ),
    Endpoint(
        "GET",
        "/s/{token}/proof",
        proof,
        name="scan.proof",
        summary="The receipt's ledger proof bundle, for whoever holds its QR code",
        tag="scan",
    ),
]
