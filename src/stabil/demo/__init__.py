"""A history to look at: `stabil demo` fills an empty database with a seeded, realistic past.

The plan (`plan`, `incidents`, `records`) is pure computation from a seed and the
declaration's clock: what happens when, and who does it. The writer (`writer`) carries it
out through the same service functions the API calls, each at the instant the plan gives it
(their `now`), and runs the worker's due jobs in between, so that escalations, orientation
duties and review reminders happen as they would have in production.
"""
