"""Two real witness processes on localhost, driven over HTTP like a log drives its witnesses."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.cosignature import CosignatureVerifier, cosignature_timestamp
from chain.log import Log
from chain.note import NoteSigner, open_note
from chain.storage.memory import MemoryStorage
from chain.witness import AddCheckpointRequest
from tests.witness.support import ORIGIN, WitnessProcess, grow, request_body

pytestmark = pytest.mark.slow


@pytest.fixture
def spawned() -> Iterator[list[WitnessProcess]]:
    """Witness processes to start; every one is stopped at the end, whatever happened."""
    processes: list[WitnessProcess] = []
    yield processes
    for witness in processes:
        witness.stop()


async def test_two_witness_processes_cosign_a_log_and_refuse_a_fork(
    tmp_path: Path, spawned: list[WitnessProcess]
) -> None:
    log_signer = NoteSigner.generate(ORIGIN)
    log = Log(MemoryStorage(), log_signer)
    log_key = log.verifier_key

    names = ["witness.example/w1", "witness.example/w2"]
    for name in names:
        workdir = tmp_path / name.rsplit("/", 1)[1]
        workdir.mkdir()
        spawned.append(WitnessProcess(workdir, name, [log_key]))
    keys = [w.verifier_key() for w in spawned]
    verifiers = [CosignatureVerifier.from_key_string(k) for k in keys]
    assert [v.name for v in verifiers] == names
    for witness in spawned:
        assert oct(witness.key_file.stat().st_mode & 0o777) == "0o600"
        witness.start()

    async with httpx.AsyncClient(timeout=30) as http:
        for witness, key in zip(spawned, keys, strict=True):
            assert await witness.wait_ready(http) == key

        async def push(body: bytes) -> list[httpx.Response]:
            return list(await asyncio.gather(*(w.add_checkpoint(http, body) for w in spawned)))

        # Both cosign the first checkpoint, then its extension with a consistency proof.
        first = await grow(log, b"receipt-a-", 5)
        responses = await push(await request_body(log, 0, first))
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]

        before = int(time.time())
        second = await grow(log, b"receipt-b-", 7)
        responses = await push(await request_body(log, 5, second))
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
        cosigned = second.note + b"".join(r.content for r in responses)

        # A quorum of 2: both cosignatures verify with chain's cosignature verifiers.
        opened = open_note(cosigned, [log_signer.verifier(), *verifiers])
        witnessed = {s.name: s for s in opened.signatures if s.name != ORIGIN}
        assert sorted(witnessed) == names
        for cosignature in witnessed.values():
            assert before - 5 <= cosignature_timestamp(cosignature.signature) <= time.time() + 5
        assert Checkpoint.parse(opened.text) == second.checkpoint
        # With only one witness's key, the same note has one cosignature: no quorum of 2.
        alone = open_note(cosigned, [verifiers[0]])
        assert [s.name for s in alone.signatures] == names[:1]

        # A rewritten history under the same origin and key is refused by both.
        forked = Log(MemoryStorage(), log_signer)
        same_size = await grow(forked, b"rewritten-", 12)
        responses = await push(await request_body(forked, 12, same_size))
        assert [r.status_code for r in responses] == [409, 409]
        assert all(r.headers["content-type"].startswith("text/plain") for r in responses)
        longer = await grow(forked, b"rewritten-more-", 3)
        responses = await push(await request_body(forked, 12, longer))
        assert [r.status_code for r in responses] == [422, 422]

        # A log that lost track of the witnesses' state is told their size.
        responses = await push(AddCheckpointRequest(0, (), longer.note).encode())
        assert [(r.status_code, r.content) for r in responses] == [(409, b"12\n")] * 2
        assert [r.headers["content-type"] for r in responses] == ["text/x.tlog.size"] * 2

        # A log nobody configured is unknown; a checkpoint signed by another key is untrusted.
        stranger = NoteSigner.generate("example.com/unconfigured-log")
        unknown = sign_checkpoint(replace(second.checkpoint, origin=stranger.name), [stranger])
        responses = await push(AddCheckpointRequest(0, (), unknown.note).encode())
        assert [r.status_code for r in responses] == [404, 404]
        impostor = sign_checkpoint(second.checkpoint, [NoteSigner.generate(ORIGIN)])
        responses = await push(AddCheckpointRequest(12, (), impostor.note).encode())
        assert [r.status_code for r in responses] == [403, 403]
        tampered = second.note.replace(b"\n12\n", b"\n13\n", 1)
        responses = await push(AddCheckpointRequest(12, (), tampered).encode())
        assert [r.status_code for r in responses] == [403, 403]

        # The honest log keeps growing and keeps being cosigned.
        third = await grow(log, b"receipt-c-", 3)
        responses = await push(await request_body(log, 12, third))
        assert [r.status_code for r in responses] == [200, 200]

        # A restarted witness keeps its key and remembers what it cosigned.
        restarted = spawned[0]
        assert restarted.stop() == 0
        restarted.start()
        assert await restarted.wait_ready(http) == keys[0]
        stale = await restarted.add_checkpoint(http, await request_body(log, 0, third))
        assert (stale.status_code, stale.content) == (409, b"15\n")
        rolled_back = await restarted.add_checkpoint(http, await request_body(log, 12, second))
        assert rolled_back.status_code == 409

    for witness in spawned:
        assert witness.stop() == 0, witness.output.read_text()
        assert "Traceback" not in witness.output.read_text()
