"""The PostgreSQL server the tests run on, and statements run on it outside any test database."""

from __future__ import annotations

import os

import asyncpg

POSTGRES_SERVER = os.environ.get(
    "PIAOJIA_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"
)


def with_database(server_url: str, name: str) -> str:
    """``server_url`` with its database replaced by ``name``."""
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


async def admin(sql: str) -> None:
    """Run ``sql`` on POSTGRES_SERVER in a connection of its own (CREATE DATABASE and the like,
    which cannot run inside a transaction); fails within 5 s if no server answers."""
    connection = await asyncpg.connect(POSTGRES_SERVER, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()
