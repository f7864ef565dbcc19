"""On PostgreSQL every backup and restore starts ``pg_dump`` or ``pg_restore``: those halves are
``slow`` tests (processes of their own), whatever their module says."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest's hook sees the whole session's items: only this folder's are touched.
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.slow)
