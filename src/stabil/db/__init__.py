"""The database: engine and sessions, the declarative base, and migrations."""
