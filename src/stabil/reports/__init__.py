"""Compliance reports: every KPI of the declaration per period, proven from the events, windows
and outage intervals behind it (R3, R4, R7.5, R7.6, R9.7, R9.8, R11, R13, R14, R17)."""
