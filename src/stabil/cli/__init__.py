"""The `stabil` command line."""
