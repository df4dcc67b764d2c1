"""Safe retries of writes: the first answer to a key, replayed to every retry."""
