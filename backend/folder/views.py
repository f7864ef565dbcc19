"""HTTP views of the user's folder and of ``/api/v1/me``. Thin: parse, call one service, answer.

Every view here needs a mini-program session token (``Authorization: Bearer <token>``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from backend.accounting.voucher import MEDIA_TYPE as XML_MEDIA_TYPE
from backend.auth.views import user_for
from backend.documents.services import DocumentService
from backend.folder.errors import NotInFolder
from backend.folder.schemas import (
    AddToFolder,
    FolderFilterQuery,
    FolderInvoiceOut,
    FolderItemOut,
    FolderListQuery,
    FolderPage,
    FolderReceiptOut,
    FolderTotals,
    InvoiceTitleOut,
    KindTotal,
    MaskedPayerOut,
    MeOut,
    MonthTotal,
    ReimbursementStateOut,
    ReissueOut,
    folder_item_out,
)
from backend.folder.services import FolderFilter, FolderReceipt, FolderService
from backend.links import scan_url_or_none
from backend.masking import mask_id_number, mask_name
from backend.outbox.schemas import EmailRequest, QueuedEmailOut
from backend.receipts.models import ReceiptStatus
from backend.receipts.money import format_fen
from backend.receipts.schemas import china_time, receipt_out
from backend.verify.models import ClaimState
from backend.verify.services import mask_organisation
from backend.web import (
    Endpoint,
    file_answer,
    json_answer,
    parse_body,
    parse_query,
    path_receipt_id,
    read_body,
    service,
)


def folder_service(request: Request) -> FolderService:
    return service(request, FolderService)


# What a receipt id answers that is not in the folder, or is no UUID at all.
NOT_IN_FOLDER = "this receipt is not in your folder"


def _filters(query: FolderFilterQuery, status: ReceiptStatus | None = None) -> FolderFilter:
    listing = query if isinstance(query, FolderListQuery) else None
    return FolderFilter(
        kind=query.kind,
        issuer_id=query.issuer,
        issued_from=query.issued_from,
        issued_to=query.issued_to,
        status=status,
        reimbursement=ClaimState(listing.reimbursement)
        if listing and listing.reimbursement
        else None,
        text=listing.q if listing and listing.q else None,
    )


def _invoice_out(found: FolderReceipt) -> FolderInvoiceOut | None:
    detail = found.invoice
    if detail is None:
        return None
    return FolderInvoiceOut(
        buyer=InvoiceTitleOut(
            kind=detail.buyer_kind,
            # A company is named as verification names a reimbursing party: recognisable.
            name=mask_organisation(detail.buyer_name)
            if detail.buyer_is_company
            else mask_name(detail.buyer_name),
            tax_id=mask_id_number(detail.buyer_tax_id),
        ),
        tax_rate=detail.tax_rate,
        net=format_fen(detail.net_fen),
        tax=format_fen(detail.tax_fen),
        reissue=ReissueOut(allowed=detail.reissue_refusal is None, refusal=detail.reissue_refusal),
    )


async def add_receipt(request: Request) -> Response:
    user = await user_for(request)
    body = await read_body(request)
    payload = parse_body(body, AddToFolder, request.headers.get("content-type"))
    folder = folder_service(request)
    entry, created = await folder.add(user, payload.scan_token)
    states = await folder.reimbursement_states([entry.receipt.id])
    return json_answer(
        folder_item_out(entry, states.get(entry.receipt.id, ClaimState.AVAILABLE)),
        201 if created else 200,
    )


async def list_receipts(request: Request) -> Response:
    user = await user_for(request)
    query = parse_query(request, FolderListQuery)
    folder = folder_service(request)
    entries, next_cursor = await folder.list(
        user, _filters(query, query.status), limit=query.limit, cursor=query.cursor
    )
    states = await folder.reimbursement_states([e.receipt.id for e in entries])
    items = [folder_item_out(e, states.get(e.receipt.id, ClaimState.AVAILABLE)) for e in entries]
    return json_answer(FolderPage(receipts=items, next_cursor=next_cursor))


async def get_receipt(request: Request) -> Response:
    user = await user_for(request)
    found = await folder_service(request).detail(
        user, path_receipt_id(request, NotInFolder, NOT_IN_FOLDER)
    )
    loaded = found.loaded
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
    claim = found.claim
    since = None
    if claim is not None and claim.state != ClaimState.AVAILABLE:
        since = claim.closed_at if claim.state == ClaimState.CLOSED else claim.locked_at
    return json_answer(
        FolderReceiptOut(
            added_at=china_time(found.added_at),
            receipt=out,
            shown=MaskedPayerOut(
                name=mask_name(loaded.receipt.payer_name),
                id_number=mask_id_number(loaded.receipt.payer_id_number),
            ),
            reimbursement=ReimbursementStateOut(
                state=claim.state if claim is not None else ClaimState.AVAILABLE,
                since=china_time(since) if since else None,
            ),
            verify_url=service(request, DocumentService).verify_url(loaded),
            invoice=_invoice_out(found),
        )
    )


async def receipt_pdf(request: Request) -> Response:
    user = await user_for(request)
    found = await folder_service(request).detail(
        user, path_receipt_id(request, NotInFolder, NOT_IN_FOLDER)
    )
    receipt = found.loaded.receipt
    rendered = await service(request, DocumentService).receipt_pdf(receipt.issuer, receipt.id)
    return file_answer(
        request,
        rendered.pdf,
        etag=rendered.etag,
        media_type="application/pdf",
        filename=rendered.filename,
    )


async def receipt_xml(request: Request) -> Response:
    """The accounting data (电子凭证会计数据) of a receipt in the user's folder.

    The owner gets the public copy, masked as the scan page is, not the issuer's: it is the very
    ``receipt.xml`` the signed PDF embeds and the mailed copy carries, so a finance department
    that books it from any of them reads the same bytes; and it is made to be passed on (to a
    reimburser, an insurer), which the issuer's copy, with the whole ID number, the visit number
    and the contact details the payer gave the hospital, is not. ``NotInFolder`` (404) for any
    receipt that is not the user's, whether it exists or not; ETag and 304 as for the PDF.
    """
    user = await user_for(request)
    found = await folder_service(request).detail(
        user, path_receipt_id(request, NotInFolder, NOT_IN_FOLDER)
    )
    rendered = await service(request, DocumentService).accounting_copy(found.loaded, public=True)
    return file_answer(
        request,
        rendered.xml,
        etag=rendered.etag,
        media_type=XML_MEDIA_TYPE,
        filename=rendered.filename,
    )


async def receipt_proof(request: Request) -> Response:
    user = await user_for(request)
    return json_answer(
        await folder_service(request).proof_bundle(
            user, path_receipt_id(request, NotInFolder, NOT_IN_FOLDER)
        )
    )


async def email_copy(request: Request) -> Response:
    user = await user_for(request)
    body = await read_body(request)
    payload = parse_body(body, EmailRequest, request.headers.get("content-type"))
    queued = await folder_service(request).email_copy(
        user, path_receipt_id(request, NotInFolder, NOT_IN_FOLDER), payload.to
    )
    return json_answer(QueuedEmailOut(id=queued.id, to=queued.to), status=202)


async def remove_receipt(request: Request) -> Response:
    user = await user_for(request)
    await folder_service(request).remove(user, path_receipt_id(request, NotInFolder, NOT_IN_FOLDER))
    return Response(status_code=204)


async def totals(request: Request) -> Response:
    user = await user_for(request)
    query = parse_query(request, FolderFilterQuery)
    found = await folder_service(request).totals(user, _filters(query))
    return json_answer(
        FolderTotals(
            count=found.overall.count,
            total=format_fen(found.overall.total_fen),
            by_month=[
                MonthTotal(month=m, count=t.count, total=format_fen(t.total_fen))
                for m, t in found.by_month.items()
            ],
            by_kind=[
                KindTotal(kind=k, count=t.count, total=format_fen(t.total_fen))
                for k, t in found.by_kind.items()
            ],
        )
    )


async def me(request: Request) -> Response:
    user = await user_for(request)
    count = await folder_service(request).count(user)
    return json_answer(MeOut(openid=user.openid, folder_count=count))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/api/v1/me",
        me,
        name="wx.me",
        summary="Who is logged in, and how many receipts their folder holds",
        tag="mini-program",
        response=MeOut,
    ),
    Endpoint(
        "POST",
        "/api/v1/folder/receipts",
        add_receipt,
        name="folder.add",
        summary="Add the receipt a scan token opens to your folder (200 if already yours)",
        tag="folder",
        status=201,
        request_body=AddToFolder,
        response=FolderItemOut,
    ),
    Endpoint(
        "GET",
        "/api/v1/folder/receipts",
        list_receipts,
        name="folder.list",
        summary="List your folder, newest receipt first",
        tag="folder",
        query=FolderListQuery,
        response=FolderPage,
    ),
    Endpoint(
        "GET",
        "/api/v1/folder/totals",
        totals,
        name="folder.totals",
        summary="Totals of your standing receipts per month (China time) and per kind",
        tag="folder",
        query=FolderFilterQuery,
        response=FolderTotals,
    ),
    Endpoint(
        "POST",
        "/api/v1/folder/receipts/{receipt_id}/email",
        email_copy,
        name="folder.email",
        summary="Send a copy of a folder receipt's PDF and accounting XML to an email address "
        "(queued; 202)",
        tag="folder",
        status=202,
        request_body=EmailRequest,
        response=QueuedEmailOut,
    ),
    Endpoint(
        "GET",
        "/api/v1/folder/receipts/{receipt_id}",
        get_receipt,
        name="folder.get",
        summary="One receipt of your folder in full",
        tag="folder",
        response=FolderReceiptOut,
    ),
    Endpoint(
        "GET",
        "/api/v1/folder/receipts/{receipt_id}/receipt.pdf",
        receipt_pdf,
        name="folder.pdf",
        summary="The signed PDF of a receipt or transit invoice in your folder",
        tag="folder",
        media_type="application/pdf",
    ),
    Endpoint(
        "GET",
        "/api/v1/folder/receipts/{receipt_id}/receipt.xml",
        receipt_xml,
        name="folder.xml",
        summary="The accounting data (电子凭证会计数据) of a receipt in your folder as XML, masked "
        "as the scan page is: the copy its PDF embeds",
        tag="folder",
        media_type=XML_MEDIA_TYPE,
    ),
    Endpoint(
        "GET",
        "/api/v1/folder/receipts/{receipt_id}/proof",
        receipt_proof,
        name="folder.proof",
        summary="A folder receipt's ledger proof bundle, opening its personal fields",
        tag="folder",
    ),
    Endpoint(
        "DELETE",
        "/api/v1/folder/receipts/{receipt_id}",
        remove_receipt,
        name="folder.remove",
        summary="Take a receipt out of your folder (the receipt itself stays)",
        tag="folder",
        status=204,
    ),
]
