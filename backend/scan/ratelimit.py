"""Slowing down, then refusing, a client that tries many unknown scan tokens.

Tokens carry 192 bits, so guessing cannot succeed; the limit keeps a scanner from costing us
database reads and from learning anything by timing. Counts are kept per client address in a
sliding window, in memory: each app process counts on its own.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable
from time import monotonic

from backend.scan.errors import TooManyUnknownTokens

MAX_TRACKED_CLIENTS = 100_000


class UnknownTokenLimiter:
    def __init__(
        self,
        *,
        slow_after: int,
        refuse_after: int,
        window_seconds: float,
        clock: Callable[[], float] = monotonic,
    ) -> None:
        self._slow_after = slow_after
        self._refuse_after = refuse_after
        self._window = window_seconds
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.get(client)
        if failures is None:
            return deque()
        horizon = self._clock() - self._window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[client]
        return failures

    def admit(self, client: str) -> float:
        """Seconds to wait before answering ``client``; raises while it is refused.

        Refusal lasts until enough of its failures have left the window.
        """
        failures = self._recent(client)
        if len(failures) >= self._refuse_after:
            retry = failures[len(failures) - self._refuse_after] + self._window - self._clock()
            raise TooManyUnknownTokens(
                "too many unknown receipt codes from this address; try again later",
                retry_after=max(1, math.ceil(retry)),
            )
        excess = len(failures) - self._slow_after
        return 0.0 if excess < 0 else min(2.0, 0.1 * 2 ** min(excess, 5))

    def failed(self, client: str) -> None:
        """Count one unknown token from ``client``."""
        failures = self._failures.pop(client, None) or deque()
        failures.append(self._clock())
        self._failures[client] = failures  # most recent last: the oldest are evicted first
        while len(self._failures) > MAX_TRACKED_CLIENTS:
            self._failures.popitem(last=False)
