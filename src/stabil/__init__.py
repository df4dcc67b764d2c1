"""Stabil keeps the promises of a public digital service's service declaration."""

__version__ = "0.1.0"
