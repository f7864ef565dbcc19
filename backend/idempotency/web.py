"""Idempotent POSTs as views write them: which key, what makes two requests the same, and the
answer as a response. Every view whose write a retry must not repeat goes through here."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from backend.idempotency.services import (
    Answer,
    IdempotencyService,
    Operation,
    request_fingerprint,
)
from backend.issuers.models import Staff
from backend.web import service

# The console's forms carry their key in this hidden field, made when the form was shown.
FORM_KEY = "idempotency_key"


async def run_idempotent(
    request: Request,
    staff: Staff,
    body: bytes,
    operation: Operation,
    *,
    form: Mapping[str, str] | None = None,
    path: str | None = None,
) -> Answer:
    """``operation``'s answer, run at most once per (``staff``, key) by ``IdempotencyService``.

    The key is the request's ``Idempotency-Key`` header, or with ``form`` (a console form) its
    hidden ``idempotency_key`` field, where an empty field is no key; without a key the
    operation simply runs. Two requests with one key are the same request when their method,
    ``path`` (by default the request's own) and ``body`` are the same bytes; a retry gets the
    first answer back byte for byte, another request with the key is refused."""
    key = request.headers.get("idempotency-key") if form is None else form.get(FORM_KEY) or None
    return await service(request, IdempotencyService).run(
        staff=staff,
        key=key,
        fingerprint=request_fingerprint(request.method, path or request.url.path, body),
        operation=operation,
    )


def answer_response(answer: Answer) -> Response:
    """``answer`` as the JSON response it is: status and body exactly as first answered."""
    return Response(answer.body, status_code=answer.status, media_type="application/json")
