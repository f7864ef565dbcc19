"""Verification (查验): ``GET /verify`` is the H5 page behind the receipt PDF's QR code (and a
form for typing the elements in), ``GET /api/v1/verify`` the same answer as JSON. Reimbursing
parties lock, unlock and close receipts with their staff keys."""

from __future__ import annotations

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from backend.errors import TooManyRequests, ValidationFailed
from backend.events import EVENT_LABELS
from backend.i18n.messages import chinese
from backend.issuers.models import IssuerKind, StaffRole
from backend.throttle.errors import LimiterUnavailable
from backend.verify.errors import DailyLimitReached, MoreElementsNeeded, NoMatchingReceipt
from backend.verify.reimbursement import ReimbursementService
from backend.verify.schemas import (
    ClaimAnswer,
    ReceiptElementsIn,
    RuleAnswer,
    RuleIn,
    VerifyAnswer,
    VerifyQuery,
)
from backend.verify.services import VerifyService
from backend.web import (
    Endpoint,
    client_address,
    json_answer,
    parse_body,
    parse_query,
    read_body,
    retry_after,
    service,
    staff_for,
)

NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
REIMBURSERS = (StaffRole.REIMBURSER,)
ADMINS = (StaffRole.ADMIN,)
PARTIES = (IssuerKind.REIMBURSER,)
# The verification rule is about an issuer's own receipts.
ISSUERS = (IssuerKind.HOSPITAL, IssuerKind.TRANSIT)
FORM_FIELDS = ("code", "number", "check", "date", "amount")


def verify_service(request: Request) -> VerifyService:
    return service(request, VerifyService)


def _templates(request: Request) -> Environment:
    env: Environment = request.app.state.templates
    return env


async def verify_json(request: Request) -> Response:
    query = parse_query(request, VerifyQuery)
    found = await verify_service(request).verify(query.elements(), client=client_address(request))
    return json_answer(VerifyAnswer.of(found), headers=NO_STORE)


async def verify_page(request: Request) -> Response:
    form = {name: request.query_params.get(name, "")[:40] for name in FORM_FIELDS}
    if not any(form[name] for name in ("code", "number", "check")):
        return _page(request, "form", form)
    try:
        query = parse_query(request, VerifyQuery)
        found = await verify_service(request).verify(
            query.elements(), client=client_address(request)
        )
    except NoMatchingReceipt:
        return _page(request, "not_found", form, status=404)
    except MoreElementsNeeded:
        return _page(request, "more_elements", form, status=422)
    except ValidationFailed as exc:
        fields = [str(problem["field"]) for problem in exc.details.get("fields", [])]
        return _page(request, "invalid", form, status=422, invalid=fields)
    except TooManyRequests as exc:
        outcome = "daily_limit" if isinstance(exc, DailyLimitReached) else "too_many"
        headers = retry_after(exc.retry_after)
        return _page(request, outcome, form, status=429, headers=headers, said=chinese(exc))
    except LimiterUnavailable as exc:
        headers = retry_after(exc.retry_after)
        return _page(request, "unavailable", form, status=503, headers=headers, said=chinese(exc))
    answer = VerifyAnswer.of(found)
    return _page(request, "genuine" if found.genuine else "tampered", form, view=answer)


def _page(
    request: Request,
    outcome: str,
    form: dict[str, str],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    view: VerifyAnswer | None = None,
    invalid: list[str] | None = None,
    said: str = "",
) -> Response:
    page = (
        _templates(request)
        .get_template("verify/verify.html")
        .render(
            outcome=outcome,
            form=form,
            view=view,
            invalid=invalid or [],
            said=said,  # the error's Chinese, with the wait it names
            event_labels=EVENT_LABELS,  # the ledger's event names as people say them
        )
    )
    return HTMLResponse(page, status_code=status, headers={**NO_STORE, **(headers or {})})


async def lock(request: Request) -> Response:
    staff = await staff_for(request)
    body = parse_body(
        await read_body(request), ReceiptElementsIn, request.headers.get("content-type")
    )
    result = await service(request, ReimbursementService).lock(staff, body.elements())
    return json_answer(ClaimAnswer.of(result))


async def unlock(request: Request) -> Response:
    staff = await staff_for(request)
    body = parse_body(
        await read_body(request), ReceiptElementsIn, request.headers.get("content-type")
    )
    result = await service(request, ReimbursementService).unlock(staff, body.elements())
    return json_answer(ClaimAnswer.of(result))


async def close(request: Request) -> Response:
    staff = await staff_for(request)
    body = parse_body(
        await read_body(request), ReceiptElementsIn, request.headers.get("content-type")
    )
    result = await service(request, ReimbursementService).close(staff, body.elements())
    return json_answer(ClaimAnswer.of(result))


async def set_rule(request: Request) -> Response:
    staff = await staff_for(request)
    body = parse_body(await read_body(request), RuleIn, request.headers.get("content-type"))
    rule = await verify_service(request).set_rule(staff, elements=body.elements)
    return json_answer(RuleAnswer.of(rule))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/api/v1/verify",
        verify_json,
        name="verify.json",
        summary="Verify a receipt (查验) by 代码, 号码 and 校验码 (+ 开票日期 and 金额)",
        tag="verify",
        query=VerifyQuery,
        response=VerifyAnswer,
    ),
    Endpoint(
        "GET",
        "/verify",
        verify_page,
        name="verify.page",
        summary="The H5 verification page behind the receipt PDF's QR code",
        tag="verify",
        query=VerifyQuery,
        media_type="text/html",
    ),
    Endpoint(
        "POST",
        "/api/v1/reimbursements/lock",
        lock,
        name="reimbursements.lock",
        summary="Lock a receipt for reimbursement (LOCK); one party at a time",
        tag="reimbursement",
        request_body=ReceiptElementsIn,
        response=ClaimAnswer,
        roles=REIMBURSERS,
        kinds=PARTIES,
    ),
    Endpoint(
        "POST",
        "/api/v1/reimbursements/unlock",
        unlock,
        name="reimbursements.unlock",
        summary="Give a locked receipt back (INIT), before closure, by the locking party",
        tag="reimbursement",
        request_body=ReceiptElementsIn,
        response=ClaimAnswer,
        roles=REIMBURSERS,
        kinds=PARTIES,
    ),
    Endpoint(
        "POST",
        "/api/v1/reimbursements/close",
        close,
        name="reimbursements.close",
        summary="Close a locked receipt: reimbursed and booked (CLOSURE), for good",
        tag="reimbursement",
        request_body=ReceiptElementsIn,
        response=ClaimAnswer,
        roles=REIMBURSERS,
        kinds=PARTIES,
    ),
    Endpoint(
        "PUT",
        "/api/v1/verify/rule",
        set_rule,
        name="verify.rule",
        summary="Require 3 or all 5 elements to verify this issuer's receipts",
        tag="verify",
        request_body=RuleIn,
        response=RuleAnswer,
        roles=ADMINS,
        kinds=ISSUERS,
    ),
]
