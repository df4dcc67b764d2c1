"""What the user interface says, as gettext message ids, and which of them lack Danish.

Run `python -m tests.translations` to print the missing ones as `.po` entries to fill in.
Message ids are English; English needs no catalogue. Extracted, per domain package:
- templates (`stabil/<domain>/templates/`, and the web layer's `templates/`): `_()` and
  `ngettext()`;
- pages and navigation: `_()`, `gettext()`, `ngettext()` and `MenuItem`'s label;
- refusals (stabil.errors) raised anywhere: their message templates, which the pages translate.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from babel.messages.extract import extract_from_file

from stabil.web.i18n import PACKAGE_DIR, translations

TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
PAGE_KEYWORDS = {**TEMPLATE_KEYWORDS, "MenuItem": (2,), "N_": None}
MARKED = {"N_": None}
# The refusal classes and the position of their message template.
REFUSALS = {
    "AccountInvalid": 1,  # not a Refusal, but shaped like Invalid (stabil.accounts.validation)
    "Refusal": 0,
    "NotFound": 0,
    "Forbidden": 0,
    "Conflict": 0,
    "Gone": 0,
    "TransitionNotAllowed": 0,
    "Unavailable": 0,
    "TooManyRequests": 0,
    "Invalid": 1,
    "Phrase": 0,  # a value of a refusal that is a template of its own
}
UI_MODULES = ("pages.py", "navigation.py", "login.py")  # and any *_pages.py


@dataclass(frozen=True, slots=True)
class Message:
    msgid: str
    plural: str | None
    where: str


def template_messages() -> Iterator[Message]:
    for template in sorted(PACKAGE_DIR.glob("*/templates/**/*.html")):
        found = extract_from_file(
            "jinja2", template, keywords=TEMPLATE_KEYWORDS, options={"encoding": "utf-8"}
        )
        for line, text, _comments, _context in found:
            yield _message(text, f"{template.relative_to(PACKAGE_DIR)}:{line}")


def page_messages() -> Iterator[Message]:
    """Texts of the pages' own modules, and texts marked with `N_` in any module."""
    for module in sorted(PACKAGE_DIR.rglob("*.py")):
        ui = module.name in UI_MODULES or module.name.endswith("_pages.py")
        keywords = PAGE_KEYWORDS if ui else MARKED
        if not ui and "N_(" not in module.read_text():
            continue
        for line, text, _comments, _context in extract_from_file(
            "python", module, keywords=keywords
        ):
            yield _message(text, f"{module.relative_to(PACKAGE_DIR)}:{line}")


def refusal_messages() -> Iterator[Message]:
    """Refusals' templates; a template built at run time (an f-string) is reported, since no
    catalogue can hold it."""
    for module in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(), str(module))):
            template = _refusal_template(node)
            if template is not None:
                where = f"{module.relative_to(PACKAGE_DIR)}:{getattr(node, 'lineno', 0)}"
                yield Message(template, None, where)


def _refusal_template(node: ast.AST) -> str | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    position = REFUSALS.get(node.func.id)
    if position is None or len(node.args) <= position:
        return None
    argument = node.args[position]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return f"<built at run time: {ast.unparse(argument)}>"


def _message(text: str | tuple[str, ...], where: str) -> Message:
    if isinstance(text, tuple):
        return Message(text[0], text[1], where)
    return Message(text, None, where)


def all_messages() -> list[Message]:
    return [*template_messages(), *page_messages(), *refusal_messages()]


def page_texts() -> list[Message]:
    return [*template_messages(), *page_messages()]


def untranslated(language: str = "da", messages: list[Message] | None = None) -> list[Message]:
    """Messages the language's catalogue lacks (or translates as the empty string)."""
    # The compiled catalogue's entries: singular ids as keys, plural ones as (id, index).
    entries = translations(language)._catalog
    missing = []
    for message in all_messages() if messages is None else messages:
        key = message.msgid if message.plural is None else (message.msgid, 0)
        if not entries.get(key) and any(character.isalpha() for character in message.msgid):
            missing.append(message)
    return missing


def main() -> int:
    seen: set[str] = set()
    for message in untranslated():
        if message.msgid in seen:
            continue
        seen.add(message.msgid)
        print(f"#: {message.where}")
        print(f"msgid {_quoted(message.msgid)}")
        if message.plural:
            print(f"msgid_plural {_quoted(message.plural)}")
            print('msgstr[0] ""\nmsgstr[1] ""\n')
        else:
            print('msgstr ""\n')
    return 1 if seen else 0


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


if __name__ == "__main__":
    sys.exit(main())
