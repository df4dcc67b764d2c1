"""Problems as the API shows them: only the linked incidents the reader may see."""

from __future__ import annotations

from stabil.accounts.models import User
from stabil.desk.access import can_see
from stabil.desk.models import Incident
from stabil.problems.access import transitions_for
from stabil.problems.models import Problem
from stabil.problems.schemas import ProblemOut
from stabil.problems.states import ProblemState


def problem_out(problem: Problem, reader: User) -> ProblemOut:
    """The problem as `reader` sees it: `allowed_transitions` are the states the reader may
    choose."""
    return ProblemOut(
        key=problem.key,
        service=problem.service.key,
        title=problem.title,
        description=problem.description,
        root_cause=problem.root_cause,
        workaround=problem.workaround,
        owner=problem.owner.key if problem.owner else None,
        state=ProblemState(problem.state),
        state_since=problem.state_since,
        incidents=sorted(item.key for item in visible_incidents(problem, reader)),
        created_at=problem.created_at,
        updated_at=problem.updated_at,
        allowed_transitions=transitions_for(reader, problem),
        revision=problem.revision,
    )


def visible_incidents(problem: Problem, reader: User) -> list[Incident]:
    """The linked incidents `reader` may see, in the order they were linked."""
    return [link.incident for link in problem.links if can_see(reader, link.incident)]
