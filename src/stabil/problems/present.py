"""Problems as the API shows them: only the linked incidents the reader may see."""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.desk.access import can_see
from stabil.problems.models import Problem, ProblemEvent
from stabil.problems.schemas import ProblemEventOut, ProblemOut
from stabil.problems.states import ProblemState, allowed_states


def problem_out(problem: Problem, reader: User) -> ProblemOut:
    state = ProblemState(problem.state)
    return ProblemOut(
        key=problem.key,
        service=problem.service.key,
        title=problem.title,
        description=problem.description,
        root_cause=problem.root_cause,
        workaround=problem.workaround,
        owner=problem.owner.key if problem.owner else None,
        state=state,
        state_since=problem.state_since,
        incidents=sorted(
            link.incident.key for link in problem.links if can_see(reader, link.incident)
        ),
        created_at=problem.created_at,
        updated_at=problem.updated_at,
        allowed_states=list(allowed_states(state)),
        revision=problem.revision,
    )


def problem_event_out(event: ProblemEvent) -> ProblemEventOut:
    return ProblemEventOut(
        seq=event.seq,
        kind=event.kind,
        actor=event.actor.email if event.actor else None,
        recorded_at=event.recorded_at,
        before=event.before,
        after=event.after,
        note=event.note,
    )
