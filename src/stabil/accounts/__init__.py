"""Accounts: organisations, users with roles, passwords and API tokens."""
