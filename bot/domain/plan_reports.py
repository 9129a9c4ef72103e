"""A milestone's report: the mentee marks it done (a comment, optionally a file), the mentor
accepts it or returns it with a comment. Each step is recorded and the other side told, at once,
in one transaction; whoever is not on that side of an active pair is refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.domain.links import Links
from bot.domain.notify import Notice, NoticeKind, tell
from bot.domain.plans import decide_milestone, load_plan, submit_milestone
from bot.domain.rules import PairSide
from bot.notices import Button, Text, joined
from storage.models import Milestone, Person
from storage.repos import Repos

# The buttons on the report queued for the mentor (✅ / ↩️, 📎): the handlers' callback data.
DecisionButtons = Callable[[Milestone], Sequence[Sequence[Button]]]


async def report_milestone(
    tx: Repos,
    person: Person,
    milestone_id: int,
    comment: str,
    file_id: str | None,
    file_kind: str | None,
    now: datetime,
    buttons: DecisionButtons,
) -> Milestone:
    """The mentee's report, queued for the mentor with the buttons to decide on it. LookupError
    when the person is not the mentee of an active pair with this milestone."""
    found = await load_plan(tx, person, milestone_id=milestone_id)
    if found is None or found.side is not PairSide.MENTEE or found.milestone is None:
        raise LookupError("no such milestone")
    milestone = await submit_milestone(tx, found.milestone, comment, file_id, file_kind, now)
    text = Text(
        "notice-milestone-submitted",
        {
            "mentee": found.pair.mentee_name,
            "title": milestone.title,
            "due": milestone.due.strftime("%d.%m.%Y"),
            "comment": comment,
        },
    )
    if file_id:
        text = joined(text, Text("notice-milestone-file"))
    report = Notice(
        NoticeKind.MILESTONE_REPORT,
        to=found.pair.mentor_id,
        text=text,
        of=(milestone.id, milestone.submission),
        about=milestone.id,
        buttons=buttons(milestone),
    )
    await tell(tx, report, now)
    return milestone


async def decide_report(
    tx: Repos,
    person: Person,
    milestone_id: int,
    submission: int,
    accept: bool,
    comment: str | None,
    now: datetime,
    links: Links | None = None,
) -> Milestone:
    """The mentor accepts or returns the report they were shown; the mentee is told either way,
    with the button that acts on it: a returned milestone opens to be reported again, an
    accepted one opens the plan.
    LookupError when the person is not the mentor of an active pair with this milestone;
    PlanError when the report was decided or replaced since."""
    found = await load_plan(tx, person, milestone_id=milestone_id)
    if found is None or found.side is not PairSide.MENTOR:
        raise LookupError("no such milestone")
    milestone = await decide_milestone(tx, milestone_id, submission, accept, comment, now)
    decision = Notice(
        NoticeKind.MILESTONE_DECISION,
        to=found.pair.mentee_id,
        text=Text(
            "notice-milestone-accepted" if accept else "notice-milestone-returned",
            {"mentor": found.pair.mentor_name, "title": milestone.title, "comment": comment or ""},
        ),
        of=(milestone.id, milestone.status.value, submission),
        buttons=_decision_buttons(milestone, found.pair.id, accept, links),
    )
    await tell(tx, decision, now)
    return milestone


def _decision_buttons(
    milestone: Milestone, pair_id: int, accept: bool, links: Links | None
) -> list[list[Button]]:
    if links is None:
        return []
    if accept:
        return [[Button(Text("remind-button-open-plan"), data=links.plan(pair_id))]]
    return [[Button(Text("remind-button-open-milestone"), data=links.milestone(milestone.id))]]
