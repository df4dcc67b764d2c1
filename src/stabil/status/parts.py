"""Which parts of a service a message is about, read from its free-text `affected` entries.

The desk writes what is affected in its own words ("Log-in med MitID", "login", "hele
portalen"); a subscriber chooses among the declaration's parts (R3.3). An entry names a part
when it equals the part's key or its Danish or English name, letter case and the spaces
around it aside. A message that names no part is about the whole service, and so concerns
every subscriber. The public pages and the subscribers' mails read the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from stabil.declaration import Declaration


def parts_named(declaration: Declaration, affected: Iterable[str]) -> list[str]:
    """Keys of the declaration's parts that `affected` names, in declared order; [] = all."""
    names = {_folded(entry) for entry in affected} - {""}
    return [
        part.key
        for part in declaration.parts()
        if names & {_folded(part.key), _folded(part.name.da), _folded(part.name.en or "")}
    ]


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()
