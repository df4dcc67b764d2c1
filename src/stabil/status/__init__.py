"""Operational status: messages to the users of a service, subscribers and webhooks (R10, R14)."""
