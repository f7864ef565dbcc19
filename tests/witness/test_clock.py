"""The witness clock: cosignatures never dated backwards, and none from the future kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.witness.app import create_witness_app
from backend.witness.keys import witness_signer
from backend.witness.state import SCHEMA_VERSION, SqliteWitnessState
from chain.cosignature import cosignature_timestamp
from chain.errors import ClockBehindError
from chain.log import Log
from chain.note import NoteSigner, open_note
from chain.storage.memory import MemoryStorage
from chain.witness import MemoryWitnessState, TreeHead, Witness
from tests.clock import FakeClock
from tests.witness.support import ORIGIN, grow, request_body

NOW = 1_790_000_000
AT_NOW = datetime.fromtimestamp(NOW, UTC)


def world(clock: FakeClock, state: MemoryWitnessState | SqliteWitnessState) -> tuple[Log, Witness]:
    log_signer = NoteSigner.generate(ORIGIN)
    log = Log(MemoryStorage(), log_signer)
    signer = witness_signer("witness.example/w1", Ed25519PrivateKey.generate(), clock=clock.unix)
    return log, Witness(signer, {ORIGIN: [log_signer.verifier()]}, state)


async def test_a_clock_set_back_stops_cosigning_until_it_catches_up() -> None:
    clock = FakeClock(AT_NOW)
    log, witness = world(clock, MemoryWitnessState())
    first = await grow(log, b"a", 3)
    line = await witness.handle_request(await request_body(log, 0, first))
    opened = open_note(first.note + line.encode(), [witness.verifier()])
    assert cosignature_timestamp(opened.signatures[0].signature) == NOW

    clock.advance(timedelta(seconds=-60))  # set back a minute
    second = await grow(log, b"b", 2)
    with pytest.raises(ClockBehindError, match=f"reads {NOW - 60}, before its last"):
        await witness.handle_request(await request_body(log, 3, second))
    clock.now = AT_NOW  # the same second again is not going backwards
    assert await witness.handle_request(await request_body(log, 3, second))


async def test_the_last_cosignature_time_survives_a_restart_and_old_files_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "witness.db"
    clock = FakeClock(AT_NOW)
    with SqliteWitnessState.open(path) as state:
        log, witness = world(clock, state)
        signed = await grow(log, b"a", 2)
        await witness.handle_request(await request_body(log, 0, signed))
    with SqliteWitnessState.open(path) as state:
        assert (await state.read(ORIGIN) or TreeHead(0, b"")).timestamp == NOW

    old = tmp_path / "v1.db"
    connection = sqlite3.connect(old)
    connection.execute(
        "CREATE TABLE tree_head (origin TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL, "
        "root_hash BLOB NOT NULL) WITHOUT ROWID"
    )
    connection.execute("INSERT INTO tree_head VALUES (?, 2, ?)", (ORIGIN, b"r" * 32))
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()
    with SqliteWitnessState.open(old) as state:
        head = await state.read(ORIGIN)
        assert head is not None and (head.size, head.timestamp) == (2, 0)
    with sqlite3.connect(old) as check:
        assert check.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


async def test_over_http_a_clock_behind_is_503_service_unavailable() -> None:
    clock = FakeClock(AT_NOW)
    log, witness = world(clock, MemoryWitnessState())
    app = create_witness_app(witness)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://w.test"
    ) as http:
        first = await grow(log, b"a", 1)
        ok = await http.post("/add-checkpoint", content=await request_body(log, 0, first))
        assert ok.status_code == 200
        clock.advance(timedelta(hours=-1))
        second = await grow(log, b"b", 1)
        late = await http.post("/add-checkpoint", content=await request_body(log, 1, second))
        assert late.status_code == 503 and "before its last cosignature" in late.text
