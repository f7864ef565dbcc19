"""Binding a transit card takes proof of a recent trip on it; wrong proofs are limited and
answered alike; the card's trips are the rider's only after a right proof."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from backend.auth.models import User
from backend.transit.models import CardProofCount, TransitCard
from tests.answers import error_code
from tests.clock import FakeClock
from tests.transit.support import (
    CARDS,
    bind_body,
    import_rows,
    metro,
    my_trip_ids,
    proof_of,
    trip_row,
)
from tests.wechat import login

CARD = "3101234567"
# The tests' clock reads 10:00 China time: 14 hours to the midnight the daily counts end at.
TO_MIDNIGHT = 14 * 3600


async def test_a_card_binds_only_on_a_right_proof_of_a_recent_trip(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    rows = [trip_row(n, card=CARD, days_ago=1 + n) for n in range(3)]
    old = trip_row(9, card=CARD, days_ago=45)
    other = trip_row(10, card="3109999999", fare="5.00")
    await import_rows(wx_client, operator, [*rows, old, other])
    assert await my_trip_ids(wx_client, alice) == []
    recent = rows[0]

    # No proof, or a malformed one: refused before anything is looked up.
    for body in (
        {"card": CARD},
        {"card": CARD, "trip": {}},
        {"card": CARD, "trip": proof_of(recent) | {"fare": "3.001"}},
        {"card": CARD, "trip": proof_of(recent) | {"entry_station": "体育西路\x00"}},
        {"card": CARD, "trip": proof_of(recent) | {"date": "2026-02-30"}},
    ):
        refused = await wx_client.post(CARDS, json=body, headers=alice)
        assert (refused.status_code, error_code(refused)) == (422, "validation_failed"), body

    # A day outside the last 30 (old trip, future, the calendar's ends): said as such.
    for day in (proof_of(old)["date"], "2026-10-28", "2026-11-28", "0001-01-01", "9999-12-31"):
        body = {"card": CARD, "trip": proof_of(recent) | {"date": day}}
        refused = await wx_client.post(CARDS, json=body, headers=alice)
        assert (refused.status_code, error_code(refused)) == (422, "proof_date_out_of_range")
    # The window's first day is in it: a wrong proof there is a mismatch, not out of range.
    edge = {"card": "3100000001", "trip": proof_of(recent) | {"date": "2026-10-29"}}
    assert (
        error_code(await wx_client.post(CARDS, json=edge, headers=alice)) == "card_proof_mismatch"
    )

    # A wrong day, the exit station for the entry, a station's prefix, a fare a fen off, a card
    # with no trips, the trip on another card: one answer, byte for byte, that names nothing.
    wrong: list[dict[str, Any]] = [
        {"card": CARD, "trip": proof_of(recent) | {"date": "2026-11-20"}},
        {"card": CARD, "trip": proof_of(recent) | {"entry_station": "珠江新城"}},
        {"card": CARD, "trip": proof_of(recent) | {"entry_station": "体育西"}},
        {"card": CARD, "trip": proof_of(recent) | {"fare": "3.01"}},
        bind_body("3100000000", recent),
        bind_body("3109999999", recent),
    ]
    answers = [await wx_client.post(CARDS, json=body, headers=alice) for body in wrong]
    assert {(a.status_code, a.content) for a in answers} == {
        (
            403,
            b'{"error":{"code":"card_proof_mismatch","message":"the trip details do not match"}}',
        )
    }
    assert await TransitCard.all().count() == 0
    assert await my_trip_ids(wx_client, alice) == []

    # The right day, station and fare (the station as printed, around spaces) bind the card:
    # its trips, the old one too, are the rider's now.
    right = bind_body(CARD, recent)
    right["trip"]["entry_station"] = f"  {right['trip']['entry_station']} "
    bound = await wx_client.post(CARDS, json=right, headers=alice)
    assert bound.status_code == 201, bound.text
    assert bound.json()["card"] == CARD
    assert len(await my_trip_ids(wx_client, alice)) == len(rows) + 1
    # Any other trip of the last 30 days proves it as well; bound already, it answers 200.
    again = await wx_client.post(CARDS, json=bind_body(CARD, rows[2]), headers=alice)
    assert again.status_code == 200


async def test_a_card_of_someone_else_is_refused_and_only_after_a_right_proof(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    bob = await login(wx_client, "demo-bob")
    rows = [trip_row(n, card=CARD) for n in range(2)]
    await import_rows(wx_client, operator, rows)
    assert (await wx_client.post(CARDS, json=bind_body(CARD, rows[0]), headers=alice)).is_success

    # A guess at a bound card learns nothing more than a guess at a free one.
    guess = {"card": CARD, "trip": proof_of(rows[0]) | {"fare": "9.00"}}
    guessed = await wx_client.post(CARDS, json=guess, headers=bob)
    assert (guessed.status_code, error_code(guessed)) == (403, "card_proof_mismatch")
    taken = await wx_client.post(CARDS, json=bind_body(CARD, rows[1]), headers=bob)
    assert (taken.status_code, error_code(taken)) == (409, "card_bound_elsewhere")
    assert await my_trip_ids(wx_client, bob) == []
    owner = await TransitCard.get(card=CARD)
    assert (await wx_client.get(CARDS, headers=bob)).json() == {"cards": []}
    assert [c["card"] for c in (await wx_client.get(CARDS, headers=alice)).json()["cards"]] == [
        owner.card
    ]


async def test_failed_proofs_are_limited_per_card_and_per_user_each_day(
    wx_app: Starlette, wx_client: httpx.AsyncClient, clock: FakeClock
) -> None:
    operator = await metro(wx_app)
    cards = [f"31000000{n:02d}" for n in range(12)]
    rows = [trip_row(n, card=card) for n, card in enumerate(cards)]
    await import_rows(wx_client, operator, rows)
    wrong_fare = {"fare": "0.01"}

    # Five riders fail on the card; the sixth is refused, even with the right proof.
    for n in range(5):
        rider = await login(wx_client, f"demo-guess{n}")
        body = {"card": cards[0], "trip": proof_of(rows[0]) | wrong_fare}
        assert error_code(await wx_client.post(CARDS, json=body, headers=rider)) == (
            "card_proof_mismatch"
        )
    owner = await login(wx_client, "demo-owner")
    refused = await wx_client.post(CARDS, json=bind_body(cards[0], rows[0]), headers=owner)
    assert (refused.status_code, error_code(refused)) == (429, "card_proof_limit")
    assert refused.headers["Retry-After"] == str(TO_MIDNIGHT)

    # One rider fails ten times on ten cards; the eleventh proof, right or not, is refused,
    # and the refused proofs count against no card.
    mallory = await login(wx_client, "demo-mallory")
    for n in range(1, 11):
        body = {"card": cards[n], "trip": proof_of(rows[n]) | wrong_fare}
        assert error_code(await wx_client.post(CARDS, json=body, headers=mallory)) == (
            "card_proof_mismatch"
        )
    for _ in range(3):
        refused = await wx_client.post(CARDS, json=bind_body(cards[11], rows[11]), headers=mallory)
        assert (refused.status_code, error_code(refused)) == (429, "card_proof_limit")
    day = date(2026, 11, 27)  # the China day of the tests' clock
    counts = dict(await CardProofCount.filter(day=day).values_list("key", "count"))
    assert counts[f"card:{cards[0]}"] == 5
    assert counts.get(f"card:{cards[11]}", 0) == 0
    assert sum(c for k, c in counts.items() if k.startswith("card:")) == 5 + 10

    # Right proofs count nothing: the owner, refused once, binds card 11 and holds no count.
    bound = await wx_client.post(CARDS, json=bind_body(cards[11], rows[11]), headers=owner)
    assert bound.status_code == 201, bound.text
    owner_id = (
        await User.get(openid=(await wx_client.get("/api/v1/me", headers=owner)).json()["openid"])
    ).id
    assert (await CardProofCount.get(key=f"user:{owner_id}", day=day)).count == 0
    # The next China day, the counts start again.
    clock.advance(timedelta(hours=14))
    bound = await wx_client.post(CARDS, json=bind_body(cards[0], rows[0]), headers=owner)
    assert bound.status_code == 201, bound.text
    assert len(await my_trip_ids(wx_client, owner)) == 2


async def test_cards_bound_before_proofs_existed_stay_bound(
    wx_app: Starlette, wx_client: httpx.AsyncClient, clock: FakeClock
) -> None:
    operator = await metro(wx_app)
    alice = await login(wx_client, "demo-alice")
    rows = [trip_row(n, card=CARD, days_ago=60) for n in range(2)]  # no trip in the window
    await import_rows(wx_client, operator, rows)
    user = await User.get(
        openid=(await wx_client.get("/api/v1/me", headers=alice)).json()["openid"]
    )
    await TransitCard.create(card=CARD, user=user, bound_at=clock.now - timedelta(days=90))

    assert len(await my_trip_ids(wx_client, alice)) == 2
    # Binding it again is the card already yours: 200, whatever the proof, nothing counted.
    again = await wx_client.post(CARDS, json=bind_body(CARD, rows[0]), headers=alice)
    assert (again.status_code, again.json()["card"]) == (200, CARD)
    assert await CardProofCount.all().count() == 0
