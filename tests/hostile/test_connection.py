"""After an error the connection behaves as HTTP says, on a real ``piaojia serve``: a body
refused before it is read closes the connection and says ``Connection: close``; any other
error leaves a keep-alive connection usable for the next request."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.servers import piaojia_serve, serve_env


@pytest.fixture(scope="module")
def served(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int]]:
    """One server for the module, on SQLite: HTTP framing does not depend on the database, and
    no test here writes anything another one reads."""
    tmp_path = tmp_path_factory.mktemp("served")
    shutil.copyfile(sqlite_template, tmp_path / "piaojia.db")
    database_url = f"sqlite://{tmp_path / 'piaojia.db'}?synchronous=NORMAL&busy_timeout=5000"
    with piaojia_serve(serve_env(database_url, tmp_path), tmp_path / "server.log") as url:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        yield parts.hostname, parts.port


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One response read off ``sock``: status, headers (lower-case names), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before an answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    while len(body) < int(headers.get("content-length", "0")):
        body += sock.recv(65536)
    return int(status_line.split()[1]), headers, body


def _closed(sock: socket.socket) -> bool:
    sock.settimeout(5)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def _post(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: piaojia.test"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_body_refused_unread_closes_the_connection_and_says_so(
    served: tuple[str, int],
) -> None:
    with socket.create_connection(served, timeout=10) as sock:
        # 50 MB announced, none sent: the answer comes before the body.
        sock.sendall(
            _post(
                "/api/v1/wx/login",  # no key needed: the body is what is refused
                {"Content-Type": "application/json", "Content-Length": "50000000"},
            )
        )
        status, headers, body = _answer(sock)
        assert status == 413 and b"payload_too_large" in body
        assert headers.get("connection") == "close"
        assert _closed(sock)


def test_a_console_form_refused_unread_closes_the_connection(served: tuple[str, int]) -> None:
    with socket.create_connection(served, timeout=10) as sock:
        form = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "50000000"}
        sock.sendall(_post("/console/login", form))
        status, headers, _ = _answer(sock)
        assert status == 413 and headers["content-type"].startswith("text/html")
        assert headers.get("connection") == "close"
        assert _closed(sock)


def test_a_streamed_body_over_the_limit_closes_the_connection(served: tuple[str, int]) -> None:
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(
            _post(
                "/api/v1/wx/login",  # no key needed: the body is what is refused
                {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
            )
        )
        chunk = b"x" * 65536
        try:
            for _ in range(40):  # 2.5 MB, over the 1 MiB limit
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may stop reading once it has answered
        status, headers, _ = _answer(sock)
        assert status == 413
        assert headers.get("connection") == "close"
        assert _closed(sock)


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, b'{"trips": []}', 401),  # refused before the body is read
        ({"Authorization": "Bearer nobody"}, b"{not json", 401),
    ],
)
def test_other_errors_keep_the_connection_usable(
    served: tuple[str, int], headers: dict[str, str], body: bytes, status: int
) -> None:
    with socket.create_connection(served, timeout=10) as sock:
        request = _post(
            "/api/v1/transit/trips",
            {"Content-Type": "application/json", "Content-Length": str(len(body))} | headers,
        )
        sock.sendall(request + body)
        got, answer_headers, _ = _answer(sock)
        assert got == status
        assert answer_headers.get("connection") != "close"
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: piaojia.test\r\n\r\n")
        again, _, text = _answer(sock)
        assert (again, text) == (200, b'{"status":"ok"}')
