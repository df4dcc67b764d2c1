"""Problems found in a declaration, each tied to a field path and, once located, a line."""

from __future__ import annotations

from dataclasses import dataclass

from stabil.declaration.yamlsource import Path, Position


def format_path(path: Path) -> str:
    """`priorities[0].targets.reaction`: dots between keys, brackets around list indices."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    message: str


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    file: str
    position: Position
    path: Path
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.position.line}:{self.position.column}"
        return f"{where}: {format_path(self.path)}: {self.message}"


class DeclarationInvalid(Exception):
    """A declaration file that cannot be used; carries every problem found, in file order."""

    def __init__(self, problems: list[LocatedProblem]) -> None:
        self.problems = sorted(
            problems, key=lambda item: (item.position.line, item.position.column)
        )
        super().__init__("\n".join(str(problem) for problem in self.problems))
