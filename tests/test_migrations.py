"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from tortoise.utils import get_schema_sql

from backend import db

MIGRATIONS = sorted(
    (path for path in (db.MIGRATIONS_DIR / "models").glob("[0-9]*_*.py")),
    key=lambda path: int(path.name.split("_")[0]),
)


def normalised(sql: str) -> list[str]:
    return sorted(line.strip() for line in re.split(r";\s*\n", sql.strip() + "\n") if line.strip())


async def test_migrations_together_match_the_models(database_url: str) -> None:
    assert [path.name.split("_")[0] for path in MIGRATIONS] == ["0", "1", "2"]
    await db.open_database(database_url)
    try:
        connection = db.connection()
        applied = ""
        for path in MIGRATIONS:
            module = importlib.import_module(f"backend.migrations.models.{Path(path).stem}")
            applied += (await module.upgrade(connection)).strip().rstrip(";") + ";\n"
        assert normalised(applied) == normalised(get_schema_sql(connection, safe=False))
    finally:
        await db.close_database()
