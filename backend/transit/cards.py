"""Binding a transit card to a user, on proof of a recent trip on it, the way metro apps do.

Whoever binds a card reads its trips and can invoice them, so a card number alone binds
nothing: the rider also names one trip on the card from the last ``window_days`` China days
(its day, entry station and fare, all three exactly). A wrong proof gets one answer whatever
was wrong, and the same answer for a card with no trips; whether the card is bound to someone
else is said only after a right proof.

Failed proofs are limited per card and per user each China day, counted in
``transit_card_proof_count`` so that every process of a deployment shares the counts. A proof
*takes* a slot on both counters before it is checked (one ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` each, atomic in both databases) and is checked only if both slots are within the
limit; a right proof gives its slots back, a wrong one keeps them, a refused one gives back
what it took. So the slots held are at any moment the failures of the day plus the proofs
being checked, and however many requests arrive at once, over any number of processes, at
most the limit of wrong proofs is ever checked per card and per user per day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError

from backend.auth.models import User
from backend.chinatime import china_day, day_start
from backend.clock import Clock
from backend.db import connection, dialect_sql
from backend.transit.errors import (
    CardBoundElsewhere,
    CardProofLimitReached,
    CardProofMismatch,
    ProofDateOutOfRange,
)
from backend.transit.models import TransitCard, Trip

_TAKE = (
    'INSERT INTO transit_card_proof_count ("key", "day", "count") VALUES ($1, $2, 1) '
    'ON CONFLICT ("key", "day") DO UPDATE SET "count" = transit_card_proof_count."count" + 1 '
    'RETURNING "count"'
)
_GIVE_BACK = (
    'UPDATE transit_card_proof_count SET "count" = "count" - 1 WHERE "key" = $1 AND "day" = $2'
)
MISMATCH = "the trip details do not match"


@dataclass(frozen=True, slots=True)
class TripProof:
    """A trip as the rider names it: the China day it entered, its entry station, its fare."""

    day: date
    entry_station: str
    fare_fen: int


@dataclass(frozen=True, slots=True)
class ProofLimits:
    failures_per_card_per_day: int = 5
    failures_per_user_per_day: int = 10
    window_days: int = 30  # today and the 29 days before it, China time


class CardBinding:
    """Cards bound to users, each on proof of a recent trip; see the module's text."""

    def __init__(self, *, clock: Clock, limits: ProofLimits | None = None) -> None:
        self._clock = clock
        self.limits = limits or ProofLimits()

    async def bind(self, user: User, card: str, proof: TripProof) -> tuple[TransitCard, bool]:
        """Bind ``card`` to ``user`` if ``proof`` names a trip on it; the binding and whether
        it is new.

        A card already the user's answers at once (no proof checked, nothing counted). Else,
        in this order: a day outside the window is ``ProofDateOutOfRange`` (nothing looked up
        or counted); the day's failures of the user or the card at the limit is
        ``CardProofLimitReached`` (with the seconds to China midnight); a proof no trip on the
        card matches is ``CardProofMismatch``, one message for every cause, and counts as a
        failure; a right proof for a card bound to another user is ``CardBoundElsewhere``.
        The unique card column keeps one owner even when two users bind at once.
        """
        existing = await TransitCard.get_or_none(card=card)
        if existing is not None and existing.user_id == user.id:  # type: ignore[attr-defined]
            return existing, False
        now = self._clock()
        today = china_day(now)
        oldest = today - timedelta(days=self.limits.window_days - 1)
        if not oldest <= proof.day <= today:
            raise ProofDateOutOfRange(
                f"name a trip from the last {self.limits.window_days} days "
                f"({oldest.isoformat()} to {today.isoformat()})",
                field="trip.date",
            )
        retry_after = max(1, int((day_start(today + timedelta(days=1)) - now).total_seconds()))
        keys = (f"user:{user.id}", f"card:{card}")
        limits = (self.limits.failures_per_user_per_day, self.limits.failures_per_card_per_day)
        taken: list[str] = []
        for key, limit, whose in zip(keys, limits, ("your account", "this card"), strict=True):
            count = await _take(key, today)
            taken.append(key)
            if count > limit:
                await _give_back(taken, today)
                raise CardProofLimitReached(
                    f"too many failed trip proofs for {whose} today; try again tomorrow",
                    retry_after=retry_after,
                )
        if not await _matches(card, proof):
            raise CardProofMismatch(MISMATCH)  # the slots stay taken: this was a failure
        await _give_back(taken, today)
        return await self._bind(user, card)

    async def _bind(self, user: User, card: str) -> tuple[TransitCard, bool]:
        existing = await TransitCard.get_or_none(card=card)
        created = False
        if existing is None:
            try:
                existing = await TransitCard.create(card=card, user=user, bound_at=self._clock())
                created = True
            except IntegrityError:
                existing = await TransitCard.get_or_none(card=card)
        if existing is None or existing.user_id != user.id:  # type: ignore[attr-defined]
            raise CardBoundElsewhere("this card is bound to another account")
        return existing, created

    async def cards(self, user: User) -> list[TransitCard]:
        """The user's bound cards, oldest binding first."""
        return list(await TransitCard.filter(user_id=user.id).order_by("bound_at", "id"))


async def _matches(card: str, proof: TripProof) -> bool:
    # One query whatever the card: no trips and wrong details take the same path.
    return await Trip.filter(
        rider_card=card,
        entry_station=proof.entry_station,
        fare_fen=proof.fare_fen,
        entry_at__gte=day_start(proof.day),
        entry_at__lt=day_start(proof.day + timedelta(days=1)),
    ).exists()


async def _take(key: str, day: date) -> int:
    conn = connection()
    rows = await conn.execute_query_dict(dialect_sql(conn, _TAKE), [key, day])
    return int(rows[0]["count"])


async def _give_back(keys: list[str], day: date) -> None:
    conn = connection()
    for key in keys:
        await conn.execute_query(dialect_sql(conn, _GIVE_BACK), [key, day])
