"""The migrations in the order they run, and SQL compared statement by statement: what the
migration tests share."""

from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path

from backend import db

MIGRATIONS = [db.MIGRATIONS_DIR / "models" / name for name in db.shipped_migrations()]


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


async def migrate_leaving_out(database_url: str, folder: Path, *numbers: int) -> None:
    """Apply every migration but those numbered ``numbers`` to ``database_url``, as aerich does
    (recorded in its table, so a later ``piaojia migrate`` applies the ones left out); the
    migrations are copied under ``folder`` for that."""
    from aerich import Command

    models = folder / "migrations" / "models"
    models.mkdir(parents=True)
    for path in (db.MIGRATIONS_DIR / "models").glob("*.py"):
        if not any(path.name.startswith(f"{n}_") for n in numbers):
            shutil.copy(path, models / path.name)
    command = Command(
        tortoise_config=db.tortoise_config(database_url), app="models", location=str(models.parent)
    )
    async with command:
        await command.upgrade(run_in_transaction=True)
