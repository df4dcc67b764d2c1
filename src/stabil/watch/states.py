"""The states a monitored part is in, and where a state came from."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    up = "up"
    degraded = "degraded"  # answering, but slower than the monitor allows; not downtime (R3.3)
    down = "down"
    unknown = "unknown"  # no data: neither up nor down, left out of the measured time (R3.3)


class Source(StrEnum):
    probe = "probe"
    alertmanager = "alertmanager"
    event = "event"  # a generic JSON event from another monitoring system
    manual = "manual"
    import_ = "import"


class MonitorKind(StrEnum):
    http = "http"
    tcp = "tcp"
    heartbeat = "heartbeat"  # the watched system calls in; silence means down
    external = "external"  # told by Alertmanager or events; never probed


# The states a probe or an entry may report; unknown is only ever the absence of data.
KNOWN = (State.up, State.degraded, State.down)
# Kinds whose state the prober decides.
PROBED = (MonitorKind.http, MonitorKind.tcp, MonitorKind.heartbeat)
