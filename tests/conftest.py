"""Test set-up: every database test runs on SQLite and on PostgreSQL.

SQLite: a fresh copy of a migrated template file per test. PostgreSQL: one migrated database per
test session (``PIAOJIA_TEST_POSTGRES_URL`` names the server, default the machine's own), its
tables emptied before each test. Where no PostgreSQL server answers, the PostgreSQL half of each
test is skipped with a message saying so.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from tortoise import context as tortoise_context

from backend import db, sealing
from backend.app import create_app
from backend.auth.services import AuthService
from backend.config import Settings
from backend.keys.services import keyring_for
from backend.secret import Secret
from tests.clock import CHINA_MORNING, FakeClock
from tests.commands import ledger_environment
from tests.factories import LOG_SIGNER, TEST_SECRET
from tests.lifespan import lifespan
from tests.postgres import POSTGRES_SERVER, admin, with_database
from tests.scratch_databases import drop_later, drop_noted
from tests.servers import clean_env, free_port, python, serve_command, serving
from tests.wechat import BASE_URL, SESSION_LIFETIME, FakeWeChat, use_auth, wechat_client

# The browser tests' shared Chromium: its fixtures, and the event loop its tests run in.
pytest_plugins = ["tests.browsers"]

TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests in headless Chromium are ``browser`` tests, wherever their module says so or not:
    everything under tests/e2e/ and every ``test_browser.py``."""
    for item in items:
        if not item.path.is_relative_to(TESTS):
            continue  # a pytest run of a test's own, outside this tree
        parts = item.path.relative_to(TESTS).parts
        if parts[0] == "e2e" or parts[-1] == "test_browser.py":
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A migrated PostgreSQL database for this session, or None if no server answers."""
    name = f"piaojia_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pytest.postgres_unavailable = f"{POSTGRES_SERVER}: {exc}"  # type: ignore[attr-defined]
        yield None
        return
    url = with_database(POSTGRES_SERVER, name)
    asyncio.run(db.migrate(url))
    yield url
    drop_later(name)  # by a detached process: a drop waits for a checkpoint of the server


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Every PostgreSQL database this test process made goes, without the run waiting."""
    drop_noted(POSTGRES_SERVER)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "piaojia.db"
    asyncio.run(db.migrate(f"sqlite://{path}"))
    return path


async def _empty_postgres(url: str) -> None:
    """Empty every table but aerich's and restart the sequences, as TRUNCATE … RESTART IDENTITY
    would. DELETE with the foreign-key triggers off (session_replication_role, a superuser's
    setting, which the test server's user is) takes some 15 ms where TRUNCATE of 37 tables
    takes over 600 ms: a new file per table. Without the privilege it falls back to TRUNCATE."""
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'aerich'"
        )
        sequences = await connection.fetch(
            "SELECT sequence_name FROM information_schema.sequences"
            " WHERE sequence_schema = 'public'"
        )
        names = [f'"{row["tablename"]}"' for row in tables]
        try:
            async with connection.transaction():
                await connection.execute("SET LOCAL session_replication_role = replica")
                await connection.execute("; ".join(f"DELETE FROM {name}" for name in names))
                restarts = [f'ALTER SEQUENCE "{row["sequence_name"]}" RESTART' for row in sequences]
                if restarts:
                    await connection.execute("; ".join(restarts))
        except asyncpg.InsufficientPrivilegeError:
            await connection.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_url: str | None,
) -> str:
    """An empty, migrated database: a SQLite file, then the PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "piaojia.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite://{path}?synchronous=NORMAL&busy_timeout=5000"
    return await _emptied_postgres(postgres_url)


@pytest.fixture
async def postgres_database_url(postgres_url: str | None) -> str:
    """An empty, migrated PostgreSQL database alone: for a deployment of several processes
    on one database, which SQLite is not made for."""
    return await _emptied_postgres(postgres_url)


async def _emptied_postgres(postgres_url: str | None) -> str:
    if postgres_url is None:
        reason = getattr(pytest, "postgres_unavailable", "unknown")
        if os.environ.get("CI"):  # CI has PostgreSQL: its absence there is a failure, not a skip
            pytest.fail(f"PostgreSQL is not reachable in CI ({reason})")
        pytest.skip(f"PostgreSQL is not reachable ({reason}); only SQLite was tested")
    await _empty_postgres(postgres_url)
    return postgres_url + "?minsize=1&maxsize=16"


@pytest.fixture(autouse=True)
def sealing_keys() -> None:
    """Every test starts with the ring of the test secret (an app installs its own again)."""
    sealing.install(keyring_for(Settings(secret_key=Secret(TEST_SECRET))))


@pytest.fixture(autouse=True)
def _database_context_released() -> Iterator[None]:
    """Each test leaves no process-wide database context behind, and if one does, only it fails.

    Tortoise allows one global context at a time: an app whose shutdown did not finish would
    otherwise make every later test's ``Tortoise.init`` fail.
    """
    yield
    leftover = tortoise_context._global_context
    if leftover is not None:
        tortoise_context._global_context = None
        pytest.fail("the test left its database open: its app's shutdown did not finish")


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One deployment CA for the whole session (a test may make its own)."""
    return tmp_path_factory.mktemp("ca")


@pytest.fixture
def settings(database_url: str, ca_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=Secret(TEST_SECRET),
        public_base_url="https://piaojia.test",
        ledger_key=Secret(LOG_SIGNER.key_string()),
        ledger_interval=3600,  # tests integrate when they choose to
        ca_dir=str(ca_dir),
        render_warm_up=False,
        # Port 9 refuses: mail a test queues without its own SMTP server fails and is retried.
        smtp_url=Secret("smtp://127.0.0.1:9"),
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with lifespan(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
        yield http


@pytest.fixture
def clock() -> FakeClock:
    """The clock of an app a test moves time in: 10:00 on 2026-11-27 in China until moved."""
    return FakeClock(CHINA_MORNING)


@pytest.fixture
async def clocked_app(settings: Settings, clock: FakeClock) -> AsyncIterator[Starlette]:
    """The app with every service on ``clock``."""
    application = create_app(settings, clock=clock)
    async with lifespan(application):
        yield application


@pytest.fixture
async def wx_app(settings: Settings, clock: FakeClock) -> AsyncIterator[Starlette]:
    """The app in demo mode on ``clock``, WeChat played by the stand-in the app itself serves,
    reached in-process."""
    application = create_app(dataclasses.replace(settings, demo=True), clock=clock)
    auth = AuthService(
        wechat=wechat_client(httpx.ASGITransport(app=application)),
        clock=clock,
        session_lifetime=SESSION_LIFETIME,
    )
    async with lifespan(application):
        use_auth(application, auth)
        yield application
    await auth.close()


@pytest.fixture
async def wx_client(wx_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=wx_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


@pytest.fixture
async def fake_wechat(wx_app: Starlette, clock: FakeClock) -> AsyncIterator[FakeWeChat]:
    """Replace WeChat by a handler (``httpx.MockTransport``) for the rest of the test."""
    made: list[AuthService] = []

    def use(handler: Callable[[httpx.Request], httpx.Response]) -> None:
        auth = AuthService(
            wechat=wechat_client(httpx.MockTransport(handler)),
            clock=clock,
            session_lifetime=SESSION_LIFETIME,
        )
        made.append(auth)
        use_auth(wx_app, auth)

    yield use
    for auth in made:
        await auth.close()


@pytest.fixture
def ledger_server(database_url: str, tmp_path: Path) -> Iterator[str]:
    """``piaojia serve`` on ``database_url`` in its :func:`ledger_environment`; yields its URL."""
    port = free_port()
    command = serve_command(port, "--no-access-log")
    env = ledger_environment(database_url)
    with serving(command, port=port, env=env, log_path=tmp_path / "serve.log") as up:
        yield up.url


@pytest.fixture
def static_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Python's ``http.server`` serving a new empty folder; yields its URL and the folder."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    port = free_port()
    command = python("-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(folder))
    log_path = tmp_path / "http.server.log"
    with serving(command, port=port, env=clean_env(), log_path=log_path, ready="/") as up:
        yield up.url, folder
