"""Scan-to-open: ``/s/{token}`` answers a browser with the H5 page and a client asking for JSON
(the mini-program) with the same content as JSON."""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qs, quote

from jinja2 import Environment
from pydantic import Field
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from tortoise.transactions import in_transaction

from backend.accounting.voucher import MEDIA_TYPE as XML_MEDIA_TYPE
from backend.anchoring.proof_files import MEDIA_TYPE, tlog_proof_download
from backend.anchoring.schemas import TlogProofQuery
from backend.documents.ofd_package import MEDIA_TYPE as OFD_MEDIA_TYPE
from backend.documents.services import DocumentService
from backend.errors import STATUS_BY_ERROR, DomainError, TooManyRequests
from backend.i18n.messages import chinese
from backend.links import scan_path
from backend.outbox.schemas import EmailRequest, QueuedEmailOut
from backend.outbox.services import OutboxService
from backend.receipts.services import ReceiptService
from backend.scan.errors import UnknownScanToken
from backend.scan.schemas import ScanAnswer, scan_answer
from backend.scan.services import ScanService
from backend.schema import Model
from backend.throttle.errors import LimiterUnavailable
from backend.web import (
    Endpoint,
    client_address,
    file_answer,
    json_answer,
    parse_body,
    parse_query,
    read_body,
    retry_after_of,
    service,
    tlog_proof_answer,
)

NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


class OpenQuery(Model):
    """What ``/s/{token}`` reads of its query (for the description: the view reads it itself)."""

    format: Literal["json"] | None = Field(
        None, description="json: the receipt as JSON (as with Accept: application/json)"
    )
    emailed: str | None = Field(
        None, max_length=254, description="the page says a copy is on its way to this address"
    )


def wants_json(request: Request) -> bool:
    """JSON when asked for with ``?format=json`` or an Accept header preferring it to HTML."""
    if request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    json_at, html_at = accept.find("application/json"), accept.find("text/html")
    return json_at >= 0 and (html_at < 0 or json_at < html_at)


def _templates(request: Request) -> Environment:
    env: Environment = request.app.state.templates
    return env


def _refused_page(request: Request, exc: DomainError) -> Response:
    """A person's page for a refused open: "slow down" in Chinese, with the wait."""
    headers = {**NO_STORE, **retry_after_of(exc)}
    status = 429 if isinstance(exc, TooManyRequests) else 503
    page = _templates(request).get_template("scan/refused.html").render(message=chinese(exc))
    return HTMLResponse(page, status_code=status, headers=headers)


async def _receipt_page(
    request: Request,
    token: str,
    *,
    emailed: str | None = None,
    refused: DomainError | None = None,
    address: str = "",
) -> Response:
    """The H5 page of the receipt ``token`` opens; with ``refused``, the email form says in
    Chinese why the copy was not sent and keeps the ``address`` typed."""
    try:
        opened = await service(request, ScanService).open(token, client=client_address(request))
    except UnknownScanToken:
        page = _templates(request).get_template("scan/not_found.html").render()
        return HTMLResponse(page, status_code=404, headers=NO_STORE)
    except (TooManyRequests, LimiterUnavailable) as exc:
        return _refused_page(request, exc)
    page = (
        _templates(request)
        .get_template("scan/receipt.html")
        .render(
            view=scan_answer(opened.record, opened.ledger, token=token),
            token=token,
            emailed=emailed,
            email_error=chinese(refused) if refused else None,
            email_value=address[:254],
        )
    )
    if refused is None:
        return HTMLResponse(page, headers=NO_STORE)
    status = next(code for kind, code in STATUS_BY_ERROR if isinstance(refused, kind))
    headers = {**NO_STORE, **retry_after_of(refused)}
    return HTMLResponse(page, status_code=status, headers=headers)


async def open_receipt(request: Request) -> Response:
    token = request.path_params["token"]
    if wants_json(request):
        opened = await service(request, ScanService).open(token, client=client_address(request))
        return json_answer(scan_answer(opened.record, opened.ledger, token=token), headers=NO_STORE)
    return await _receipt_page(request, token, emailed=request.query_params.get("emailed"))


async def proof(request: Request) -> Response:
    token = request.path_params["token"]
    await service(request, ScanService).check(token, client=client_address(request))
    bundle = await service(request, ReceiptService).scan_bundle(token)
    if bundle is None:  # revoked between the two reads
        raise UnknownScanToken("no receipt opens with this code")
    return json_answer(bundle, headers=NO_STORE)


async def tlog_proof(request: Request) -> Response:
    token = request.path_params["token"]
    query = parse_query(request, TlogProofQuery)
    await service(request, ScanService).check(token, client=client_address(request))
    bundle = await service(request, ReceiptService).scan_bundle(token)
    if bundle is None:  # revoked between the two reads
        raise UnknownScanToken("no receipt opens with this code")
    filename, proof = tlog_proof_download(bundle, query.entry)
    return tlog_proof_answer(filename, proof, headers=NO_STORE)


async def receipt_pdf(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        await service(request, ScanService).check(token, client=client_address(request))
    except (UnknownScanToken, TooManyRequests, LimiterUnavailable) as exc:
        if "text/html" not in request.headers.get("accept", ""):
            raise
        # A browser tapping 查看电子票 gets a page to read, not the API's JSON.
        if isinstance(exc, UnknownScanToken):
            page = _templates(request).get_template("scan/not_found.html").render()
            return HTMLResponse(page, status_code=404, headers=NO_STORE)
        return _refused_page(request, exc)
    rendered = await service(request, DocumentService).receipt_pdf_by_token(token)
    return file_answer(
        request,
        rendered.pdf,
        etag=rendered.etag,
        media_type="application/pdf",
        filename=rendered.filename,
    )


async def receipt_ofd(request: Request) -> Response:
    token = request.path_params["token"]
    await service(request, ScanService).check(token, client=client_address(request))
    rendered = await service(request, DocumentService).receipt_ofd_by_token(token)
    return file_answer(
        request,
        rendered.ofd,
        etag=rendered.etag,
        media_type=OFD_MEDIA_TYPE,
        filename=rendered.filename,
    )


async def receipt_xml(request: Request) -> Response:
    token = request.path_params["token"]
    await service(request, ScanService).check(token, client=client_address(request))
    rendered = await service(request, DocumentService).receipt_xml_by_token(token)
    return file_answer(
        request,
        rendered.xml,
        etag=rendered.etag,
        media_type=XML_MEDIA_TYPE,
        filename=rendered.filename,
    )


async def email_copy(request: Request) -> Response:
    """Queue a copy of the PDF by email: JSON ``{"to": …}`` answers 202; the page's HTML form
    (``email=…``) is sent back to the page, which then says where the copy goes."""
    token = request.path_params["token"]
    body = await read_body(request)
    form = "x-www-form-urlencoded" in request.headers.get("content-type", "")
    if form:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=5)
        address = (fields.get("email") or fields.get("to") or [""])[0]
    else:
        address = parse_body(body, EmailRequest, request.headers.get("content-type")).to
    try:
        loaded = await service(request, ScanService).find(token, client=client_address(request))
        async with in_transaction() as conn:
            queued = await service(request, OutboxService).queue_receipt_email(
                conn, receipt=loaded.receipt, to=address, requested_by="patient"
            )
    except DomainError as exc:
        if not form:
            raise
        # The page's form: the page again, saying in Chinese what to do, never raw JSON.
        if isinstance(exc, UnknownScanToken):
            return await _receipt_page(request, token)
        return await _receipt_page(request, token, refused=exc, address=address)
    if form:
        return RedirectResponse(f"{scan_path(token)}?emailed={quote(queued.to)}", status_code=303)
    return json_answer(QueuedEmailOut(id=queued.id, to=queued.to), status=202)


ENDPOINTS = [
    Endpoint(
        "GET",
        "/s/{token}",
        open_receipt,
        name="scan.open",
        summary="Open a receipt by the token in its QR code (H5 page, or JSON on request)",
        tag="scan",
        query=OpenQuery,
        response=ScanAnswer,
        alternates=("text/html",),
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
        "/s/{token}/receipt.ofd",
        receipt_ofd,
        name="scan.ofd",
        summary="The receipt as OFD (GB/T 33190-2016), for whoever holds its QR code: the "
        "payer's name masked",
        tag="scan",
        media_type=OFD_MEDIA_TYPE,
    ),
    Endpoint(
        "GET",
        "/s/{token}/receipt.xml",
        receipt_xml,
        name="scan.xml",
        summary="The receipt's accounting data (电子凭证会计数据) as XML, masked as the scan page "
        "is: the copy the PDF embeds",
        tag="scan",
        media_type=XML_MEDIA_TYPE,
    ),
    Endpoint(
        "POST",
        "/s/{token}/email",
        email_copy,
        name="scan.email",
        summary="Send a copy of the receipt PDF to an email address (queued; 202)",
        tag="scan",
        status=202,
        request_body=EmailRequest,
        response=QueuedEmailOut,
    ),
    Endpoint(
        "GET",
        "/s/{token}/proof",
        proof,
        name="scan.proof",
        summary="The receipt's ledger proof bundle, for whoever holds its QR code",
        tag="scan",
    ),
    Endpoint(
        "GET",
        "/s/{token}/proof.tlog-proof",
        tlog_proof,
        name="scan.tlog_proof",
        summary="One statement's proof as a c2sp.org/tlog-proof@v1 file (default: the issue "
        "statement)",
        tag="scan",
        query=TlogProofQuery,
        media_type=MEDIA_TYPE,
    ),
]
