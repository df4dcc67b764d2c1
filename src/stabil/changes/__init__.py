"""Change records: changes to a service, planned, approved and carried out (R12)."""
