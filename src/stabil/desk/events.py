"""The declaration an incident is judged by."""

from __future__ import annotations

from stabil.catalog.service import declaration_of
from stabil.declaration import Declaration
from stabil.desk.models import Incident


def declaration_for(incident: Incident) -> Declaration:
    """The declaration version the incident was opened under; later versions never apply."""
    return declaration_of(incident.declaration_version)
