"""docs/architecture.md shows the packages and their imports as the code has them."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from tests.layering.source import package_graph, reduction

DOC = ROOT / "docs" / "architecture.md"
NODE = re.compile(r'^\s*(\w+)(?:\["([^"]+)"\])?\s*$')
EDGE = re.compile(r"^\s*(\w+) --> (\w+)\s*$")
ROW = re.compile(r"^\| `([\w]+)` \| (.+) \|$", re.MULTILINE)


def _diagram() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1, "docs/architecture.md should hold one Mermaid diagram"
    return str(blocks[0]).splitlines()


def _diagram_graph() -> tuple[set[str], dict[str, set[str]]]:
    """The packages the diagram names (by label) and its arrows between them."""
    labels: dict[str, str] = {}
    arrows: list[tuple[str, str]] = []
    for line in _diagram():
        if edge := EDGE.match(line):
            arrows.append((edge[1], edge[2]))
        elif (node := NODE.match(line)) and node[1] != "end":
            labels[node[1]] = node[2] or node[1]
    graph: dict[str, set[str]] = {}
    for source, target in arrows:
        graph.setdefault(labels.get(source, source), set()).add(labels.get(target, target))
    return set(labels.values()), graph


def _expected_diagram() -> str:
    shown = reduction(package_graph())
    return "\n".join(f"  {a} --> {b}" for a in sorted(shown) for b in sorted(shown[a]))


def test_the_diagram_shows_every_package_and_the_imports_between_them() -> None:
    named, arrows = _diagram_graph()
    actual = reduction(package_graph())
    assert named == set(actual), "the diagram names other packages than src/stabil has"
    wanted = {node: targets for node, targets in actual.items() if targets}
    assert arrows == wanted, "the diagram's arrows should be:\n" + _expected_diagram()


def test_the_table_lists_what_each_package_imports() -> None:
    rows = ROW.findall(DOC.read_text(encoding="utf-8"))
    table = {
        package: set() if cells == "nothing" else set(re.findall(r"`(\w+)`", cells))
        for package, cells in rows
    }
    assert len(rows) == len(table), "a package has two rows"
    assert table == package_graph()


def test_the_readme_leads_to_the_architecture() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[docs/architecture.md](docs/architecture.md)" in readme
