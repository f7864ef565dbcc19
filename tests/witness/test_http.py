"""The witness over HTTP, in-process: every status of c2sp.org/tlog-witness, exactly."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.witness.app import create_witness_app
from backend.witness.keys import verifier_key, witness_signer
from backend.witness.state import SqliteWitnessState
from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.cosignature import CosignatureVerifier, cosignature_timestamp
from chain.log import Log
from chain.note import NoteSigner, open_note
from chain.storage.memory import MemoryStorage
from chain.witness import AddCheckpointRequest, TreeHead, Witness
from tests.witness.support import ORIGIN, grow, request_body

NOW = 1_790_000_000
WITNESS = "witness.example/w1"
BASE = "http://witness.test"


class World:
    """A log, a witness over SQLite and an HTTP client talking to its app."""

    def __init__(self, tmp_path: Path) -> None:
        self.log_signer = NoteSigner.generate(ORIGIN)
        self.log = Log(MemoryStorage(), self.log_signer)
        self.signer = witness_signer(WITNESS, Ed25519PrivateKey.generate(), clock=lambda: NOW)
        self.state = SqliteWitnessState.open(tmp_path / "witness.db")
        self.witness = Witness(self.signer, {ORIGIN: [self.log_signer.verifier()]}, self.state)
        self.app = create_witness_app(self.witness, max_body_bytes=4096)

    def client(self, *, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=raise_app_exceptions)
        return httpx.AsyncClient(transport=transport, base_url=BASE)

    async def post(self, http: httpx.AsyncClient, body: bytes) -> httpx.Response:
        return await http.post("/add-checkpoint", content=body)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    built = World(tmp_path)
    yield built
    built.state.close()


@pytest.fixture
async def http(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with world.client() as client:
        yield client


async def test_the_key_is_served_at_the_root_and_at_key(
    world: World, http: httpx.AsyncClient
) -> None:
    for path in ("/", "/key"):
        response = await http.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.text == verifier_key(world.signer) + "\n"
        assert CosignatureVerifier.from_key_string(response.text.strip()).key_id == (
            world.signer.key_id
        )


async def test_cosigns_a_growing_log_and_persists_before_answering(
    world: World, http: httpx.AsyncClient
) -> None:
    first = await grow(world.log, b"a", 5)
    response = await world.post(http, await request_body(world.log, 0, first))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("\u2014 " + WITNESS + " ") and response.text.endswith("\n")
    verifier = world.signer.verifier()
    (cosignature,) = open_note(first.note + response.content, [verifier]).signatures
    assert cosignature_timestamp(cosignature.signature) == NOW
    assert await world.state.read(ORIGIN) == TreeHead(5, first.checkpoint.root_hash)

    second = await grow(world.log, b"b", 7)
    response = await world.post(http, await request_body(world.log, 5, second))
    assert response.status_code == 200
    opened = open_note(second.note + response.content, [verifier, world.log_signer.verifier()])
    assert {s.name for s in opened.signatures} == {ORIGIN, WITNESS}

    # The same checkpoint again: equal sizes, empty proof, same root.
    again = await world.post(http, await request_body(world.log, 12, second))
    assert again.status_code == 200


async def test_a_stale_old_size_gets_409_with_the_size_as_text_x_tlog_size(
    world: World, http: httpx.AsyncClient
) -> None:
    first = await grow(world.log, b"a", 9)
    assert (await world.post(http, await request_body(world.log, 0, first))).status_code == 200
    newer = await grow(world.log, b"b", 4)
    for old_size in (0, 8):
        response = await world.post(http, await request_body(world.log, old_size, newer))
        assert response.status_code == 409
        assert response.headers["content-type"] == "text/x.tlog.size"  # verbatim, no charset
        assert response.content == b"9\n"
    # The client retries from the size it was told, and succeeds.
    retried = await world.post(http, await request_body(world.log, 9, newer))
    assert retried.status_code == 200


async def test_a_fork_is_refused_and_logged_as_evidence(
    world: World, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    seen = await grow(world.log, b"honest", 12)
    assert (await world.post(http, await request_body(world.log, 0, seen))).status_code == 200

    forked = Log(MemoryStorage(), world.log_signer)  # same origin and key, other history
    same_size = await grow(forked, b"forked", 12)
    with caplog.at_level(logging.WARNING, logger="piaojia.witness"):
        response = await world.post(http, await request_body(forked, 12, same_size))
    assert response.status_code == 409
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "different root" in response.text
    assert any(same_size.note.decode() in r.getMessage() for r in caplog.records)

    larger = await grow(forked, b"more", 3)
    response = await world.post(http, await request_body(forked, 12, larger))
    assert response.status_code == 422
    assert "does not verify" in response.text
    assert await world.state.read(ORIGIN) == TreeHead(12, seen.checkpoint.root_hash)


async def test_unknown_logs_get_404_and_untrusted_signatures_403(
    world: World, http: httpx.AsyncClient
) -> None:
    checkpoint = await grow(world.log, b"a", 3)
    other = NoteSigner.generate("example.com/not-configured")
    unknown = sign_checkpoint(Checkpoint(other.name, 3, b"\0" * 32), [other])
    response = await world.post(http, AddCheckpointRequest(0, (), unknown.note).encode())
    assert response.status_code == 404

    impostor = sign_checkpoint(checkpoint.checkpoint, [NoteSigner.generate(ORIGIN)])
    response = await world.post(http, AddCheckpointRequest(0, (), impostor.note).encode())
    assert response.status_code == 403

    tampered = checkpoint.note.replace(b"\n3\n", b"\n4\n", 1)
    response = await world.post(http, AddCheckpointRequest(0, (), tampered).encode())
    assert response.status_code == 403
    assert await world.state.read(ORIGIN) is None


async def test_bad_requests_get_400(world: World, http: httpx.AsyncClient) -> None:
    checkpoint = await grow(world.log, b"a", 3)
    too_large = AddCheckpointRequest(4, (), checkpoint.note).encode()
    for body in (
        b"",
        b"garbage",
        b"old 01\n\n" + checkpoint.note,
        b"old 0\nnot base64!\n\n" + checkpoint.note,
        b"old 0\n\nexample.com/x\nnot a checkpoint\n",
        too_large,
    ):
        response = await world.post(http, body)
        assert response.status_code == 400, body
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.text.endswith("\n") and response.text.count("\n") == 1


async def test_a_proof_where_none_belongs_gets_422(world: World, http: httpx.AsyncClient) -> None:
    checkpoint = await grow(world.log, b"a", 3)
    body = AddCheckpointRequest(0, (checkpoint.checkpoint.root_hash,), checkpoint.note).encode()
    response = await world.post(http, body)
    assert response.status_code == 422


async def test_bodies_over_the_limit_get_413(world: World, http: httpx.AsyncClient) -> None:
    response = await world.post(http, b"old 0\n\n" + b"x" * 5000)
    assert response.status_code == 413
    assert response.text == "request body exceeds 4096 bytes\n"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        for _ in range(10):
            yield b"y" * 1000

    streamed = await http.post("/add-checkpoint", content=chunks())
    assert streamed.status_code == 413


async def test_wrong_methods_and_paths_answer_plain_text(http: httpx.AsyncClient) -> None:
    wrong_method = await http.get("/add-checkpoint")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"] == "text/plain; charset=utf-8"
    missing = await http.get("/checkpoint")
    assert missing.status_code == 404
    assert missing.text.startswith("GET /checkpoint:")


async def test_a_broken_state_is_a_logged_500_not_a_cosignature(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    checkpoint = await grow(world.log, b"a", 3)
    world.state.close()
    async with world.client(raise_app_exceptions=False) as client:
        with caplog.at_level(logging.ERROR, logger="piaojia.witness"):
            response = await world.post(client, await request_body(world.log, 0, checkpoint))
    assert response.status_code == 500
    assert response.text == "internal error; it has been logged\n"
    assert "\u2014" not in response.text
    assert any("unexpected error" in r.getMessage() for r in caplog.records)


def test_the_body_limit_must_be_positive(world: World) -> None:
    with pytest.raises(ValueError, match="positive"):
        create_witness_app(world.witness, max_body_bytes=0)
