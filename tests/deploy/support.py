"""A deployment as in production, on this machine: Debian's nginx ending TLS in front of
``piaojia serve`` instances on one PostgreSQL database, with the README's nginx configuration
(``backend/deploy/nginx.conf``), a CA and certificate made here, and a mail server in a thread.

nginx runs as a process of the test's own (``-p`` a temporary prefix, ``daemon off``, its pid
file and logs there, a free port), never as the package's service.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest

from backend.outbox.mail_sink import LocalSmtpServer
from tests.factories import LOG_SIGNER, TEST_SECRET
from tests.outbox.support import RecordingHandler
from tests.outbox.tls_servers import TestCA
from tests.servers import ROOT, START_SECONDS, Running, clean_env, free_port, start, stop

SITE_TEMPLATE = ROOT / "backend" / "deploy" / "nginx.conf"
# nginx connects to the app from 127.0.0.1; the test's clients come from other loopback
# addresses, so the address the app counts shows whose it is.
PROXY_ADDRESS = "127.0.0.1"
CLIENT_ADDRESS = "127.0.0.2"
OTHER_CLIENT_ADDRESS = "127.0.0.3"


def nginx_binary() -> str:
    """Debian's nginx; the test is skipped without it, or fails in CI, which installs it."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )
    if found is None:
        message = "nginx is not installed (apt-get install nginx, or make, as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def render_site(**values: str) -> str:
    """The README's nginx configuration with each ``{{ name }}`` replaced by ``values``."""
    text = SITE_TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{ " + name + " }}", value)
    left = re.findall(r"\{\{ \w+ \}\}", text)
    assert not left, f"placeholders left unfilled: {left}"
    return text


# The main configuration Debian's /etc/nginx/nginx.conf would be, cut to what the site needs,
# with every file nginx writes under the test's prefix.
MAIN = """daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log notice;
{user}
events {{ worker_connections 1024; }}
http {{
    log_format forwarded '$remote_addr "$http_x_forwarded_for" $status "$request"';
    access_log {prefix}/access.log forwarded;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


@dataclass(frozen=True)
class Edge:
    """nginx in front of the instances: its public URL, the CA that certifies it, its logs."""

    url: str
    ca_file: Path
    prefix: Path
    server: Running

    def client(self, source: str = CLIENT_ADDRESS, **options: object) -> httpx.Client:
        """A client of the public URL from ``source`` (a loopback address), trusting the CA."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        transport = httpx.HTTPTransport(verify=context, local_address=source)
        return httpx.Client(base_url=self.url, transport=transport, timeout=60, **options)  # type: ignore[arg-type]

    def access_log(self) -> str:
        return (self.prefix / "access.log").read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def nginx_in_front(apps: list[str], port: int, tmp_path: Path) -> Iterator[Edge]:
    """nginx on 127.0.0.1:``port`` over TLS, proxying to ``apps`` (host:port each), until the
    block ends."""
    binary = nginx_binary()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    ca = TestCA(prefix)
    certificate, key = ca.server_files("127.0.0.1", "localhost")
    site = prefix / "piaojia.conf"
    site.write_text(
        render_site(
            app_1=apps[0],
            app_2=apps[1],
            cache_dir=str(prefix / "cache"),
            listen=f"127.0.0.1:{port}",
            server_name="localhost",
            certificate=str(certificate),
            certificate_key=str(key),
        )
    )
    main = prefix / "nginx.conf"
    # As root, nginx's workers would run as nobody, who cannot enter the test's directories.
    user = "user root;" if os.geteuid() == 0 else ""
    main.write_text(MAIN.format(prefix=prefix, site=site, user=user))
    command = [binary, "-p", str(prefix), "-c", str(main), "-e", str(prefix / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    server = start(command, port=port, env=dict(os.environ), log_path=prefix / "stdout.log")
    edge = Edge(f"https://127.0.0.1:{port}", ca.ca_file, prefix, server)
    try:
        _wait_for_tls(edge)
        yield edge
    finally:
        stop(server.process)


def _wait_for_tls(edge: Edge) -> None:
    deadline = time.monotonic() + START_SECONDS
    with edge.client() as client:
        while True:
            try:
                client.get("/healthz")
                return
            except httpx.TransportError:
                error_log = (edge.prefix / "error.log").read_text(errors="replace")
                if edge.server.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start:\n{error_log}")
                time.sleep(0.05)


@contextlib.contextmanager
def mail_server(
    handler: RecordingHandler | None = None,
) -> Iterator[tuple[int, RecordingHandler]]:
    """An SMTP server (aiosmtpd) keeping what it receives (through ``handler``, a new one by
    default), on an event loop in a thread of its own, so the test may block without keeping
    mail waiting; yields (port, handler)."""
    handler = handler or RecordingHandler()
    loop = asyncio.new_event_loop()
    server = LocalSmtpServer(handler, hostname="mx.piaojia.test")
    thread = threading.Thread(target=loop.run_forever, name="smtp", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=30)
    try:
        yield server.port, handler
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


def deployment_env(database_url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    """What every process of the deployment is started with (not demo mode), plus
    ``settings`` (``PIAOJIA_`` names without the prefix)."""
    return clean_env(
        PIAOJIA_DATABASE_URL=database_url,
        PIAOJIA_SECRET_KEY=TEST_SECRET,
        PIAOJIA_LEDGER_KEY=LOG_SIGNER.key_string(),
        PIAOJIA_LEDGER_INTERVAL="0.2",
        PIAOJIA_RENDER_WORKERS="1",
        PIAOJIA_RENDER_WARM_UP="0",
        PIAOJIA_CA_DIR=str(tmp_path / "ca"),
        **{f"PIAOJIA_{name}": value for name, value in settings.items()},
    )


def piaojia(env: Mapping[str, str], *args: str) -> str:
    """Run ``piaojia ARGS`` to the end; its stdout, stripped (the command must succeed)."""
    done = subprocess.run(
        [sys.executable, "-m", "backend", *args],
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def cashier_key(env: Mapping[str, str], serial: int) -> str:
    """A new hospital issuer and a cashier's API key for it, made on the command line."""
    from tests.factories import credit_code

    issuer = piaojia(
        env, "issuer", "create", "--kind", "hospital", "--name", f"测试医院{serial}",
        "--credit-code", credit_code(900 + serial), "--region", "440100",
    )  # fmt: skip
    return piaojia(
        env, "staff", "create", "--issuer", issuer, "--role", "cashier", "--name", "收费员"
    )


def free_app_port() -> tuple[int, str]:
    port = free_port()
    return port, f"127.0.0.1:{port}"


def rows(url: str, query: str, *args: object) -> list[asyncpg.Record]:
    """The rows ``query`` reads from the PostgreSQL database at ``url`` (options stripped)."""

    async def fetch() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(url.split("?")[0])
        try:
            return list(await connection.fetch(query, *args))
        finally:
            await connection.close()

    return asyncio.run(fetch())
