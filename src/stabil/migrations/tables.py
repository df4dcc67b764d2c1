"""Every domain's tables, so that the metadata the migrations compare with knows them all.

It sits here, above every domain, because only the migrations need all tables at once; the
database package below the domains stays free of them.
"""

from stabil.accounts import browser_sessions
from stabil.accounts import models as accounts_models
from stabil.catalog import models as catalog_models
from stabil.changes import models as changes_models
from stabil.desk import models as desk_models
from stabil.idempotency import models as idempotency_models
from stabil.meetings import models as meetings_models
from stabil.outbox import models as outbox_models
from stabil.problems import models as problems_models
from stabil.releases import models as releases_models
from stabil.requests import models as requests_models
from stabil.status import models as status_models
from stabil.subscriptions import models as subscriptions_models
from stabil.watch import models as watch_models
from stabil.windows import models as windows_models
from stabil.worker import models as worker_models

__all__ = [
    "accounts_models",
    "browser_sessions",
    "catalog_models",
    "changes_models",
    "desk_models",
    "idempotency_models",
    "meetings_models",
    "outbox_models",
    "problems_models",
    "releases_models",
    "requests_models",
    "status_models",
    "subscriptions_models",
    "watch_models",
    "windows_models",
    "worker_models",
]
