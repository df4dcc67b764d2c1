"""Watch: monitors, the state of each monitored part as intervals of time, and uptime (R3).

Probes, Alertmanager, manual entries and imports all end as intervals `[start, end)` with a
state and a source. A monitor's current state is its one open interval, kept on the monitor;
once it ends it is appended to the log and never changed. Uptime is measured in time, split
by the declaration's service periods with the clock, never by counting checks.
"""
