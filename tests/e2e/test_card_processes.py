"""Two server processes on one database share the counts of failed card proofs: fifty wrong
proofs sent to both at once check five per card and ten per user, not five or ten per process."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.receipts.schemas import CHINA_STANDARD_TIME
from tests.e2e.support import Server
from tests.servers import free_port, python, serving

pytestmark = pytest.mark.slow

CARD = "3101234567"
CARDS = "/api/v1/folder/cards"


@pytest.fixture
def second(server: Server, tmp_path: Path) -> Iterator[str]:
    """A second process of the same deployment: same database and keys, its own port."""
    port = free_port()
    env = server.env | {
        "PIAOJIA_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PIAOJIA_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",  # its own demo mail sink
    }
    command = python("-m", "tests.e2e.server", str(port))
    log_path = tmp_path / "second.log"
    with serving(command, port=port, env=env, log_path=log_path, what="the second server") as up:
        yield up.url


def card_trip() -> dict[str, Any]:
    exit_at = datetime.now(CHINA_STANDARD_TIME).replace(microsecond=0) - timedelta(hours=3)
    return {
        "ref": "GZM-PROC-0001",
        "rider": {"card": CARD},
        "entry": {"station": "西门口", "at": (exit_at - timedelta(minutes=10)).isoformat()},
        "exit": {"station": "农讲所", "at": exit_at.isoformat()},
        "fare": "2.00",
        "channel": "card",
    }


def wrong_proof(card: str) -> dict[str, Any]:
    entered = datetime.fromisoformat(card_trip()["entry"]["at"])
    return {
        "card": card,
        "trip": {"date": entered.date().isoformat(), "entry_station": "西门口", "fare": "9.00"},
    }


async def login(http: httpx.AsyncClient, name: str) -> dict[str, str]:
    answer = await http.post("/api/v1/wx/login", json={"code": f"demo-{name}"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def outcomes(answers: list[httpx.Response]) -> Counter[tuple[int, str]]:
    return Counter((a.status_code, a.json()["error"]["code"]) for a in answers)


async def test_two_processes_share_the_proof_limits(server: Server, second: str) -> None:
    server.piaojia("demo")
    keys = dict(
        line.split("=", 1)
        for line in (server.workdir / "var" / "demo-keys.env").read_text().splitlines()
    )
    operator = {"Authorization": f"Bearer {keys['PIAOJIA_DEMO_OPERATOR_KEY']}"}
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=60) as one,
        httpx.AsyncClient(base_url=second, timeout=60) as two,
    ):
        imported = await one.post(
            "/api/v1/transit/trips", json={"trips": [card_trip()]}, headers=operator
        )
        assert imported.json()["new"] == 1, imported.text
        either = (one, two)

        # Fifty riders, each with one wrong proof of the one card, half through each process.
        riders = [await login(either[n % 2], f"guess{n}") for n in range(50)]
        answers = await asyncio.gather(
            *(
                either[n % 2].post(CARDS, json=wrong_proof(CARD), headers=rider)
                for n, rider in enumerate(riders)
            )
        )
        assert outcomes(answers) == {
            (403, "card_proof_mismatch"): 5,
            (429, "card_proof_limit"): 45,
        }
        # The card's owner is refused today too, by either process, with the right proof.
        right = wrong_proof(CARD)
        right["trip"]["fare"] = "2.00"
        owner = await login(one, "owner")
        for http in either:
            refused = await http.post(CARDS, json=right, headers=owner)
            assert refused.status_code == 429
            assert 0 < int(refused.headers["Retry-After"]) <= 86_400

        # One rider, fifty cards, half through each process: ten proofs checked in all.
        mallory = await login(two, "mallory")
        answers = await asyncio.gather(
            *(
                either[n % 2].post(CARDS, json=wrong_proof(f"31{n:08d}"), headers=mallory)
                for n in range(50)
            )
        )
        assert outcomes(answers) == {
            (403, "card_proof_mismatch"): 10,
            (429, "card_proof_limit"): 40,
        }
