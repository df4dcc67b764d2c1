"""Who may see and change releases.

Releases are told to every user of a service (R11.1), so everyone signed in reads all of
them; only admins and operators record and change them. What a reader may do next comes from
the one machine, with one rule of the notice beside it: a release that needs notice cannot go
out before it is announced.
"""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.accounts.roles import WORK
from stabil.errors import Forbidden, Names, Phrase, TransitionNotAllowed
from stabil.releases.models import Release
from stabil.releases.states import MACHINE, ReleaseAction, ReleaseState


def can_work(user: User) -> bool:
    return user.role in WORK


def check_can_work(user: User) -> None:
    if not can_work(user):
        raise Forbidden(
            "your role ({role}) may not record or change releases (who may: {who})",
            role=user.role.value,
            who=Names(role.value for role in sorted(WORK)),
        )


def needs_announcement(release: Release) -> bool:
    """An interface change with notice to give is released only once it is announced."""
    return release.notice_months > 0 and release.announced_at is None


def transitions_for(user: User | None, release: Release) -> list[ReleaseAction]:
    """The steps `user` may take with `release` now; a listed step is never refused."""
    allowed = MACHINE.allowed(ReleaseState(release.state), user)
    if needs_announcement(release):
        allowed = [action for action in allowed if action is not ReleaseAction.release]
    return allowed


def check_step(user: User, release: Release, action: ReleaseAction) -> ReleaseState:
    """The state `action` leads `release` to; 409 with what is allowed instead, or 403."""
    state = ReleaseState(release.state)
    name = name_of(release)
    if action is ReleaseAction.release and needs_announcement(release) and can_work(user):
        allowed = [item.value for item in transitions_for(user, release)]
        raise TransitionNotAllowed(
            "{name} changes an interface and needs notice, so it is announced before it is "
            "released; allowed for you now: {allowed}",
            allowed,
            name=name,
            allowed=Names(allowed) if allowed else "nothing",
        )
    return MACHINE.step(state, action, user, name=name)


def name_of(release: Release) -> Phrase:
    return Phrase("release {id}", id=release.id)
