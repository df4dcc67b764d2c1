"""One compiled clock per declaration, kept while the declaration is in use."""

from __future__ import annotations

import threading
from collections import OrderedDict

from stabil.clock.clock import Clock
from stabil.declaration import Declaration

_KEPT = 16
_clocks: OrderedDict[int, tuple[Declaration, Clock]] = OrderedDict()
_lock = threading.Lock()


def clock_for(declaration: Declaration) -> Clock:
    """The clock of a declaration object, compiled once and reused (the last 16 are kept).

    Declarations are immutable, so the object's identity is its version; holding the object
    in the cache keeps its id from being reused by another declaration.
    """
    key = id(declaration)
    with _lock:
        entry = _clocks.get(key)
        if entry is not None and entry[0] is declaration:
            _clocks.move_to_end(key)
            return entry[1]
        clock = Clock(declaration)
        _clocks[key] = (declaration, clock)
        while len(_clocks) > _KEPT:
            _clocks.popitem(last=False)
        return clock
