"""The rules of ARCHITECTURE.md that import-linter (`make lint`) does not state: what may
speak HTTP, what ``chain/`` may import, how large a module may grow, and that tests share
helpers and fixtures, never each other."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parent.parent
HTTP_LIBRARIES = {"starlette", "uvicorn", "httpx"}
# The modules that may speak HTTP: views, the app factory, the helpers only views use, and the
# command lines that start servers. A domain with several groups of pages names each module
# after its group (``receipt_pages.py``).
HTTP_MODULES = {"app.py", "views.py", "pages.py", "web.py", "openapi.py", "cli.py", "headers.py"}
PAGES_SUFFIX = "_pages.py"
# Outbound HTTP (to witnesses, to an audited server) goes through client modules only.
HTTP_CLIENT_MODULES = {"audit.py"}


def imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_chain_imports_only_the_standard_library_and_cryptography() -> None:
    allowed = set(sys.stdlib_module_names) | {"cryptography", "chain"}
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sources("chain")
        for name in imports(path)
        if name.split(".")[0] not in allowed
    ]
    assert offenders == []


def test_backend_never_is_imported_by_chain() -> None:
    assert not [p for p in sources("chain") for n in imports(p) if n.split(".")[0] == "backend"]


def test_only_views_and_the_app_know_http() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sources("backend")
        if path.name not in HTTP_MODULES
        and not path.name.endswith(PAGES_SUFFIX)
        and "migrations" not in path.parts
        for name in imports(path)
        if name.split(".")[0] in HTTP_LIBRARIES
        and not (name.split(".")[0] == "httpx" and _is_client(path))
    ]
    assert offenders == []


def _is_client(path: Path) -> bool:
    return path.name.endswith("_client.py") or path.name in HTTP_CLIENT_MODULES


def test_services_and_models_do_not_import_views() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sources("backend")
        if path.name in {"models.py", "services.py", "schemas.py", "errors.py"}
        for name in imports(path)
        if name.endswith((".views", ".pages", PAGES_SUFFIX.removesuffix(".py")))
        or name in {"backend.app", "backend.web"}
    ]
    assert offenders == []


def test_only_config_reads_the_environment() -> None:
    offenders = []
    for path in sources("backend") + sources("chain"):
        if path.name == "config.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "os.environ" in text or "os.getenv" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# Statements that leave state in a database session. Pooled connections are handed back
# without asyncpg's reset statement (see backend.db), so only the sequencer's leader lock,
# which holds a connection of its own, may use them.
SESSION_STATE = re.compile(
    r"pg_(try_)?advisory_lock|\bLISTEN\s+\w|\bDECLARE\s[^\n]*\bCURSOR\b|set_config\s*\("
    r"|\bSET\s+(SESSION\s+)?(?i:search_path|statement_timeout|lock_timeout|role|time\s+zone"
    r"|application_name|work_mem)\b"
)
OWN_CONNECTION_MODULES = {"leader.py"}


def test_pooled_connections_keep_no_session_state() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources("backend")
        if path.name not in OWN_CONNECTION_MODULES
        for match in SESSION_STATE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


MAX_MODULE_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    """A module that grows past this has more than one job; split it along its jobs. Migrations
    are written by aerich, not by hand."""
    offenders = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in sources("backend") + sources("chain") + sources("tests")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert offenders == []


def _test_modules_imported(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, relative imports resolved, each ``from`` import's names
    included as the modules they may be (``from tests.x import conftest``)."""
    package = path.relative_to(ROOT).parent.parts
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join((*base, *([node.module] if node.module else [])))
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_no_test_imports_a_test_module_or_a_conftest() -> None:
    """What tests share lives in helper modules (``support.py``, ``tests/servers.py``, …) and
    their fixtures in conftests, which pytest finds itself: a test module imported by another
    runs its module-level code twice and hides what depends on what."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sources("tests")
        for name in _test_modules_imported(path)
        if name.split(".")[0] == "tests"
        and (name.rsplit(".", 1)[-1].startswith("test_") or name.rsplit(".", 1)[-1] == "conftest")
    ]
    assert offenders == []
