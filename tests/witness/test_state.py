"""The SQLite witness state: compare-and-set semantics, durability across reopen, refusals."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.witness.errors import StateError
from backend.witness.state import SCHEMA_VERSION, SqliteWitnessState
from chain.cosignature import CosignatureSigner
from chain.errors import OldSizeMismatchError
from chain.log import Log
from chain.note import NoteSigner
from chain.storage.memory import MemoryStorage
from chain.witness import TreeHead, Witness, WitnessState
from tests.witness.support import ORIGIN, grow

ROOT_A = bytes(range(32))
ROOT_B = bytes(range(1, 33))
ROOT_C = bytes(range(2, 34))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "witness.db"


def test_it_implements_the_protocol(path: Path) -> None:
    with SqliteWitnessState.open(path) as state:
        assert isinstance(state, WitnessState)


async def test_compare_and_set_from_nothing_then_from_the_recorded_size(path: Path) -> None:
    with SqliteWitnessState.open(path) as state:
        assert await state.read(ORIGIN) is None
        assert not await state.compare_and_set(ORIGIN, 3, TreeHead(5, ROOT_A))
        assert await state.read(ORIGIN) is None

        assert await state.compare_and_set(ORIGIN, 0, TreeHead(5, ROOT_A))
        assert await state.read(ORIGIN) == TreeHead(5, ROOT_A)

        assert not await state.compare_and_set(ORIGIN, 0, TreeHead(9, ROOT_B))
        assert not await state.compare_and_set(ORIGIN, 4, TreeHead(9, ROOT_B))
        assert await state.read(ORIGIN) == TreeHead(5, ROOT_A)

        assert await state.compare_and_set(ORIGIN, 5, TreeHead(9, ROOT_B))
        assert await state.read(ORIGIN) == TreeHead(9, ROOT_B)
        assert await state.read("example.com/another-log") is None


async def test_an_empty_tree_head_still_counts_as_size_zero(path: Path) -> None:
    with SqliteWitnessState.open(path) as state:
        assert await state.compare_and_set(ORIGIN, 0, TreeHead(0, ROOT_A))
        assert await state.compare_and_set(ORIGIN, 0, TreeHead(4, ROOT_B))
        assert await state.read(ORIGIN) == TreeHead(4, ROOT_B)


async def test_it_refuses_to_move_backwards_or_store_a_bad_root(path: Path) -> None:
    with SqliteWitnessState.open(path) as state:
        assert await state.compare_and_set(ORIGIN, 0, TreeHead(8, ROOT_A))
        with pytest.raises(ValueError, match="back"):
            await state.compare_and_set(ORIGIN, 8, TreeHead(7, ROOT_B))
        with pytest.raises(ValueError, match="32 bytes"):
            await state.compare_and_set(ORIGIN, 8, TreeHead(9, b"short"))
        assert await state.read(ORIGIN) == TreeHead(8, ROOT_A)


async def test_records_survive_closing_and_reopening(path: Path) -> None:
    with SqliteWitnessState.open(path) as state:
        assert await state.compare_and_set(ORIGIN, 0, TreeHead(5, ROOT_A))
        assert await state.compare_and_set("example.com/other", 0, TreeHead(2, ROOT_C))
    with SqliteWitnessState.open(path) as reopened:
        assert await reopened.read(ORIGIN) == TreeHead(5, ROOT_A)
        assert await reopened.origins() == {
            "example.com/other": TreeHead(2, ROOT_C),
            ORIGIN: TreeHead(5, ROOT_A),
        }
        assert not await reopened.compare_and_set(ORIGIN, 0, TreeHead(6, ROOT_B))


async def test_concurrent_compare_and_set_lets_exactly_one_win(path: Path) -> None:
    with SqliteWitnessState.open(path) as state:
        heads = [TreeHead(10 + i, bytes([i]) * 32) for i in range(20)]
        results = await asyncio.gather(*(state.compare_and_set(ORIGIN, 0, h) for h in heads))
        assert results.count(True) == 1
        winner = heads[results.index(True)]
        assert await state.read(ORIGIN) == winner


async def test_two_handles_on_one_file_never_roll_each_other_back(path: Path) -> None:
    first = SqliteWitnessState.open(path)
    second = SqliteWitnessState.open(path)
    try:
        assert await first.read(ORIGIN) is None and await second.read(ORIGIN) is None
        assert await first.compare_and_set(ORIGIN, 0, TreeHead(10, ROOT_A))
        # The second handle read "nothing" before; its compare-and-set sees the truth.
        assert not await second.compare_and_set(ORIGIN, 0, TreeHead(4, ROOT_B))
        assert await second.read(ORIGIN) == TreeHead(10, ROOT_A)
        assert await second.compare_and_set(ORIGIN, 10, TreeHead(12, ROOT_C))
        assert await first.read(ORIGIN) == TreeHead(12, ROOT_C)
    finally:
        first.close()
        second.close()


def test_the_database_is_durable_and_versioned(path: Path) -> None:
    SqliteWitnessState.open(path).close()
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    finally:
        connection.close()


def test_a_file_that_is_not_a_database_is_refused(path: Path) -> None:
    path.write_bytes(b"this is a text file, not SQLite\n" * 10)
    with pytest.raises(StateError, match="not a database"):
        SqliteWitnessState.open(path)


def test_someone_elses_database_is_refused(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE receipts (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    with pytest.raises(StateError, match="something else"):
        SqliteWitnessState.open(path)


def test_a_newer_schema_version_is_refused(path: Path) -> None:
    SqliteWitnessState.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(StateError, match="schema version"):
        SqliteWitnessState.open(path)


def test_an_unusable_path_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way\n")
    with pytest.raises(StateError, match="cannot open witness state") as failure:
        SqliteWitnessState.open(blocker / "witness.db")
    assert "\n" not in str(failure.value)
    with pytest.raises(StateError):
        SqliteWitnessState.open(tmp_path)  # a directory


def test_missing_parent_folders_are_created(tmp_path: Path) -> None:
    nested = tmp_path / "var" / "witness" / "state.db"
    SqliteWitnessState.open(nested).close()
    assert nested.is_file()


async def test_a_closed_state_raises_state_error(path: Path) -> None:
    state = SqliteWitnessState.open(path)
    state.close()
    state.close()  # repeating is harmless
    with pytest.raises(StateError, match="closed"):
        await state.read(ORIGIN)
    with pytest.raises(StateError, match="closed"):
        await state.compare_and_set(ORIGIN, 0, TreeHead(1, ROOT_A))


async def test_a_witness_remembers_across_restarts(path: Path) -> None:
    log_signer = NoteSigner.generate(ORIGIN)
    log = Log(MemoryStorage(), log_signer)
    key = Ed25519PrivateKey.generate()

    def witness(state: SqliteWitnessState) -> Witness:
        return Witness(
            CosignatureSigner("witness.example/w1", key), {ORIGIN: [log_signer.verifier()]}, state
        )

    checkpoint = await grow(log, b"a", 6)
    with SqliteWitnessState.open(path) as state:
        assert await witness(state).add_checkpoint(0, [], checkpoint.note)

    newer = await grow(log, b"b", 2)
    with SqliteWitnessState.open(path) as state:
        restarted = witness(state)
        with pytest.raises(OldSizeMismatchError) as stale:
            await restarted.add_checkpoint(0, [], newer.note)
        assert stale.value.known_size == 6
        proof = await log.consistency_proof(6, 8)
        assert await restarted.add_checkpoint(6, proof.hashes, newer.note)
        assert await state.read(ORIGIN) == TreeHead(8, newer.checkpoint.root_hash)
