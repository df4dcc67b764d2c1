"""How many failed sign-ins are allowed: per account and address, per address, per account.

Failures are counted in a sliding window, in this process's memory (nothing is written per
attempt, so a flood of wrong passwords costs the database nothing). A client over a limit is
answered 429 with Retry-After before any password is checked. Limits only ever last one
window: the real user is delayed, never locked out for good, and a successful sign-in clears
the failures of that account from that address.

- account and address: the ordinary guesser, and the user who mistyped a few times;
- address: one client trying many accounts;
- account: many clients (a botnet) trying one account; high, since it delays the real user too.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 15 * 60
MAX_TRACKED = 100_000  # keys kept at most; the oldest go first, bounding memory under a flood


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    failures: int  # allowed within the window; the next attempt waits


PAIR, ADDRESS, ACCOUNT = Limit("pair", 5), Limit("address", 30), Limit("account", 50)
Key = tuple[str, str]


class SignInLimits:
    def __init__(
        self, *, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[Key, deque[float]] = OrderedDict()

    def wait_seconds(self, account: str, address: str) -> int:
        """0 when an attempt may be made now, else the seconds until one may."""
        now = self.clock()
        return max(self._wait(key, limit, now) for limit, key in _counted(account, address))

    def failed(self, account: str, address: str) -> None:
        now = self.clock()
        for _limit, key in _counted(account, address):
            times = self._failures.pop(key, None) or deque()
            times.append(now)
            self._failures[key] = times  # moved to the end: the most recently used
        while len(self._failures) > MAX_TRACKED:
            self._failures.popitem(last=False)

    def succeeded(self, account: str, address: str) -> None:
        self._failures.pop(_pair(account, address), None)

    def _wait(self, key: Key, limit: Limit, now: float) -> int:
        times = self._failures.get(key)
        if times is None:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0
        if len(times) < limit.failures:
            return 0
        # Wait until enough failures have left the window to allow one more attempt.
        oldest_counted = times[len(times) - limit.failures]
        return max(1, math.ceil(oldest_counted + self.window - now))


def _pair(account: str, address: str) -> Key:
    return (PAIR.name, f"{account}\n{address}")


def _counted(account: str, address: str) -> tuple[tuple[Limit, Key], ...]:
    return (
        (PAIR, _pair(account, address)),
        (ADDRESS, (ADDRESS.name, address)),
        (ACCOUNT, (ACCOUNT.name, account)),
    )
