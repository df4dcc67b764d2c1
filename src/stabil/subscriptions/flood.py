"""How many sign-ups one client address may ask for: a sliding window in this process's memory.

Counting here writes nothing per request, so a flood costs the database nothing; the limit
that protects the addresses themselves (one mail per window) is in the database instead
(`signup.RATE_WINDOW`). Each server process counts on its own.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

WINDOW_SECONDS = 15 * 60
MAX_TRACKED = 100_000  # clients kept at most; the longest idle go first, bounding memory


class RequestCounter:
    def __init__(
        self,
        limit: int,
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def admit(self, client: str) -> int:
        """0 when `client` may ask now (and the request is counted); else the seconds until
        it may."""
        now = self.clock()
        times = self._seen.pop(client, None) or deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        self._seen[client] = times  # at the end: the most recently seen
        if len(times) >= self.limit:
            return max(1, math.ceil(times[0] + self.window - now))
        times.append(now)
        while len(self._seen) > MAX_TRACKED:
            self._seen.popitem(last=False)
        return 0
