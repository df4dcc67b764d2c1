"""Service windows: planned maintenance checked against the declaration (R13)."""
