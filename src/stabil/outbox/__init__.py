"""The outbox: notifications written with the change that causes them, delivered later."""
