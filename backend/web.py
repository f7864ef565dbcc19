"""What every view needs: reading bodies safely, validating them, answering in JSON, and
declaring endpoints once for both the router and the OpenAPI description."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import pydantic_core
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from backend.errors import (
    DomainError,
    InvalidInput,
    PayloadTooLarge,
    UnsupportedMedia,
    ValidationFailed,
)
from backend.issuers.errors import MissingApiKey
from backend.issuers.models import IssuerKind, Staff, StaffRole
from backend.issuers.services import StaffService
from backend.throttle import addresses

M = TypeVar("M", bound=BaseModel)
S = TypeVar("S")
_STAFF = "piaojia.staff"
Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One API operation: routed by ``app.py`` and described by ``openapi.py`` from this.

    ``roles`` and ``kinds`` are the operation's access rule, the one place it is stated: an
    operation with roles takes a staff key whose role is among ``roles`` at an issuer whose
    kind is among ``kinds``, checked by ``serve`` before the handler runs. An operation
    without roles takes no staff key (public, or a mini-program session).
    """

    method: str
    path: str
    handler: Handler
    name: str
    summary: str
    tag: str
    status: int = 200
    request_body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    roles: Collection[StaffRole] = field(default_factory=tuple)
    kinds: Collection[IssuerKind] = field(default_factory=tuple)
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"
    # Other media types the success answer comes in (content negotiation, a path suffix); where
    # text/html is among them, the operation's error answers may be HTML pages too.
    alternates: tuple[str, ...] = ()
    # Other success statuses (200 when binding what the caller has already bound).
    other_statuses: tuple[int, ...] = ()

    async def serve(self, request: Request) -> Response:
        """The routed handler: the staff key is checked against this operation's rule first,
        so no handler runs (or reads a body) for a key that may not call it."""
        if self.roles:
            staff = await service(request, StaffService).authenticate(
                bearer_key(request), roles=self.roles, kinds=self.kinds
            )
            request.scope[_STAFF] = staff
        return await self.handler(request)


def service(request: Request, kind: type[S]) -> S:
    """The app's one service of class ``kind``, as wired by ``backend.services``.

    Views ask for the service they use by its class, so a view depends on that service and
    not on the composition root that builds every domain's."""
    found = optional_service(request, kind)
    if found is None:
        raise LookupError(f"this app has no {kind.__name__}")
    return found


def optional_service(request: Request, kind: type[S]) -> S | None:
    """The app's service of class ``kind``, or None where this deployment runs without one
    (the demo-only WeChat stand-in)."""
    found = request.app.state.services.by_type.get(kind)
    return found if isinstance(found, kind) else None


def client_address(request: Request) -> str:
    """The address every per-address limit counts ``request`` against: the socket's peer, or
    behind a trusted proxy (``PIAOJIA_TRUSTED_PROXIES``) the address that proxy saw (see
    ``backend.throttle.addresses``)."""
    return addresses.client_address(
        request.client.host if request.client else None,
        request.headers.getlist("x-forwarded-for"),
        request.app.state.settings.trusted_proxies,
    )


async def read_body(request: Request, *, limit: int | None = None) -> bytes:
    """The request body, refusing more than ``limit`` (default: the configured maximum)
    before reading it all."""
    if limit is None:
        limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is larger than the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"the body is larger than the limit of {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect as exc:
        # Nobody is left to read the answer; a 4xx keeps it out of the error log.
        raise InvalidInput(
            "the client left before sending the whole body", code="client_gone"
        ) from exc
    return b"".join(chunks)


def parse_body(body: bytes, schema: type[M], content_type: str | None) -> M:
    """Validate a JSON body against ``schema``; every failure is a 4xx domain error."""
    if content_type is not None and "json" not in content_type.split(";")[0].lower():
        raise UnsupportedMedia("send the body as JSON with Content-Type: application/json")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the body is not valid UTF-8", code="invalid_encoding") from exc
    try:
        # Strict: a JSON number is a number and a string a string, as the schema says; "1"
        # or true is refused where an integer is expected.
        return schema.model_validate_json(body, strict=True)
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise InvalidInput("the body is not well-formed JSON", code="malformed_json") from exc
        raise validation_failed(exc) from exc


def parse_query(request: Request, schema: type[M]) -> M:
    try:
        return schema.model_validate(dict(request.query_params))
    except ValidationError as exc:
        raise validation_failed(exc) from exc


def validation_failed(exc: ValidationError) -> ValidationFailed:
    problems = [
        {"field": ".".join(str(part) for part in error["loc"]) or "body", "message": error["msg"]}
        for error in exc.errors(include_url=False, include_input=False)
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    if len(problems) > 5:
        summary += f"; and {len(problems) - 5} more"
    failed = ValidationFailed(summary, fields=problems[:50])
    failed.errors = exc.errors(include_url=False, include_input=False)[:50]
    return failed


def path_receipt_id(
    request: Request, unknown: type[DomainError], message: str = "no receipt with that id"
) -> uuid.UUID:
    """The path's ``{receipt_id}`` as a UUID. Text that is no UUID names no receipt: it raises
    ``unknown(message)``, the domain's own "not found" (its status, code and page), the same
    answer as for a UUID that names none, never a bare 404 of the router or a 500."""
    try:
        return uuid.UUID(request.path_params["receipt_id"])
    except ValueError as exc:
        raise unknown(message) from exc


def bearer_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise MissingApiKey("send the staff API key as Authorization: Bearer <key>")
    return credentials.strip()


async def staff_for(request: Request) -> Staff:
    """The staff member ``Endpoint.serve`` authenticated for this request, by the endpoint's
    declared roles and kinds."""
    staff = request.scope.get(_STAFF)
    if not isinstance(staff, Staff):
        raise RuntimeError(f"{request.url.path}: its Endpoint declares no roles to authenticate")
    return staff


def json_answer(
    payload: BaseModel | dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body = (
        payload.model_dump_json().encode()
        if isinstance(payload, BaseModel)
        else _dump_dict(payload)
    )
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def retry_after(seconds: int | None) -> dict[str, str]:
    """The ``Retry-After`` header saying ``seconds`` (RFC 9110 delay-seconds), or no header when
    there is no wait to say; merge it into an answer's headers (``headers.update`` on a built
    response). The one place the header is written, so every answer spells it alike."""
    return {} if seconds is None else {"Retry-After": str(seconds)}


def retry_after_of(exc: BaseException) -> dict[str, str]:
    """``retry_after`` of the wait ``exc`` names (``TooManyRequests``, a limiter that is
    unavailable), or no header for an error that names none."""
    return retry_after(getattr(exc, "retry_after", None))


def _dump_dict(payload: dict[str, Any]) -> bytes:
    # Compact UTF-8, byte for byte what json.dumps(ensure_ascii=False) writes, in a sixth of
    # the time: the scan answer is on the busiest path.
    return pydantic_core.to_json(payload)


def tlog_proof_answer(
    filename: str, proof: bytes, *, headers: dict[str, str] | None = None
) -> Response:
    """A ``.tlog-proof`` file, as a download under ``filename``."""
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(
        proof, media_type="application/octet-stream", headers={**(headers or {}), **disposition}
    )


def file_answer(
    request: Request, content: bytes, *, etag: str, media_type: str, filename: str
) -> Response:
    """A file with a strong ETag (304 when the client has it) and a file name that keeps its
    Chinese characters (RFC 6266 ``filename*``) with an ASCII fallback."""
    tag = f'"{etag}"'
    headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
    if tag in {part.strip() for part in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = content_disposition(filename)
    return Response(content, media_type=media_type, headers=headers)


def content_disposition(filename: str, *, fallback: str = "document", inline: bool = True) -> str:
    """A Content-Disposition value that keeps ``filename`` whole in RFC 5987 ``filename*`` and
    gives older clients an ASCII ``filename``: the name's ASCII letters, digits and ``-_.``,
    never starting with ``-`` or ``.`` (a shell or a file manager reads those as options or
    hidden files); ``fallback`` leads it when the name starts with other characters, and
    stands alone when nothing ASCII is left."""
    kept = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "" for c in filename)
    if kept != filename and kept[:1] in ("-", "."):
        kept = fallback + kept  # 收费告知单-4406….pdf → slip-4406….pdf
    kept = kept.lstrip("-.")
    if not kept or kept.startswith("."):
        kept = fallback
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{kept}\"; filename*=UTF-8''{quote(filename)}"
