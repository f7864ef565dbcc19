"""The migrations in the order they run, and SQL compared statement by statement: what the
migration tests share."""

from __future__ import annotations

import importlib
import re

from backend import db

MIGRATIONS = sorted(
    (path for path in (db.MIGRATIONS_DIR / "models").glob("[0-9]*_*.py")),
    key=lambda path: int(path.name.split("_")[0]),
)


def normalised(sql: str) -> list[str]:
    """The statements of ``sql``, stripped and sorted, to compare regardless of order."""
    return sorted(line.strip() for line in re.split(r";\s*\n", sql.strip() + "\n") if line.strip())


def altered_later(table: str, after: int) -> bool:
    """Whether a migration after number ``after`` alters ``table``'s columns: its CREATE
    statement then no longer matches the models (test_migrations_together… covers it)."""
    for path in MIGRATIONS:
        module = importlib.import_module(f"backend.migrations.models.{path.stem}")
        number = int(path.name.split("_")[0])
        if number > after and table in getattr(module, "ALTERED_TABLES", ()):
            return True
    return False
