"""The modules of src/stabil and what each imports, read from the source without running it."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

SRC = ROOT / "src"

# The HTTP edge that lives beside its domain: the FastAPI dependencies that say who is
# calling, the middleware that counts requests, and the public site's pages, rendered with
# the web layer's templates. Routers are found by their APIRouter.
HTTP_HELPERS = frozenset({"stabil.accounts.auth", "stabil.metrics.http", "stabil.public.pages"})
EDGE_PACKAGES = frozenset({"web", "cli", "migrations", "__main__"})


@dataclass(frozen=True, slots=True)
class Import:
    target: str  # a module of stabil by its full name, or an outside module as written
    line: int
    top_level: bool  # a statement of the module's body, not inside a def, class, if or try


@dataclass(frozen=True, slots=True)
class Module:
    name: str  # stabil.desk.api
    path: Path
    tree: ast.Module

    @property
    def relative(self) -> str:
        return self.path.relative_to(SRC).as_posix()

    @property
    def package(self) -> str:
        """The top-level package or module of stabil it belongs to: desk, errors, __main__."""
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else parts[0]

    @property
    def is_router(self) -> bool:
        """Whether it makes an APIRouter: a module of routes."""
        return any(
            isinstance(node, ast.Call) and called_name(node) == "APIRouter"
            for node in ast.walk(self.tree)
        )

    @property
    def is_http_edge(self) -> bool:
        return self.package == "web" or self.is_router or self.name in HTTP_HELPERS

    @property
    def is_edge(self) -> bool:
        return self.package in EDGE_PACKAGES or self.is_http_edge

    @property
    def node(self) -> str:
        """Its node in the package graph: the HTTP edge of every domain counts as `web`."""
        return "web" if self.is_http_edge else self.package


def called_name(call: ast.Call) -> str | None:
    """`f` of `f(...)` and of `x.f(...)`."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


@functools.cache
def modules() -> Mapping[str, Module]:
    found = {}
    for path in sorted((SRC / "stabil").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        found[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def imports_of(module: Module) -> list[Import]:
    top = {id(statement) for statement in module.tree.body}
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            targets = list(_from_targets(module, node))
        else:
            continue
        found += [Import(target, node.lineno, id(node) in top) for target in targets]
    return found


def _from_targets(module: Module, node: ast.ImportFrom) -> Iterator[str]:
    if node.level:
        package = module.name.split(".")
        if module.path.name != "__init__.py":
            package.pop()
        anchor = package[: len(package) - node.level + 1]
        base = ".".join([*anchor, node.module] if node.module else anchor)
    else:
        base = node.module or ""
    for alias in node.names:
        # `from stabil.desk import models` imports the module stabil.desk.models.
        candidate = f"{base}.{alias.name}"
        yield candidate if candidate in modules() else base


def imported_names(module: Module) -> Iterator[tuple[int, str]]:
    """Each name an import statement binds, in full: `sqlalchemy.orm.Session`, `os`."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def stabil_imports(module: Module) -> set[str]:
    """The modules of stabil it imports, itself left out."""
    return {
        found.target
        for found in imports_of(module)
        if found.target in modules() and found.target != module.name
    }


def outside_imports(module: Module) -> list[Import]:
    """What it imports from outside stabil, by the top-level name (`sqlalchemy`, `os`)."""
    return [
        Import(found.target.split(".")[0], found.line, found.top_level)
        for found in imports_of(module)
        if found.target.split(".")[0] != "stabil"
    ]


def module_graph() -> dict[str, set[str]]:
    return {name: stabil_imports(module) for name, module in modules().items()}


def package_graph() -> dict[str, set[str]]:
    """Which nodes (packages, and the HTTP edge as `web`) import which others."""
    graph: dict[str, set[str]] = {}
    for module in modules().values():
        edges = graph.setdefault(module.node, set())
        edges |= {modules()[target].node for target in stabil_imports(module)}
        edges.discard(module.node)
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            part = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                part.append(other)
                if other == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def reduction(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The fewest edges with the same reach (the graph must be acyclic): an edge goes when
    the target is reached through another path as well."""

    @functools.cache
    def reach(node: str) -> frozenset[str]:
        return frozenset().union(*({other} | reach(other) for other in graph.get(node, ())))

    return {
        node: {
            other
            for other in targets
            if not any(other in reach(middle) for middle in targets - {other})
        }
        for node, targets in graph.items()
    }
