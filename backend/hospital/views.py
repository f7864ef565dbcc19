"""HTTP views of the hospital issuing API. Thin: parse, call one service, answer."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Annotated, Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from tortoise.backends.base.client import BaseDBAsyncClient

from backend.accounting.voucher import MEDIA_TYPE as XML_MEDIA_TYPE
from backend.anchoring.proof_files import MEDIA_TYPE, tlog_proof_download
from backend.anchoring.schemas import TlogProofQuery
from backend.chinatime import Day
from backend.documents.ofd_package import MEDIA_TYPE as OFD
from backend.documents.services import DocumentService
from backend.errors import NotFound
from backend.hospital.schemas import IssueMedicalReceipt, ReverseReceipt
from backend.hospital.services import HospitalService
from backend.idempotency.services import Answer
from backend.idempotency.web import answer_response, run_idempotent
from backend.issuers.models import IssuerKind, StaffRole
from backend.links import scan_url, scan_url_or_none
from backend.receipts.errors import ReceiptNotFound
from backend.receipts.models import ReceiptKind, ReceiptStatus
from backend.receipts.schemas import (
    ReceiptOut,
    ReceiptPage,
    receipt_out,
    receipt_summary,
)
from backend.receipts.services import LoadedReceipt, ReceiptFilter, ReceiptService
from backend.schema import Model
from backend.textfields import Text
from backend.web import (
    Endpoint,
    file_answer,
    json_answer,
    parse_body,
    parse_query,
    path_receipt_id,
    read_body,
    service,
    staff_for,
    tlog_proof_answer,
)

PDF = "application/pdf"
CASHIERS = (StaffRole.CASHIER,)
READERS = (StaffRole.CASHIER, StaffRole.ADMIN)
# The hospital API is for hospitals: a metro's invoices are reversed by the transit API, which
# frees their trips, and a reimburser issues nothing.
HOSPITALS = (IssuerKind.HOSPITAL,)


class ListReceiptsQuery(Model):
    issued_from: Day | None = Field(None, alias="from", description="first day, China time")
    issued_to: Day | None = Field(None, alias="to", description="last day, China time")
    status: ReceiptStatus | None = None
    payer: (
        Annotated[
            str,
            Text(100),
            Field(
                description="the payer's full name, ID number or phone, matched exactly "
                "(payer fields are sealed at rest and found by keyed hash)",
            ),
        ]
        | None
    ) = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str, Field(max_length=200)] | None = None


class IssueQuery(Model):
    wait: Literal["anchored"] | None = Field(
        None, description="answer only once the receipt is integrated in the ledger"
    )


WAIT_SECONDS = 10.0


def _answer(request: Request, loaded: LoadedReceipt, status: int) -> Answer:
    base: str = request.app.state.settings.public_base_url
    out = receipt_out(
        loaded.receipt,
        loaded.items,
        reverses=loaded.reverses,
        reversed_by=loaded.reversed_by,
        scan_url=scan_url_or_none(base, loaded.scan_token),
        ledger_state=loaded.ledger.state,
        leaf_index=loaded.ledger.leaf_index,
    )
    return Answer(status, out.model_dump_json().encode())


async def issue_receipt(request: Request) -> Response:
    staff = await staff_for(request)
    query = parse_query(request, IssueQuery)
    body = await read_body(request)
    payload = parse_body(body, IssueMedicalReceipt, request.headers.get("content-type"))

    hospital = service(request, HospitalService)

    async def issue(conn: BaseDBAsyncClient) -> Answer:
        return _answer(request, await hospital.issue(conn, staff=staff, request=payload), 201)

    answer = await run_idempotent(request, staff, body, issue)
    if query.wait == "anchored" and answer.status == 201:
        issued_id = uuid.UUID(json.loads(answer.body)["id"])
        loaded = await service(request, ReceiptService).wait_until_anchored(
            staff.issuer, issued_id, timeout=WAIT_SECONDS
        )
        answer = _answer(request, loaded, 201)
    return answer_response(answer)


async def reverse_receipt(request: Request) -> Response:
    staff = await staff_for(request)
    receipt_id = path_receipt_id(request, ReceiptNotFound)
    body = await read_body(request)
    payload = parse_body(body, ReverseReceipt, request.headers.get("content-type"))

    async def reverse(conn: BaseDBAsyncClient) -> Answer:
        red = await service(request, ReceiptService).reverse(
            conn,
            staff=staff,
            receipt_id=receipt_id,
            reason=payload.reason,
            kind=ReceiptKind.MEDICAL,
        )
        return _answer(request, red, 201)

    return answer_response(await run_idempotent(request, staff, body, reverse))


async def get_receipt(request: Request) -> Response:
    staff = await staff_for(request)
    loaded = await service(request, ReceiptService).get(
        staff.issuer, path_receipt_id(request, ReceiptNotFound)
    )
    answer = _answer(request, loaded, 200)
    return Response(answer.body, media_type="application/json")


async def receipt_proof(request: Request) -> Response:
    staff = await staff_for(request)
    bundle = await service(request, ReceiptService).proof_bundle(
        staff.issuer, path_receipt_id(request, ReceiptNotFound)
    )
    return json_answer(bundle)


async def receipt_tlog_proof(request: Request) -> Response:
    staff = await staff_for(request)
    query = parse_query(request, TlogProofQuery)
    bundle = await service(request, ReceiptService).proof_bundle(
        staff.issuer, path_receipt_id(request, ReceiptNotFound), disclose=False
    )
    filename, proof = tlog_proof_download(bundle, query.entry)
    return tlog_proof_answer(filename, proof)


async def receipt_pdf(request: Request) -> Response:
    staff = await staff_for(request)
    rendered = await service(request, DocumentService).receipt_pdf(
        staff.issuer, path_receipt_id(request, ReceiptNotFound)
    )
    return file_answer(
        request, rendered.pdf, etag=rendered.etag, media_type=PDF, filename=rendered.filename
    )


async def receipt_ofd(request: Request) -> Response:
    staff = await staff_for(request)
    rendered = await service(request, DocumentService).receipt_ofd(
        staff.issuer, path_receipt_id(request, ReceiptNotFound)
    )
    return file_answer(
        request, rendered.ofd, etag=rendered.etag, media_type=OFD, filename=rendered.filename
    )


async def receipt_xml(request: Request) -> Response:
    staff = await staff_for(request)
    found = await service(request, DocumentService).receipt_xml(
        staff.issuer, path_receipt_id(request, ReceiptNotFound)
    )
    return file_answer(
        request, found.xml, etag=found.etag, media_type=XML_MEDIA_TYPE, filename=found.filename
    )


async def slip_pdf(request: Request) -> Response:
    staff = await staff_for(request)
    rendered = await service(request, DocumentService).slip_pdf(
        staff.issuer, path_receipt_id(request, ReceiptNotFound)
    )
    return file_answer(
        request, rendered.pdf, etag=rendered.etag, media_type=PDF, filename=rendered.filename
    )


async def qr_image(request: Request) -> Response:
    staff = await staff_for(request)
    if request.path_params["format"] not in ("png", "svg"):
        raise NotFound("QR codes come as qr.png or qr.svg", code="no_such_image")
    svg = request.path_params["format"] == "svg"
    image = await service(request, DocumentService).qr_image(
        staff.issuer, path_receipt_id(request, ReceiptNotFound), svg=svg
    )
    media = "image/svg+xml" if svg else "image/png"
    name = f"qr.{request.path_params['format']}"
    return file_answer(
        request, image, etag=hashlib.sha256(image).hexdigest()[:32], media_type=media, filename=name
    )


class ScanUrlOut(Model):
    scan_url: str


async def reissue_scan_token(request: Request) -> Response:
    staff = await staff_for(request)
    token = await service(request, ReceiptService).reissue_scan_token(
        staff.issuer, path_receipt_id(request, ReceiptNotFound)
    )
    base: str = request.app.state.settings.public_base_url
    return json_answer(ScanUrlOut(scan_url=scan_url(base, token)), status=201)


async def list_receipts(request: Request) -> Response:
    staff = await staff_for(request)
    query = parse_query(request, ListReceiptsQuery)
    filters = ReceiptFilter(
        issued_from=query.issued_from,
        issued_to=query.issued_to,
        status=query.status,
        payer_name=query.payer,
    )
    receipts, next_cursor = await service(request, ReceiptService).list(
        staff.issuer, filters, limit=query.limit, cursor=query.cursor
    )
    page = ReceiptPage(receipts=[receipt_summary(r) for r in receipts], next_cursor=next_cursor)
    return json_answer(page)


IDEMPOTENCY_HEADER = {"Idempotency-Key": "retries with this key return the first answer"}

ENDPOINTS = [
    Endpoint(
        "POST",
        "/api/v1/hospital/receipts",
        issue_receipt,
        name="hospital.issue",
        summary="Issue a medical-fee e-receipt (医疗收费电子票据)",
        tag="hospital",
        status=201,
        request_body=IssueMedicalReceipt,
        query=IssueQuery,
        response=ReceiptOut,
        roles=CASHIERS,
        kinds=HOSPITALS,
        headers=IDEMPOTENCY_HEADER,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts/{receipt_id}/receipt.pdf",
        receipt_pdf,
        name="hospital.receipt_pdf",
        summary="The signed receipt PDF, with its ledger proof attached once anchored",
        tag="hospital",
        roles=READERS,
        kinds=HOSPITALS,
        media_type=PDF,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts/{receipt_id}/receipt.ofd",
        receipt_ofd,
        name="hospital.receipt_ofd",
        summary="The receipt as OFD (GB/T 33190-2016), the PDF's layout and content; unsigned",
        tag="hospital",
        roles=READERS,
        kinds=HOSPITALS,
        media_type=OFD,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts/{receipt_id}/receipt.xml",
        receipt_xml,
        name="hospital.receipt_xml",
        summary="The receipt's accounting data (电子凭证会计数据) as XML, the issuer's copy: the "
        "payer's data whole",
        tag="hospital",
        roles=READERS,
        kinds=HOSPITALS,
        media_type=XML_MEDIA_TYPE,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts/{receipt_id}/slip.pdf",
        slip_pdf,
        name="hospital.slip_pdf",
        summary="The 80 mm fee slip (收费告知单) with the QR code that opens the receipt",
        tag="hospital",
        roles=READERS,
        kinds=HOSPITALS,
        media_type=PDF,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts/{receipt_id}/qr.{format:str}",
        qr_image,
        name="hospital.qr",
        summary="The receipt's scan QR code as qr.png or qr.svg",
        tag="hospital",
        roles=READERS,
        kinds=HOSPITALS,
        media_type="image/png",
        alternates=("image/svg+xml",),
    ),
    Endpoint(
        "POST",
        "/api/v1/hospital/receipts/{receipt_id}/scan-token",
        reissue_scan_token,
        name="hospital.reissue_scan_token",
        summary="Revoke the receipt's QR code and issue a new one (reprint the fee slip)",
        tag="hospital",
        status=201,
        response=ScanUrlOut,
        roles=READERS,
        kinds=HOSPITALS,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts/{receipt_id}/proof",
        receipt_proof,
        name="hospital.proof",
        summary="The receipt's ledger proof bundle, to verify offline",
        tag="hospital",
        roles=READERS,
        kinds=HOSPITALS,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts/{receipt_id}/proof.tlog-proof",
        receipt_tlog_proof,
        name="hospital.tlog_proof",
        summary="One statement's proof as a c2sp.org/tlog-proof@v1 file (default: the issue "
        "statement)",
        tag="hospital",
        query=TlogProofQuery,
        media_type=MEDIA_TYPE,
        roles=READERS,
        kinds=HOSPITALS,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts",
        list_receipts,
        name="hospital.list",
        summary="List this hospital's receipts, newest first",
        tag="hospital",
        query=ListReceiptsQuery,
        response=ReceiptPage,
        roles=READERS,
        kinds=HOSPITALS,
    ),
    Endpoint(
        "GET",
        "/api/v1/hospital/receipts/{receipt_id}",
        get_receipt,
        name="hospital.get",
        summary="Read one receipt",
        tag="hospital",
        response=ReceiptOut,
        roles=READERS,
        kinds=HOSPITALS,
    ),
    Endpoint(
        "POST",
        "/api/v1/hospital/receipts/{receipt_id}/reversal",
        reverse_receipt,
        name="hospital.reverse",
        summary="Issue the red reversal receipt (冲红) of a receipt",
        tag="hospital",
        status=201,
        request_body=ReverseReceipt,
        response=ReceiptOut,
        roles=CASHIERS,
        kinds=HOSPITALS,
        headers=IDEMPOTENCY_HEADER,
    ),
]
