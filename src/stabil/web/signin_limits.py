"""How many failed sign-ins are allowed: per account and address, per address, per account.

Failures are counted in a sliding window, in this process's memory (nothing is written per
attempt, so a flood of wrong passwords costs the database nothing). An attempt counts as a
failure from the moment it is made until it succeeds; a client over a limit is answered 429
with Retry-After before any password is checked. Limits only ever last one
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


@dataclass(frozen=True, slots=True)
class Attempt:
    limits: SignInLimits
    account: str
    address: str
    at: float

    def succeeded(self) -> None:
        """It was no failure, and the account's earlier failures from there are forgiven."""
        self.withdraw()
        self.limits.forgive(self.account, self.address)

    def withdraw(self) -> None:
        """It was not judged (the service was busy): it counts for nothing."""
        self.limits.uncount(self)


class SignInLimits:
    def __init__(
        self, *, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[Key, deque[float]] = OrderedDict()

    def attempt(self, account: str, address: str) -> Attempt | int:
        """An attempt, counted as failed until it succeeds; or the seconds to wait first.

        Counting it at once means a hundred attempts arriving together cannot all pass the
        check while their passwords are still being compared.
        """
        now = self.clock()
        counted = _counted(account, address)
        wait = max(self._wait(key, limit, now) for limit, key in counted)
        if wait:
            return wait
        for _limit, key in counted:
            times = self._failures.pop(key, None) or deque()
            times.append(now)
            self._failures[key] = times  # moved to the end: the most recently used
        while len(self._failures) > MAX_TRACKED:
            self._failures.popitem(last=False)
        return Attempt(self, account, address, now)

    def uncount(self, attempt: Attempt) -> None:
        for _limit, key in _counted(attempt.account, attempt.address):
            times = self._failures.get(key)
            if times is not None and attempt.at in times:
                times.remove(attempt.at)

    def forgive(self, account: str, address: str) -> None:
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
