"""The database schema's history (Alembic revisions in versions/), one line from a baseline."""
