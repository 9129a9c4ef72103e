"""The plan goes to the admins: the mentor submits it, every admin who uses the bot gets a copy
with the buttons to approve or return it, and the first admin's decision wins: the pair is told,
and every copy is edited to say who decided what. A decision names the plan and its submission,
not the pair: a reassignment moves the plan on, and the decision follows it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.domain.bounded import clip
from bot.domain.links import Links
from bot.domain.notify import About, Notice, NoticeKind, admins, close_copies, tell_all
from bot.domain.plans import decide_plan, submit_plan
from bot.notices import Button, Lines, Text, joined
from storage.models import Pair, Person, Plan, PlanStatus
from storage.repos import Repos

COMMENT_CHARS = 500  # the admin's comment on the closed copies

# ✅ / ↩️ on every admin's copy of a submission: the handlers' callback data.
DecisionButtons = Callable[[Plan], Sequence[Sequence[Button]]]


async def plan_for_admin(tx: Repos, pair: Pair, plan: Plan, decider: Person | None = None) -> Text:
    """A submission as every admin gets it; with `decider`, as it stands once decided. Bounded
    to one message when it is rendered, in the admin's language."""
    milestones = await tx.plans.milestones(plan.id)
    head = Text("plan-for-admin", {"mentor": pair.mentor_name, "mentee": pair.mentee_name})
    if decider is not None:
        head = joined(head, _decision_line(plan, decider))
    lines = [
        Text(
            "plan-line-no-status",
            {"icon": "▫️", "number": n, "title": m.title, "due": m.due.strftime("%d.%m.%Y")},
        )
        for n, m in enumerate(milestones, 1)
    ]
    return joined(Lines(head, lines, "plan-more"))


def _decision_line(plan: Plan, decider: Person) -> Text:
    admin = decider.full_name
    if plan.status is PlanStatus.APPROVED:
        return Text("plan-copy-approved", {"admin": admin})
    return Text(
        "plan-copy-returned", {"admin": admin, "comment": clip(plan.comment or "", COMMENT_CHARS)}
    )


async def submit_to_admins(
    tx: Repos, pair: Pair, plan: Plan, now: datetime, buttons: DecisionButtons
) -> Plan:
    """The mentor sends the plan: every admin who uses the bot gets a copy to decide on (one
    who opens it later decides from the pair's card)."""
    submitted = await submit_plan(tx, plan, now)
    copy = await plan_for_admin(tx, pair, submitted)
    await tell_all(
        tx,
        [
            Notice(
                NoticeKind.PLAN_SUBMITTED,
                to=admin.id,
                text=copy,
                of=(submitted.id, submitted.submission),
                about=f"{submitted.id}:{submitted.submission}",
                buttons=buttons(submitted),
            )
            for admin in await admins(tx)
            if admin.telegram_id is not None and admin.seen and not admin.blocked
        ],
        now,
    )
    return submitted


async def decide_submission(
    tx: Repos,
    plan_id: int,
    submission: int,
    approve: bool,
    admin: Person,
    comment: str | None,
    now: datetime,
    links: Links | None = None,
) -> tuple[Pair, Plan]:
    """Decide a submission of a plan, whichever pair it belongs to now: its people are told
    and every admin's copy is closed. LookupError: no such plan; PlanError: decided already,
    or a newer submission was sent since (bot.domain.plans.PlanError)."""
    plan = await tx.plans.get(plan_id)
    pair = await tx.pairs.get(plan.pair_id) if plan else None
    if plan is None or pair is None:
        raise LookupError("no such plan")
    decided = await decide_plan(tx, plan.id, submission, approve, admin.id, comment, now)
    await _close_copies(tx, pair, decided, admin, now)
    args = {"mentor": pair.mentor_name, "mentee": pair.mentee_name, "comment": comment or ""}
    # The mentor edits the plan: a return's comment is theirs; the mentee learns of it.
    texts = {
        pair.mentor_id: "notice-plan-approved" if approve else "notice-plan-returned",
        pair.mentee_id: "notice-plan-approved" if approve else "notice-plan-returned-mentee",
    }
    plan_button = (
        [[Button(Text("remind-button-open-plan"), data=links.plan(pair.id))]] if links else []
    )
    await tell_all(
        tx,
        [
            Notice(
                NoticeKind.PLAN_DECISION,
                to=someone_id,
                text=Text(texts[someone_id], args),
                of=(plan.id, decided.status.value, submission),
                buttons=plan_button,
            )
            for someone_id in (pair.mentor_id, pair.mentee_id)
            if await tx.people.get(someone_id) is not None
        ],
        now,
    )
    return pair, decided


async def _close_copies(tx: Repos, pair: Pair, plan: Plan, decider: Person, now: datetime) -> None:
    """Every admin's copy of the decided submission says who decided what and loses its
    buttons: what is not sent yet is cancelled, what was sent is edited."""
    closed = await plan_for_admin(tx, pair, plan, decider)
    about = f"{plan.id}:{plan.submission}"
    await close_copies(tx, About.PLAN_SUBMISSION, about, closed, "decided", now)
