"""PostgreSQL databases a test process made, dropped once it is done without it waiting.

On PostgreSQL 15 every ``DROP DATABASE`` forces an immediate checkpoint of the whole server,
which on a server shared with other test processes took 5-11 s per drop. A database a test
made is dropped here instead: its name is noted, and when the test process ends a detached
process drops every noted database, so no test (and not the end of the run) waits for the
checkpoints. Nothing reads a noted database again: each name is new (a random suffix).

Run as a script (``python scratch_databases.py SERVER_URL NAME...``) it is that process.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg

_noted: list[str] = []


def drop_later(name: str) -> None:
    """Note ``name`` to be dropped by :func:`drop_noted` at the end of this test process."""
    _noted.append(name)


def drop_noted(server_url: str) -> None:
    """Drop every noted database in a detached process; returns once that process is started.

    The child forks and its parent exits at once, so this waits only for a Python start-up,
    and nothing is left for this process to reap.
    """
    if not _noted:
        return
    names, _noted[:] = list(_noted), []
    subprocess.run(
        [sys.executable, __file__, server_url, *names],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )


async def _drop(server_url: str, names: list[str]) -> None:
    connection = await asyncpg.connect(server_url, timeout=10)
    try:
        for name in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


if __name__ == "__main__":
    if os.fork() == 0:  # the child outlives the test process, in a session of its own
        os.setsid()
        asyncio.run(_drop(sys.argv[1], sys.argv[2:]))
    os._exit(0)
