"""The recorded-entity tests run with the declarations loaded, as the status tests do."""

from tests.status.conftest import services

__all__ = ["services"]
