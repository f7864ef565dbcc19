"""HTTP views of mini-program login, and the demo-mode stand-in for WeChat's jscode2session."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.auth.errors import MissingSessionToken
from backend.auth.models import User
from backend.auth.schemas import LoginAnswer, LoginRequest
from backend.auth.services import AuthService
from backend.auth.standin import WeChatStandIn
from backend.receipts.schemas import china_time
from backend.web import Endpoint, json_answer, optional_service, parse_body, read_body, service


def auth_service(request: Request) -> AuthService:
    return service(request, AuthService)


def wechat_standin(request: Request) -> WeChatStandIn:
    """The app's jscode2session stand-in; 404 where there is none (outside demo mode)."""
    standin = optional_service(request, WeChatStandIn)
    if standin is None:
        raise HTTPException(404, "Not Found")
    return standin


def session_token(request: Request) -> str:
    """The session token from ``Authorization: Bearer <token>``, or ``MissingSessionToken``."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise MissingSessionToken(
            "log in first and send the session token as Authorization: Bearer <token>"
        )
    return credentials.strip()


async def user_for(request: Request) -> User:
    """The mini-program user whose session token the request carries (401 otherwise)."""
    return await auth_service(request).authenticate(session_token(request))


async def login(request: Request) -> Response:
    body = await read_body(request)
    payload = parse_body(body, LoginRequest, request.headers.get("content-type"))
    session = await auth_service(request).login(payload.code)
    return json_answer(LoginAnswer(token=session.token, expires_at=china_time(session.expires_at)))


async def logout(request: Request) -> Response:
    await auth_service(request).logout(session_token(request))
    return Response(status_code=204)


async def jscode2session_standin(request: Request) -> Response:
    # Routed only in demo mode; checked again so that a routing mistake cannot open it.
    if not request.app.state.settings.demo:
        raise HTTPException(404, "Not Found")
    answer = wechat_standin(request).jscode2session(
        js_code=request.query_params.get("js_code", ""),
        grant_type=request.query_params.get("grant_type", ""),
    )
    return JSONResponse(answer)


ENDPOINTS = [
    Endpoint(
        "POST",
        "/api/v1/wx/login",
        login,
        name="wx.login",
        summary="Log in from the mini-program with a wx.login code; returns a session token",
        tag="mini-program",
        request_body=LoginRequest,
        response=LoginAnswer,
    ),
    Endpoint(
        "POST",
        "/api/v1/wx/logout",
        logout,
        name="wx.logout",
        summary="Revoke the session token sent in Authorization",
        tag="mini-program",
        status=204,
    ),
]

# Routed by app.py only when settings.demo is on; not part of the public API description.
DEMO_ENDPOINTS = [
    Endpoint(
        "GET",
        "/demo/wx/sns/jscode2session",
        jscode2session_standin,
        name="demo.jscode2session",
        summary="Demo stand-in for WeChat's jscode2session (codes demo-<name>)",
        tag="demo",
    ),
]
