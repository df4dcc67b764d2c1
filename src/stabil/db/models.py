"""Imports every domain's tables, so that the metadata knows them all."""

from stabil.accounts import models as accounts_models
from stabil.catalog import models as catalog_models
from stabil.desk import models as desk_models
from stabil.outbox import models as outbox_models
from stabil.problems import models as problems_models
from stabil.requests import models as requests_models
from stabil.status import models as status_models
from stabil.web import sessions as web_sessions
from stabil.worker import models as worker_models

__all__ = [
    "accounts_models",
    "catalog_models",
    "desk_models",
    "outbox_models",
    "problems_models",
    "requests_models",
    "status_models",
    "web_sessions",
    "worker_models",
]
