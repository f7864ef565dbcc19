"""Per-key attempt limits over a sliding minute, counted in the deployment's shared store.

An ``AttemptLimit`` slows a key (a client address) down after ``slow_after`` attempts in the
window and refuses it at ``refuse_after``. It is built on the ``limits`` library's sliding
window counter, whose hit is one atomic check-and-count in every store (Redis, the database,
memory), so however many requests arrive at once, over however many processes, no more than
``refuse_after`` are counted as admitted in a window.

When the store does not answer, the limited request is refused with ``LimiterUnavailable``
(503 with Retry-After): the limit fails closed.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError

from backend.errors import TooManyRequests
from backend.throttle.errors import LimiterUnavailable

log = logging.getLogger("piaojia.limits")
UNAVAILABLE_RETRY_SECONDS = 5
# How long a process takes a key seen below ``slow_after`` for clean without asking the store,
# and how many such keys it remembers.
CLEAN_SECONDS = 1.0
CLEAN_KEYS = 10_000
Refusal = Callable[[int], TooManyRequests]
T = TypeVar("T")


class AttemptLimit:
    def __init__(
        self,
        storage: Storage,
        *,
        name: str,
        slow_after: int,
        refuse_after: int,
        window_seconds: int,
        refusal: Refusal,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``name`` keeps this limit's keys apart from the others' in the shared store;
        ``refusal(retry_after)`` is the domain error a refused key gets."""
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._item = RateLimitItemPerSecond(refuse_after, window_seconds, namespace=name)
        self._slow_after = slow_after
        self._refusal = refusal
        self._clean_until: dict[str, float] = {}
        self._monotonic = monotonic

    async def admit(self, key: str) -> float:
        """Whether ``key`` may try now, without counting: the seconds to wait before answering
        it (0 below ``slow_after`` attempts, then doubling from 0.1 s to at most 2 s); raises
        the refusal while it has ``refuse_after`` attempts in the window.

        A key found below ``slow_after`` is taken for clean by this process for a second, or
        until it fails here: a clean client's request (the busy scan path) costs no round trip
        to the store. Only this answer is remembered; every count goes to the store."""
        if self._clean_until.get(key, 0.0) > self._monotonic():
            return 0.0
        stats = await self._guard(self._limiter.get_window_stats(self._item, key))
        if stats.remaining <= 0:
            raise self._refusal(_seconds_until(stats.reset_time))
        delay = _delay(self._item.amount - stats.remaining, self._slow_after)
        if not delay:
            if len(self._clean_until) >= CLEAN_KEYS:
                self._clean_until.clear()
            self._clean_until[key] = self._monotonic() + CLEAN_SECONDS
        return delay

    async def count(self, key: str) -> None:
        """Count one attempt of ``key``, atomically with the check: raises the refusal, and
        counts nothing, when the window is already full."""
        self._clean_until.pop(key, None)
        if not await self._guard(self._limiter.hit(self._item, key)):
            stats = await self._guard(self._limiter.get_window_stats(self._item, key))
            raise self._refusal(_seconds_until(stats.reset_time))

    async def clear(self, key: str) -> None:
        """Forget ``key``'s attempts."""
        self._clean_until.pop(key, None)
        await self._guard(self._limiter.clear(self._item, key))

    async def _guard(self, pending: Awaitable[T]) -> T:
        try:
            return await pending
        except StorageError as exc:
            log.error("the store of the %s limit failed: %r", self._item.namespace, exc)
            raise LimiterUnavailable(
                "the rate limit cannot be checked just now; try again in a few seconds",
                retry_after=UNAVAILABLE_RETRY_SECONDS,
            ) from exc


def _delay(attempts: int, slow_after: int) -> float:
    excess = attempts - slow_after
    return 0.0 if excess < 0 else min(2.0, 0.1 * 2 ** min(excess, 5))


def _seconds_until(moment: float) -> int:
    return max(1, math.ceil(moment - time.time()))
