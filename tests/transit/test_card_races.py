"""Fifty wrong trip proofs at once: however they interleave, at most the limit is checked."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

import httpx
import pytest
from starlette.applications import Starlette

from backend.transit import cards as binding
from backend.transit.cards import TripProof
from backend.transit.models import CardProofCount, TransitCard
from tests.answers import error_code
from tests.rows import column
from tests.transit.support import CARDS, import_rows, metro, proof_of, trip_row
from tests.wechat import login

TODAY = date(2026, 11, 27)  # the China day of the tests' clock


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cards whose proofs were checked against the trips. Each check is slowed down so
    that all fifty requests are in flight together, as a check-then-count limit would fail."""
    seen: list[str] = []
    real = binding._matches

    async def slow(card: str, proof: TripProof) -> bool:
        seen.append(card)
        await asyncio.sleep(0.05)
        return await real(card, proof)

    monkeypatch.setattr(binding, "_matches", slow)
    return seen


async def test_fifty_riders_guessing_one_card_check_five(
    wx_app: Starlette, wx_client: httpx.AsyncClient, checked: list[str]
) -> None:
    operator = await metro(wx_app)
    row = trip_row(1, card="3101234567")
    await import_rows(wx_client, operator, [row])
    riders = [await login(wx_client, f"demo-guess{n}") for n in range(50)]
    wrong = {"card": "3101234567", "trip": proof_of(row) | {"fare": "9.99"}}

    answers = await asyncio.gather(*(wx_client.post(CARDS, json=wrong, headers=r) for r in riders))

    assert Counter((a.status_code, error_code(a)) for a in answers) == {
        (403, "card_proof_mismatch"): 5,
        (429, "card_proof_limit"): 45,
    }
    assert checked == ["3101234567"] * 5
    counted = await CardProofCount.get(key="card:3101234567", day=TODAY)
    assert counted.count == 5
    # Every user's own count is what they spent: one for the five checked, none for the rest.
    users = await column(CardProofCount.filter(key__startswith="user:"), "count")
    assert sorted(users, reverse=True)[:6] == [1, 1, 1, 1, 1, 0]
    assert sum(users) == 5
    assert await TransitCard.all().count() == 0


async def test_one_rider_guessing_fifty_cards_checks_ten(
    wx_app: Starlette, wx_client: httpx.AsyncClient, checked: list[str]
) -> None:
    operator = await metro(wx_app)
    cards = [f"31{n:08d}" for n in range(50)]
    rows = [trip_row(n, card=card) for n, card in enumerate(cards)]
    await import_rows(wx_client, operator, rows)
    mallory = await login(wx_client, "demo-mallory")
    bodies = [
        {"card": card, "trip": proof_of(row) | {"entry_station": "珠江新城"}}
        for card, row in zip(cards, rows, strict=True)
    ]

    answers = await asyncio.gather(
        *(wx_client.post(CARDS, json=b, headers=mallory) for b in bodies)
    )

    assert Counter((a.status_code, error_code(a)) for a in answers) == {
        (403, "card_proof_mismatch"): 10,
        (429, "card_proof_limit"): 40,
    }
    assert len(checked) == len(set(checked)) == 10
    counts = dict(await CardProofCount.filter(day=TODAY).values_list("key", "count"))
    assert sum(c for k, c in counts.items() if k.startswith("card:")) == 10
    assert {k for k, c in counts.items() if k.startswith("card:") and c} == {
        f"card:{card}" for card in checked
    }
    assert [c for k, c in counts.items() if k.startswith("user:")] == [10]
    # Even the right proof of a trip is not checked today.
    right = await wx_client.post(
        CARDS, json={"card": cards[0], "trip": proof_of(rows[0])}, headers=mallory
    )
    assert (right.status_code, right.headers["Retry-After"]) == (429, str(14 * 3600))
    assert len(checked) == 10
