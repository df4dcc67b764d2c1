"""What is told about serious incidents: the operational messages of a major incident, its
updates, the restored message and the post-review report (R9, R14), and a message for a
serious disruption that is not a major incident (R10.3).

Most are on time. The plan picks a few majors to be late on purpose (`Late`), so that the
worker's orientation, restored-message and review jobs have misses to record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stabil.declaration.communication import MessageType
from stabil.demo.actions import (
    CloseMessage,
    PostMessage,
    ResolveMessage,
    SaveReview,
    SubmitReview,
    UpdateMessage,
)
from stabil.demo.incidents import Story
from stabil.demo.people import AGENCY, OPERATORS, organisation_name
from stabil.demo.script import Context
from stabil.demo.themes import capital
from stabil.demo.timing import Track

MAJOR_TYPES = (MessageType.unavailable, MessageType.partially_unavailable, MessageType.major_update)
ORIENTATION_FALLBACK = dt.timedelta(hours=1)
UPDATE_MINUTES = (35.0, 55.0)
LATE_UPDATE_MINUTES = (75.0, 95.0)  # past the hour the updates are due in (R14.4)


@dataclass(frozen=True, slots=True)
class Late:
    """What a major incident is told too late, on purpose (or, for the review, not at all)."""

    first_message: bool = False
    update: bool = False  # one update comes after the hour (R14.4)
    restored: bool = False
    review: bool = False
    no_review: bool = False  # the post-review report is never written (R9.7)


def _names(ctx: Context) -> tuple[str, str]:
    name = ctx.declaration.metadata.name
    return name.da, name.get("en")


def _who(story: Story) -> tuple[str, str]:
    if story.theme.security:
        return "alle brugere af Min side", "all users of My page"
    percent = round(story.users_percent)
    return f"ca. {percent} % af brugerne", f"about {percent} % of the users"


def _party(story: Story) -> tuple[str, str]:
    if story.party in (None, AGENCY):
        return "styrelsens egen drift", "the agency's own operations"
    name = organisation_name(str(story.party))
    return name, name


def _operator(ctx: Context) -> str:
    return ctx.rng.choice(OPERATORS)


def tell_major(ctx: Context, story: Story, late: Late) -> None:
    """The messages about a major incident while it lasts, and its review once resolved."""
    kind = next((item for item in _major_types(story) if ctx.declares(item)), None)
    if kind is not None:
        ref, track = _first_message(ctx, story, kind, late)
        if story.resolved_recorded is not None:
            _restored(ctx, story, ref, track, late)
    _review(ctx, story, late)


def _major_types(story: Story) -> tuple[MessageType, ...]:
    own = story.theme.message
    return ((own,) if own in MAJOR_TYPES else ()) + MAJOR_TYPES


def _first_message(ctx: Context, story: Story, kind: MessageType, late: Late) -> tuple[str, Track]:
    """Posted within the orientation deadline (R14.2), then updated about hourly (R14.4)."""
    timing = ctx.timing
    majors = ctx.declaration.major_incidents
    orientation = majors.orientation if majors else None
    due = (
        ctx.clock.orientation_first_due(story.detected)
        if orientation
        else story.detected + ORIENTATION_FALLBACK
    )
    earliest = story.registered + dt.timedelta(minutes=1)
    if late.first_message:
        first = max(due + timing.minutes(5, 25), earliest)
    else:
        first = max(
            min(story.registered + timing.minutes(5, 25), due - timing.minutes(3, 8)), earliest
        )
    track = Track(first - dt.timedelta(minutes=1))
    ref = ctx.new_ref("M")
    service, service_en = _names(ctx)
    part, part_en = story.theme.part
    who, who_en = _who(story)
    at = track.at(first)
    following = ctx.local_time(at + ORIENTATION_FALLBACK)
    if story.theme.security:
        what = f"{capital(part)} er lukket, mens vi undersøger en fejl"
        what_en = f"{capital(part_en)} is closed while we investigate a fault"
    else:
        what = f"{capital(part)} virker ikke for {who}"
        what_en = f"The fault affects {who_en} of {part_en}"
    ctx.script.add(
        at,
        PostMessage(
            ref=ref,
            actor=_operator(ctx),
            type=kind,
            affected=(capital(part),),
            title=f"Driftsforstyrrelse: {capital(part)}",
            title_en=f"Disruption: {capital(part_en)}",
            body=f"Der er driftsforstyrrelse på {service}. {what}. Vi arbejder på at løse "
            f"fejlen og giver ny status senest kl. {following}.",
            body_en=f"{service_en} is disrupted. {what_en}. We are working on it and will "
            f"give a new status by {following}.",
            affected_users=capital(who),
            horizon="Ukendt",
            incidents=(story.ref,),
        ),
    )
    _updates(ctx, story, ref, track, late)
    return ref, track


def _updates(ctx: Context, story: Story, ref: str, track: Track, late: Late) -> None:
    end = story.resolved_recorded or ctx.now
    party, party_en = _party(story)
    count = 0
    while True:
        minutes = LATE_UPDATE_MINUTES if late.update and count == 1 else UPDATE_MINUTES
        at = track.last + ctx.timing.minutes(*minutes)
        if at >= end:
            return
        count += 1
        following = ctx.local_time(at + ORIENTATION_FALLBACK)
        changes: dict[str, str] = {}
        if count == 1:
            body = f"Fejlen er fundet hos {party}, som arbejder på en løsning."
            body_en = f"The fault has been found at {party_en}, who are working on a fix."
            changes["cause"] = f"Fejl hos {party}"
        else:
            body = "Arbejdet med at rette fejlen fortsætter."
            body_en = "Work on fixing the fault continues."
        if count == 2:
            expected = ctx.local_time(story.resolved_at or at + dt.timedelta(hours=2))
            changes["horizon"] = f"Forventet løst inden kl. {expected}"
        body += f" Ny status senest kl. {following}."
        body_en += f" New status by {following}."
        update = UpdateMessage(ref, _operator(ctx), body, body_en, changes)
        ctx.script.add(track.at(at), update)


def _restored(ctx: Context, story: Story, ref: str, track: Track, late: Late) -> None:
    """The message is resolved, and service restored is told within the hour (R9.6); both
    after the message itself, even when the fault was fixed before it was posted."""
    assert story.resolved_recorded is not None
    timing = ctx.timing
    resolved = story.resolved_recorded
    part, _part_en = story.theme.part
    fixed = ctx.local_time(story.resolved_at or resolved)
    ctx.script.add(
        track.at(resolved + timing.minutes(3, 15)),
        ResolveMessage(
            ref,
            _operator(ctx),
            f"Fejlen er rettet kl. {fixed}, og {part} virker igen.",
            f"The fault was fixed at {fixed}, and service is back.",
        ),
    )
    closing = [ref]
    if ctx.declares(MessageType.restored):
        closing.append(_restored_message(ctx, story, track, late, fixed))
    at = track.at(timing.working(track.last, 4, 20))
    for item in closing:
        ctx.script.add(track.at(at), CloseMessage(item, _operator(ctx)))


def _restored_message(ctx: Context, story: Story, track: Track, late: Late, fixed: str) -> str:
    timing = ctx.timing
    assert story.resolved_recorded is not None
    delay = timing.minutes(70, 110) if late.restored else timing.minutes(8, 40)
    service, service_en = _names(ctx)
    part, _part_en = story.theme.part
    ref = ctx.new_ref("M")
    ctx.script.add(
        track.at(story.resolved_recorded + delay),
        PostMessage(
            ref=ref,
            actor=_operator(ctx),
            type=MessageType.restored,
            affected=(capital(part),),
            title=f"Service genetableret: {capital(part)}",
            title_en=f"Service restored: {capital(story.theme.part[1])}",
            body=f"{service} virker normalt igen fra kl. {fixed}. Vi beklager ulejligheden.",
            body_en=f"{service_en} works normally again since {fixed}. "
            "We apologise for the inconvenience.",
            incidents=(story.ref,),
        ),
    )
    resolved = ResolveMessage(ref, _operator(ctx), "Løst.", "Resolved.")
    ctx.script.add(track.at(track.last + timing.minutes(30, 120)), resolved)
    return ref


def _review(ctx: Context, story: Story, late: Late) -> None:
    """The post-review report, saved and sent within its due days (R9.7), or late."""
    majors = ctx.declaration.major_incidents
    if majors is None or majors.post_review is None or story.resolved_at is None:
        return
    if late.no_review:
        return  # the worker records it overdue when its day passes
    timing = ctx.timing
    resolved = story.resolved_recorded or story.resolved_at
    if late.review:
        due = story.resolved_at + dt.timedelta(days=majors.post_review.due_days)
        saved = timing.working(due - dt.timedelta(days=1), 0, 3)
        sent = timing.working(due + dt.timedelta(days=1), 0, 3)
    else:
        saved = timing.working(resolved, 8, 40)
        sent = timing.working(saved, 2, 12)
    party, _party_en = _party(story)
    part, _part_en = story.theme.part
    minutes = round((story.resolved_at - story.detected).total_seconds() / 60)
    who, _who_en = _who(story)
    findings = SaveReview(
        ref=story.ref,
        actor=_operator(ctx),
        cause=f"{story.fix or 'Fejlen er rettet.'} Fejlen lå hos {party}.",
        impact=f"{capital(part)} virkede ikke for {who} i {minutes} minutter.",
        actions=(
            {"text": f"Gennemgå overvågningen af {part}", "owner": party, "done": False},
            {"text": "Opdatér driftsvejledningen", "owner": "Drift", "done": True},
        ),
    )
    track = Track(resolved)
    ctx.script.add(track.at(saved), findings)
    ctx.script.add(track.at(sent), SubmitReview(story.ref, _operator(ctx)))


def tell_disruption(ctx: Context, story: Story) -> None:
    """A serious incident that is not major may still be told on the status channel."""
    kind = story.theme.message
    if kind is None or not ctx.declares(kind) or ctx.rng.random() > 0.6:
        return
    timing = ctx.timing
    service, service_en = _names(ctx)
    part, part_en = story.theme.part
    if kind is MessageType.slow:
        title, title_en = f"Lange svartider på {service}", f"Long response times on {service_en}"
        body = "Siderne er langsomme at indlæse. Vi arbejder på at løse det."
        body_en = "The pages are slow to load. We are working on it."
    else:
        title, title_en = f"Driftsforstyrrelse: {capital(part)}", f"Disruption: {capital(part_en)}"
        body = f"{capital(part)} virker ikke for en del af brugerne. Vi arbejder på sagen."
        body_en = f"The fault affects some users of {part_en}. We are working on it."
    track = Track(story.registered)
    posted = track.at(story.registered + timing.minutes(10, 40))
    if story.resolved_recorded is not None and story.resolved_recorded < posted:
        return  # fixed before anyone wrote about it
    ref = ctx.new_ref("M")
    post = PostMessage(
        ref=ref,
        actor=_operator(ctx),
        type=kind,
        affected=(capital(part),),
        title=title,
        title_en=title_en,
        body=body,
        body_en=body_en,
        incidents=(story.ref,),
    )
    ctx.script.add(posted, post)
    if story.resolved_recorded is None:
        return
    done = ResolveMessage(ref, _operator(ctx), "Fejlen er rettet.", "The fault is fixed.")
    ctx.script.add(track.at(story.resolved_recorded + timing.minutes(5, 30)), done)
    closed = timing.working(track.last, 4, 20)
    ctx.script.add(track.at(closed), CloseMessage(ref, _operator(ctx)))
