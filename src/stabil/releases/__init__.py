"""Releases: a service's coming versions, announced with the notice the declaration asks (R11)."""
