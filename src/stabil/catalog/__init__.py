"""The service catalogue: services and the declaration versions that govern them."""
