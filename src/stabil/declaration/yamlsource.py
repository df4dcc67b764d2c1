"""Read YAML into plain data while remembering where every value stood in the file.

PyYAML's safe loader follows YAML 1.1, which reads `16:30` as the number 990 and `no` as false.
Declarations are full of clock times, so this loader resolves only YAML 1.2's core types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based, as editors count
    column: int


class YamlError(Exception):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# libyaml's parser when PyYAML was built with it (its wheels are): some ten times faster than
# the pure-Python one, with the same nodes and marks. The scalars are resolved in Python either
# way, by the resolvers below.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """SafeLoader with YAML 1.2 core-schema scalars: no sexagesimal numbers, no yes/no booleans."""


_CoreLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:timestamp", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "0123456789"),
]:
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def load_yaml(text: str) -> tuple[Any, dict[Path, Position]]:
    """Parse one YAML document; return its data and the position of every key and item."""
    loader = _CoreLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {(): Position(1, 1)}
        positions: dict[Path, Position] = {}
        data = _build(loader, node, (), positions)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        problem = error.problem or error.context or "malformed YAML"
        raise YamlError(f"malformed YAML: {problem}", position) from None
    except yaml.YAMLError as error:
        raise YamlError(f"malformed YAML: {error}", Position(1, 1)) from None
    finally:
        loader.dispose()
    return data, positions


def _build(
    loader: _CoreLoader, node: yaml.Node, path: Path, positions: dict[Path, Position]
) -> Any:
    positions.setdefault(path, _position(node))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                raise yaml.MarkedYAMLError(
                    problem="a key must be a plain word", problem_mark=key_node.start_mark
                )
            key = str(key)
            if key in result:
                raise yaml.MarkedYAMLError(
                    problem=f"the key {key!r} appears twice in one mapping",
                    problem_mark=key_node.start_mark,
                )
            positions[(*path, key)] = _position(key_node)
            result[key] = _build(loader, value_node, (*path, key), positions)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, (*path, index), positions) for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
