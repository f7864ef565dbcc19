"""The console's receipt pages: finding receipts, issuing one, one receipt with its trail, its
printed slip, and 冲红 in two steps."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from tortoise.backends.base.client import BaseDBAsyncClient

from backend.chinatime import minute_text, second_text
from backend.console import reversal
from backend.console.issue_form import (
    Problems,
    payload_from_form,
    split_problems,
    validation_problems,
)
from backend.console.web import (
    CASHIER,
    HOSPITAL,
    ISSUERS,
    READERS,
    SESSION_COOKIE,
    Form,
    console,
    day_param,
    page,
    render,
    secret,
    whereabouts,
)
from backend.documents.services import DocumentService
from backend.errors import InvalidInput, status_of
from backend.hospital.schemas import Category, IssueMedicalReceipt
from backend.hospital.services import HospitalService
from backend.i18n.messages import chinese
from backend.idempotency.services import Answer
from backend.idempotency.web import run_idempotent
from backend.issuers.models import IssuerKind, Staff, StaffRole
from backend.receipts.errors import ReceiptNotFound
from backend.receipts.models import ReceiptKind, ReceiptStatus
from backend.receipts.money import format_fen
from backend.receipts.services import ReceiptFilter, ReceiptService
from backend.web import content_disposition, path_receipt_id, service, validation_failed

FORM_ROWS = 5
MAX_FORM_ROWS = 50


@page(READERS, ISSUERS)
async def receipts_page(request: Request, staff: Staff, form: Form) -> Response:
    """Find receipts: by payer name, status and days; 50 at a time, newest first."""
    q = request.query_params
    status_text = q.get("status") or None
    if status_text is not None and status_text not in ReceiptStatus._value2member_map_:
        raise InvalidInput("status is valid or reversed", code="invalid_status")
    filters = ReceiptFilter(
        issued_from=day_param(q.get("from")),
        issued_to=day_param(q.get("to")),
        status=ReceiptStatus(status_text) if status_text else None,
        payer_name=(q.get("payer") or "").strip()[:100] or None,
    )
    found, next_cursor = await service(request, ReceiptService).list(
        staff.issuer, filters, limit=50, cursor=q.get("cursor") or None
    )
    keep = {k: v for k, v in q.items() if k != "cursor" and v}
    next_link = f"?{urlencode({**keep, 'cursor': next_cursor})}" if next_cursor else None
    return render(
        request,
        "console/receipts.html",
        staff=staff,
        receipts=[
            {
                "id": r.id,
                "code": r.code,
                "number": r.number,
                "issued_at": minute_text(r.issued_at),
                "payer_name": r.payer_name,
                "total": format_fen(r.total_fen),
                "status": r.status,
                "red": r.reverses_id is not None,  # type: ignore[attr-defined]
            }
            for r in found
        ],
        query=keep,
        next_link=next_link,
    )


def _rows(request: Request) -> int:
    try:
        return max(FORM_ROWS, min(int(request.query_params.get("rows", FORM_ROWS)), MAX_FORM_ROWS))
    except ValueError:
        return FORM_ROWS


def _issue_form(
    request: Request,
    staff: Staff,
    values: Form,
    rows: int,
    problems: Problems | None = None,
    status: int = 200,
) -> Response:
    """The issuing form with ``values`` as entered and, next to each field, what is wrong."""
    problems = problems or Problems()
    return render(
        request,
        "console/issue.html",
        status,
        staff=staff,
        values=values,
        rows=rows,
        errors=problems.messages,
        field_errors=problems.by_field,
        categories=[c.value for c in Category],
        visit_types=[("outpatient", "门诊"), ("inpatient", "住院")],
        idempotency_key=values.get("idempotency_key") or str(uuid.uuid4()),
    )


@page(CASHIER, HOSPITAL)
async def issue_page(request: Request, staff: Staff, form: Form) -> Response:
    """The issuing form: payer, visit, an item table and the payment split."""
    return _issue_form(request, staff, {}, _rows(request))


@page(CASHIER, HOSPITAL)
async def issue_submit(request: Request, staff: Staff, form: Form) -> Response:
    """Issue the receipt the form describes; on bad input show the form again with what is
    wrong, having written nothing. A double submit (same hidden key) issues once."""
    try:
        rows = max(FORM_ROWS, min(int(form.get("rows", FORM_ROWS)), MAX_FORM_ROWS))
    except ValueError:
        rows = FORM_ROWS
    filled = payload_from_form(form, rows)
    payload = filled.payload
    wrong = split_problems(form, filled)
    if wrong.messages:
        return _issue_form(request, staff, form, rows, wrong, 422)
    try:
        request_body = IssueMedicalReceipt.model_validate(payload)
    except ValidationError as exc:
        wrong = validation_problems(validation_failed(exc).errors, filled.rows)
        return _issue_form(request, staff, form, rows, wrong, 422)
    hospital = service(request, HospitalService)

    async def issue(conn: BaseDBAsyncClient) -> Answer:
        loaded = await hospital.issue(conn, staff=staff, request=request_body)
        return Answer(201, json.dumps({"id": str(loaded.receipt.id)}).encode())

    body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    try:
        answer = await run_idempotent(
            request, staff, body, issue, form=form, path="/console/receipts"
        )
    except InvalidInput as exc:
        wrong = Problems()
        wrong.add(None, chinese(exc))
        return _issue_form(request, staff, form, rows, wrong, status_of(exc))
    receipt_id = json.loads(answer.body)["id"]
    return RedirectResponse(f"/console/receipts/{receipt_id}?issued=1", status_code=303)


@page(READERS, ISSUERS)
async def receipt_page(request: Request, staff: Staff, form: Form) -> Response:
    """One receipt: items, split, status, its event trail, print and reverse actions."""
    receipt_id = path_receipt_id(request, ReceiptNotFound)
    loaded = await service(request, ReceiptService).get(staff.issuer, receipt_id)
    trail = await whereabouts(request).trail(staff.issuer, receipt_id)
    r = loaded.receipt
    reversible = (
        staff.role == StaffRole.CASHIER
        and staff.issuer.kind == IssuerKind.HOSPITAL
        and r.kind == ReceiptKind.MEDICAL
        and r.status == ReceiptStatus.VALID
        and loaded.reverses is None
    )
    # A claimed receipt keeps its form out and says why (the reversal would be refused).
    blocked = await service(request, ReceiptService).reversal_refusal(r.id) if reversible else None
    return render(
        request,
        "console/receipt.html",
        staff=staff,
        r=r,
        items=loaded.items,
        reverses=loaded.reverses,
        reversed_by=loaded.reversed_by,
        issued_at=minute_text(r.issued_at),
        trail=[
            {
                "label": e.label,
                "type": e.type,
                "at": second_text(e.at),
                "staff": e.staff_name,
            }
            for e in trail
        ],
        can_reverse=reversible and blocked is None,
        reversal_blocked=blocked.message if blocked else None,
        just_issued=request.query_params.get("issued") == "1",
        idempotency_key=str(uuid.uuid4()),
    )


@page(READERS, ISSUERS)
async def slip(request: Request, staff: Staff, form: Form) -> Response:
    """Print the fee slip: the PDF shown inline (it opens in the browser's viewer, ready to
    print) under its Chinese name, and a ``slip_printed`` event on the trail."""
    receipt_id = path_receipt_id(request, ReceiptNotFound)
    rendered = await service(request, DocumentService).slip_pdf(staff.issuer, receipt_id)
    await console(request).record_slip_printed(staff, receipt_id)
    return Response(
        rendered.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(rendered.filename, fallback="slip"),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@page(CASHIER, HOSPITAL)
async def reverse_confirm(request: Request, staff: Staff, form: Form) -> Response:
    """Step one of 冲红: what the reversal will do, and a form to confirm it; writes nothing."""
    reason, session = reversal.reason_of(form), request.cookies.get(SESSION_COOKIE, "")
    found = await reversal.confirmation(
        service(request, ReceiptService),
        staff,
        path_receipt_id(request, ReceiptNotFound),
        reason,
        secret(request),
        session,
    )
    r = found.loaded.receipt
    issued_at = minute_text(r.issued_at)
    key = form.get("idempotency_key") or str(uuid.uuid4())
    return render(
        request, "console/reversal_confirm.html", staff=staff, r=r, issued_at=issued_at,
        reason=reason, confirmation=found.token, idempotency_key=key,
    )  # fmt: skip


@page(CASHIER, HOSPITAL)
async def reverse(request: Request, staff: Staff, form: Form) -> Response:
    """Step two of 冲红, posted from the confirmation page only; shows the red receipt."""
    session = request.cookies.get(SESSION_COOKIE, "")
    receipt_id = path_receipt_id(request, ReceiptNotFound)
    reason = reversal.confirmed_reason(secret(request), session, receipt_id, form)
    answer = await run_idempotent(
        request,
        staff,
        reason.encode(),
        reversal.reverse_operation(service(request, ReceiptService), staff, receipt_id, reason),
        form=form,
        path=reversal.reversal_path(receipt_id),
    )
    red_id = json.loads(answer.body)["id"]
    return RedirectResponse(f"/console/receipts/{red_id}", status_code=303)
