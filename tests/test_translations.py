"""The user interface is complete in Danish: every text of every page and every refusal the
pages can show has its Danish translation (English is the message id itself)."""

from __future__ import annotations

from stabil.accounts.roles import Role
from stabil.web.i18n import translations
from tests.translations import all_messages, page_texts, untranslated


def test_the_extraction_finds_the_pages_texts() -> None:
    ids = {message.msgid for message in all_messages()}
    assert {"Sign in", "Change password", "Incidents"} <= ids


def test_every_page_text_has_its_danish_translation() -> None:
    missing = untranslated("da", page_texts())
    listing = "\n".join(f"{m.where}: {m.msgid!r}" for m in missing)
    assert not missing, (
        f"{len(missing)} texts lack Danish (python -m tests.translations prints them as .po "
        f"entries):\n{listing}"
    )


def test_role_names_are_translated() -> None:
    danish = translations("da")
    assert all(danish.gettext(role.value) != role.value for role in Role)
