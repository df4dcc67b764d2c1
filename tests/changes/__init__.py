"""Tests of change records (R12.1)."""
