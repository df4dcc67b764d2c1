"""The status channel as Atom feeds (RFC 4287): per service and per part, Danish and English.

Every entry of a message's timeline (the posting, each update, the resolution) is an entry of
the feed, so a feed reader shows each piece of news once, in order (R9.5, R10.1). Ids are tag
URIs (RFC 4151) made of the entry's own id, so they stay the same from one publication to the
next, and a reader that sees an entry again knows it. A part's feed holds the messages that
name the part and those about the whole service.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from feedgen.feed import FeedGenerator

from stabil.public.site import ATOM, PublicFile, language_prefix
from stabil.public.snapshot import PartStatus, PublicMessage, ServiceStatus, Update
from stabil.status.states import EntryKind

LANGUAGES = ("da", "en")
LIMIT = 50  # entries per feed: the newest; older news is on the archive pages
# The tag URIs' date (RFC 4151): any day the host was the site's. Fixed, so ids never change.
TAG_DATE = "2026"
# The feed's time when it has no entries yet: fixed too, so an empty feed's bytes stay put.
NO_ENTRIES = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

TITLE = {"da": "Driftsstatus for {service}", "en": "Operational status of {service}"}
KIND = {
    "da": {EntryKind.posted: "ny", EntryKind.updated: "opdateret", EntryKind.resolved: "løst"},
    "en": {EntryKind.posted: "new", EntryKind.updated: "updated", EntryKind.resolved: "resolved"},
}
LABELS = {
    "da": ("Berørte dele", "Berørte brugere", "Årsag", "Forventet horisont"),
    "en": ("Affected parts", "Users affected", "Cause", "Expected horizon"),
}
# Characters XML 1.0 cannot hold: dropped, so that no operator's text stops a publication.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PARAGRAPH = re.compile(r"\n\s*\n")


def feed_files(status: ServiceStatus, base_url: str) -> list[PublicFile]:
    """The service's feed and each part's, in Danish (`status/…`) and English (`en/status/…`)."""
    base = base_url.rstrip("/")
    messages = list({m.id: m for m in [*status.messages, *status.active]}.values())
    files = []
    for language in LANGUAGES:
        site = Site(status, base, language)
        files.append(site.file(None, messages))
        for part in status.parts:
            about = [m for m in messages if not m.parts or part.key in m.parts]
            files.append(site.file(part, about))
    return files


@dataclass(frozen=True, slots=True)
class Site:
    """One service's feeds in one language."""

    status: ServiceStatus
    base: str
    language: str

    @property
    def path(self) -> str:
        return f"{language_prefix(self.language)}/status/{self.status.key}".lstrip("/")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.status.zone)

    def file(self, part: PartStatus | None, messages: list[PublicMessage]) -> PublicFile:
        folder = self.path if part is None else f"{self.path}/parts/{part.key}"
        body = self.render(folder, part, messages)
        return PublicFile(f"{folder}/feed.atom", body, ATOM)

    def render(self, folder: str, part: PartStatus | None, messages: list[PublicMessage]) -> bytes:
        feed = FeedGenerator()
        service = self.status.name.get(self.language)
        title = TITLE[self.language].format(service=service)
        feed.id(self.tag(f"{folder}/feed"))
        feed.title(title if part is None else f"{title} – {part.name.get(self.language)}")
        feed.author(name=service)
        feed.link(href=f"{self.base}/{self.path}", rel="alternate", type="text/html")
        feed.link(href=f"{self.base}/{folder}/feed.atom", rel="self", type=ATOM.split(";")[0])
        feed.language(self.language)
        feed.generator("Stabil")
        entries = newest(messages)
        feed.updated(entries[0][1].at.astimezone(self.zone) if entries else NO_ENTRIES)
        latest = {message.id: _latest(message) for message in messages}
        for message, update in entries:
            self.entry(feed, message, update, facts=latest[message.id] is update)
        body: bytes = feed.atom_str(pretty=True)
        return body

    def entry(
        self, feed: FeedGenerator, message: PublicMessage, update: Update, *, facts: bool
    ) -> None:
        at = update.at.astimezone(self.zone)
        kind = KIND[self.language][EntryKind(update.kind)]
        item = feed.add_entry(order="append")
        item.id(self.tag(f"{self.path}/messages/{message.id}/updates/{update.id}"))
        item.title(_xml(f"{message.title.get(self.language)} ({kind})"))
        item.updated(at)
        item.published(at)
        item.content(self.content(message, update, facts=facts), type="html")
        page = f"{self.base}/{self.path}/messages/{message.id}"
        item.link(href=page, rel="alternate", type="text/html")
        label = message.type_name.get(self.language) if update.type == message.type else None
        item.category(term=update.type, label=label)

    def content(self, message: PublicMessage, update: Update, *, facts: bool) -> str:
        """The entry's text as HTML; the newest entry of a message also tells who and what is
        affected, the cause and the horizon (R9.3). They are the message's facts now, so an
        older entry does not show them: they would date what was known then wrongly."""
        text = _xml(update.body.get(self.language)).strip()
        blocks = [
            "<p>" + html.escape(paragraph).replace("\n", "<br>") + "</p>"
            for paragraph in _PARAGRAPH.split(text)
            if paragraph.strip()
        ]
        listed = self.facts(message) if facts else []
        if listed:
            items = "".join(
                f"<li><strong>{html.escape(label)}:</strong> {html.escape(_xml(value))}</li>"
                for label, value in listed
            )
            blocks.append(f"<ul>{items}</ul>")
        return "\n".join(blocks)

    def facts(self, message: PublicMessage) -> list[tuple[str, str]]:
        parts_label, users_label, cause_label, horizon_label = LABELS[self.language]
        horizon = [message.horizon or ""]
        if message.horizon_at is not None:
            horizon.append(self.when(message.horizon_at))
        found = [
            (parts_label, ", ".join(message.affected)),
            (users_label, message.affected_users or ""),
            (cause_label, message.cause or ""),
            (horizon_label, ", ".join(item for item in horizon if item)),
        ]
        return [(label, value) for label, value in found if value]

    def when(self, instant: dt.datetime) -> str:
        # Local wall time, as the page shows it: readers act on the clock they see.
        local = instant.astimezone(self.zone)
        day = format_date(local, "medium", locale=self.language)
        return f"{day} {format_time(local, 'short', locale=self.language)}"

    def tag(self, specific: str) -> str:
        host = urlsplit(self.base).hostname or "localhost"
        return f"tag:{host},{TAG_DATE}:{specific}"


def newest(messages: list[PublicMessage]) -> list[tuple[PublicMessage, Update]]:
    """Every entry of the messages' timelines, newest first, at most LIMIT of them."""
    pairs = [(message, update) for message in messages for update in message.updates]
    pairs.sort(key=lambda pair: (pair[1].at, pair[0].id, pair[1].id), reverse=True)
    return pairs[:LIMIT]


def _latest(message: PublicMessage) -> Update | None:
    return max(message.updates, key=lambda update: (update.at, update.id), default=None)


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)
