"""Building blocks shared by every part of the declaration schema."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class Model(BaseModel):
    """A strict, immutable schema object: unknown keys are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Source = Annotated[
    list[Annotated[str, Field(pattern=r"^\S+$")]],
    BeforeValidator(_as_list),
    Field(
        default_factory=list,
        description="The clause or clauses this value encodes, e.g. `R7.1` or `[R2.2, R2.5]`.",
    ),
]

Key = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_-]*$",
        max_length=64,
        description="Lower-case letters, digits, `_` and `-`, starting with a letter.",
    ),
]


class Text(Model):
    """A text in Danish, optionally also in English (the UI speaks Danish first)."""

    da: Annotated[str, Field(min_length=1)]
    en: str | None = None
    source: Source

    def get(self, language: str = "da") -> str:
        return self.en if language == "en" and self.en else self.da


class Sourced(Model):
    """A schema object that may say which clause of the declaration it encodes."""

    source: Source
