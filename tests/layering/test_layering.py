"""The layering of src/stabil holds: each rule of docs/architecture.md, read from the source.

A failure names the module and line that break a rule. A new dependency between packages is
a change to ALLOWED below (and to the doc), made on purpose, never one that slips in.
"""

from __future__ import annotations

import ast

from tests.layering.source import (
    Module,
    called_name,
    cycles,
    imported_names,
    imports_of,
    module_graph,
    modules,
    outside_imports,
    package_graph,
    stabil_imports,
)

# Which packages each package imports, as the code has them (the routes of every domain
# count as `web`, see docs/architecture.md). Exactly these: a new edge is a decision, and
# an edge that went away is struck out here.
ALLOWED: dict[str, set[str]] = {
    "__main__": {"cli"},
    "access": set(),
    "accounts": {"db"},
    "catalog": {
        "db",
        "declaration",
        "errors",
        "worker",  # a change asks for the service's public site by a job (publishing.py)
    },
    "cli": {
        "accounts",
        "catalog",
        "clock",
        "db",
        "declaration",
        "demo",
        "desk",
        "errors",
        "meetings",
        "public",
        "reports",
        "settings",
        "stabil",
        "subscriptions",
        "web",
        "watch",
        "windows",
        "worker",
    },
    "clock": {"declaration"},
    "changes": {
        "access",
        "accounts",
        "catalog",
        "db",
        "errors",
        "records",
        "schemas",
        "windows",
    },
    "windows": {
        "accounts",
        "catalog",
        "clock",
        "db",
        "declaration",
        "errors",
        "records",
        "schemas",
        "status",  # an announcement is an operational message (R12.2)
        "worker",  # the reminder, start and end are the worker's jobs
    },
    "watch": {
        "accounts",
        "catalog",
        "clock",
        "db",
        "declaration",
        "desk",  # a confirmed outage opens an incident; majors read its downtime (R9.4)
        "errors",
        "records",
        "schemas",
        "settings",  # the prober's concurrency, reloading and the results kept
        "stabil",  # the prober names its version in its User-Agent
        "texts",
        "windows",  # windows that excuse downtime are left out of the figures (R3.3)
    },
    "db": {"settings"},
    "declaration": set(),
    # A report reads every domain whose figures the declaration sets goals for, and mails
    # itself by the outbox from a worker job; nothing below it knows of reports.
    "reports": {
        "accounts",
        "catalog",
        "clock",
        "declaration",
        "desk",  # the timers, majors, escalations and the backlog (R4, R7, R8, R9)
        "errors",
        "meetings",  # the forums' meetings held or due (R9.8, R17)
        "outbox",  # the scheduled delivery
        "printing",
        "releases",  # their notice (R11)
        "rendering",  # the HTML and PDF are rendered with the app's templates and catalogues
        "status",  # the operational messages of the period (R10.3)
        "subscriptions",  # a contact that stands for the subscribers
        "texts",
        "watch",  # availability is the uptime figure of watch, as its API gives it (R3)
        "windows",  # the windows and their quota (R13)
        "worker",
    },
    "demo": {
        "accounts",
        "catalog",
        "changes",
        "clock",
        "db",
        "declaration",
        "desk",
        "errors",
        "meetings",
        "outbox",
        "problems",
        "releases",
        "requests",
        "settings",
        "status",
        "subscriptions",
        "watch",
        "windows",
        "worker",
    },
    "desk": {
        "access",
        "accounts",
        "catalog",
        "clock",
        "db",
        "declaration",
        "errors",
        "outbox",
        "records",
        "schemas",
        "settings",
        "subscriptions",
        "texts",
        "worker",
    },
    "errors": set(),
    "idempotency": {"accounts", "db", "errors"},
    # A meeting's pack reads the operations since the last one: incidents and majors (desk),
    # windows and releases; it is rendered like the public pages, without a request.
    "meetings": {
        "accounts",
        "catalog",
        "db",
        "declaration",
        "desk",
        "errors",
        "outbox",  # the reminders
        "printing",  # the pack as a PDF
        "records",
        "releases",
        "rendering",
        "schemas",
        "subscriptions",  # the review meeting's participants are the authorities' network (R9.8)
        "windows",
        "worker",  # the reminders are the worker's jobs
    },
    "metrics": {"outbox", "worker"},
    "migrations": {
        "accounts",
        "catalog",
        "changes",
        "db",
        "desk",
        "idempotency",
        "meetings",
        "outbox",
        "problems",
        "releases",
        "requests",
        "status",
        "subscriptions",
        "watch",
        "windows",
        "worker",
    },
    "outbox": {"db", "errors", "settings"},
    "problems": {"access", "accounts", "catalog", "db", "desk", "errors", "records", "schemas"},
    # The public site gathers a snapshot, renders it and publishes it as files; its JSON
    # names the domains' own states and types.
    "public": {
        "catalog",
        "declaration",
        "meetings",  # the service's calendar holds its meetings beside its windows
        "outbox",  # the form posts to the app's address, wherever the files are served
        "rendering",  # the pages are the app's templates, rendered without a request
        "settings",
        "stabil",  # the code's version says when the published files are stale
        "status",  # the messages, with their timeline (R9.5)
        "subscriptions",  # the form offers the kinds of message that reach subscribers
        "watch",  # the states, this month's uptime and the days (R3)
        "windows",  # the announced windows (R12.2) and their calendar
        "worker",  # publishing is the worker's job
    },
    "records": {"accounts", "db", "declaration", "errors"},
    "releases": {
        "accounts",
        "catalog",
        "db",
        "declaration",
        "errors",
        "records",
        "schemas",
        "status",
    },
    "requests": {
        "access",
        "accounts",
        "catalog",
        "clock",
        "db",
        "declaration",
        "desk",
        "errors",
        "records",
        "schemas",
    },
    "schemas": set(),
    "texts": set(),
    # Catalogues and templates, for a request's page and for a published file alike.
    "rendering": {"declaration"},
    # HTML documents printed on A4 (WeasyPrint): reports and meeting packs.
    "printing": set(),
    "settings": set(),
    "stabil": set(),
    "status": {
        "accounts",
        "catalog",
        "db",
        "declaration",
        "desk",
        "errors",
        "outbox",
        "records",
        "schemas",
        "subscriptions",
    },
    "subscriptions": {
        "accounts",
        "catalog",
        "db",
        "declaration",  # a subscriber chooses among the declaration's parts and types (R10.2)
        "errors",
        "outbox",  # a sign-up is answered by mail
        "settings",  # the key that signs the confirmation link
    },
    "web": {
        "accounts",
        "catalog",
        "changes",
        "db",
        "declaration",
        "desk",
        "errors",
        "idempotency",
        "meetings",
        "metrics",
        "outbox",
        "problems",
        "public",
        "rendering",
        "records",
        "releases",
        "reports",
        "requests",
        "schemas",
        "settings",
        "stabil",
        "status",
        "subscriptions",
        "texts",
        "watch",
        "windows",
    },
    "worker": {"db", "outbox", "settings"},
}

CORE = ("declaration", "clock")
# What the pure core may use from outside stabil: computation, parsing and the zone and
# holiday tables, nothing that reaches a database, the network, a process or the settings.
CORE_LIBRARIES = frozenset(
    {
        "__future__",
        "babel",
        "bisect",
        "collections",
        "dataclasses",
        "datetime",
        "difflib",
        "enum",
        "functools",
        "holidays",
        "itertools",
        "json",
        "math",
        "numpy",
        "pydantic",
        "pydantic_core",
        "re",
        "threading",
        "types",
        "typing",
        "yaml",
        "zoneinfo",
    }
)
# The one place of the core that reads a file: the declaration it is given.
READS_ITS_FILE = {"stabil.declaration.loader": frozenset({"pathlib"})}
FILE_CALLS = frozenset({"open", "read_text", "read_bytes", "write_text", "write_bytes"})
# Frameworks of the edges: the HTTP layer and the command line.
EDGE_LIBRARIES = frozenset({"fastapi", "starlette", "uvicorn", "typer"})
# What a route may not do to the database: that is a service's work, in its transaction.
SESSION_CALLS = frozenset(
    {"execute", "scalar", "scalars", "get", "query", "add", "add_all", "delete", "merge"}
    | {"flush", "commit", "rollback"}
)
# A route may name the session's type for a helper's signature; it builds no statement.
ROUTE_SQLALCHEMY = frozenset({"sqlalchemy.orm.Session"})


def _none(wrong: list[str]) -> None:
    assert not wrong, "\n  ".join(["the rule is broken by", *wrong])


def _where(module: Module, line: int) -> str:
    return f"{module.relative}:{line}"


def _in(module: Module, packages: tuple[str, ...]) -> bool:
    return module.package in packages


def test_the_pure_core_imports_no_domain_and_nothing_of_the_edges() -> None:
    wrong = [
        f"{module.name} imports {target}"
        for module in modules().values()
        if _in(module, CORE)
        for target in sorted(stabil_imports(module))
        if modules()[target].package not in CORE
    ]
    _none(wrong)


def test_the_pure_core_uses_no_library_that_does_input_or_output() -> None:
    wrong = [
        f"{_where(module, found.line)} imports {found.target}"
        for module in modules().values()
        if _in(module, CORE)
        for found in outside_imports(module)
        if found.target not in CORE_LIBRARIES | READS_ITS_FILE.get(module.name, frozenset())
    ]
    _none(wrong)


def test_the_pure_core_reads_only_the_file_it_is_given() -> None:
    wrong = [
        f"{_where(module, node.lineno)} calls {name}()"
        for module in modules().values()
        if _in(module, CORE) and module.name not in READS_ITS_FILE
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Call) and (name := called_name(node)) in FILE_CALLS | {"print"}
    ]
    _none(wrong)
    loader = modules()["stabil.declaration.loader"].tree
    assert any(isinstance(n, ast.Call) and called_name(n) == "read_text" for n in ast.walk(loader))


def test_no_domain_module_imports_the_web_the_cli_or_a_route() -> None:
    # models.py, service.py and every other module of a domain: only the edges speak HTTP.
    wrong = [
        f"{module.name} imports {target}"
        for module in modules().values()
        if not module.is_edge
        for target in sorted(stabil_imports(module))
        if modules()[target].is_edge
    ]
    wrong += [
        f"{_where(module, found.line)} imports {found.target}"
        for module in modules().values()
        if not module.is_edge
        for found in outside_imports(module)
        if found.target in EDGE_LIBRARIES
    ]
    _none(wrong)


def test_only_the_entry_point_imports_the_cli() -> None:
    wrong = [
        f"{module.name} imports {target}"
        for module in modules().values()
        if module.package not in ("cli", "__main__")
        for target in sorted(stabil_imports(module))
        if modules()[target].package == "cli"
    ]
    _none(wrong)


def test_routes_run_no_sql() -> None:
    wrong = []
    for module in modules().values():
        if not module.is_router:
            continue
        wrong += [
            f"{_where(module, line)} imports {name}"
            for line, name in imported_names(module)
            if name.split(".")[0] == "sqlalchemy" and name not in ROUTE_SQLALCHEMY
        ]
        wrong += [
            f"{_where(module, node.lineno)} calls session.{node.func.attr}()"
            for node in ast.walk(module.tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SESSION_CALLS
            and isinstance(node.func.value, ast.Name)
            and "session" in node.func.value.id
        ]
    _none(wrong)


def test_routes_compute_no_service_time() -> None:
    # Deadlines and elapsed service time are domain rules: a route asks a service for them.
    wrong = [
        f"{module.name} imports {target}"
        for module in modules().values()
        if module.is_http_edge
        for target in sorted(stabil_imports(module))
        if modules()[target].package == "clock"
    ]
    _none(wrong)


# Libraries that cost a second or more to import (measured with `python -X importtime` on
# the development machine: WeasyPrint 0.9-2.8 s, matplotlib 0.6-1.7 s, openpyxl 0.3-0.8 s),
# used only to write a document. They are imported where the document is written, so that
# every `stabil` command and every start of the app does not pay for them. None is ours, so
# importing one late hides no cycle.
IMPORTED_WHERE_USED = frozenset({"weasyprint", "matplotlib", "openpyxl"})


def test_every_import_is_at_the_top_of_its_module() -> None:
    # An import inside a function (or an if, or a try) hides a dependency, often a cycle.
    wrong = [
        f"{_where(module, found.line)} imports {found.target}"
        for module in modules().values()
        for found in imports_of(module)
        if not found.top_level and found.target.split(".")[0] not in IMPORTED_WHERE_USED
    ]
    _none(wrong)


def test_the_heavy_libraries_are_imported_only_where_they_are_used() -> None:
    # Never at the top of a module: importing the CLI or the app must not load them.
    wrong = [
        f"{_where(module, found.line)} imports {found.target} at the top"
        for module in modules().values()
        for found in imports_of(module)
        if found.top_level and found.target.split(".")[0] in IMPORTED_WHERE_USED
    ]
    _none(wrong)


def test_no_module_imports_itself_back() -> None:
    assert cycles(module_graph()) == []


def test_packages_import_each_other_in_one_direction() -> None:
    assert cycles(package_graph()) == []


def test_packages_import_exactly_the_allowed_packages() -> None:
    actual = package_graph()
    new = {node: sorted(actual[node] - ALLOWED.get(node, set())) for node in actual}
    gone = {node: sorted(ALLOWED[node] - actual.get(node, set())) for node in ALLOWED}
    assert {node: edges for node, edges in new.items() if edges} == {}, "new dependencies"
    assert {node: edges for node, edges in gone.items() if edges} == {}, "dependencies gone"
    assert sorted(actual) == sorted(ALLOWED)
