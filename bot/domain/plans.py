"""The individual development plan (индивидуальный план): its template, its milestones'
deadlines within the pair's period, and the rules of who may move a plan or a milestone where.

A plan is `draft → submitted → approved | returned (→ submitted …)`; a milestone is
`planned → submitted → accepted | returned (→ submitted …)`, and overdue when its deadline has
passed and it is not accepted (computed here, never stored).
"""

from __future__ import annotations

import calendar
import functools
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

from bot.domain.attention import is_overdue, still_to_report
from bot.domain.dates import check_date
from bot.domain.fields import MAX_MILESTONE_TITLE
from bot.domain.links import Links
from bot.domain.notify import About, Notice, NoticeKind, cancel_about, tell
from bot.domain.rules import PairSide, may_work_in_pair, side_in_pair
from bot.notices import Button, Text
from storage.models import (
    Milestone,
    MilestoneStatus,
    Pair,
    Person,
    Plan,
    PlanChange,
    PlanStatus,
)
from storage.repos import Repos

MAX_MILESTONES = 60  # a plan of a year has about ten; a forged flood stops here
MAX_TEMPLATE_BYTES = 64 * 1024
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # what a bot can fetch back from Telegram
DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "jpg", "jpeg", "png"}
)


class TemplateError(ValueError):
    """The plan template cannot be read or is not a valid template; the message says why."""


@dataclass(frozen=True, slots=True)
class MilestoneTemplate:
    title: str
    due_months: int | None = None  # whole months after the pair's start
    due_fraction: float | None = None  # a share of the pair's period

    def due(self, start: date, end: date) -> date:
        return milestone_deadline(start, end, months=self.due_months, fraction=self.due_fraction)


@dataclass(frozen=True, slots=True)
class PlanTemplate:
    milestones: tuple[MilestoneTemplate, ...]

    def deadlines(self, start: date, end: date) -> list[tuple[str, date]]:
        return [(m.title, m.due(start, end)) for m in self.milestones]


def shipped_template_path() -> Path:
    return Path(str(resources.files("bot.domain") / "plan_template.toml"))


@functools.lru_cache(maxsize=8)
def template_at(path: Path) -> PlanTemplate:
    """The template of a file, read once per process (checked at start-up: see bot.config)."""
    return load_template(path)


def shipped_template() -> PlanTemplate:
    return template_at(shipped_template_path())


def load_template(path: Path) -> PlanTemplate:
    """Read and check a template file; TemplateError names the problem in one line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"{path}: larger than {MAX_TEMPLATE_BYTES} bytes")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("milestone")
    if not isinstance(entries, list) or not entries:
        raise TemplateError(f"{path}: no [[milestone]] entries")
    if len(entries) > MAX_MILESTONES:
        raise TemplateError(f"{path}: more than {MAX_MILESTONES} milestones")
    return PlanTemplate(tuple(_milestone(path, n, e) for n, e in enumerate(entries, 1)))


def _milestone(path: Path, number: int, entry: object) -> MilestoneTemplate:
    where = f"{path}: milestone {number}"
    if not isinstance(entry, dict):
        raise TemplateError(f"{where}: not a table")
    unknown = set(entry) - {"title", "due_months", "due_fraction"}
    if unknown:
        raise TemplateError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        raise TemplateError(f"{where}: title is missing")
    if len(title.strip()) > MAX_MILESTONE_TITLE:
        raise TemplateError(f"{where}: title longer than {MAX_MILESTONE_TITLE} characters")
    months, fraction = entry.get("due_months"), entry.get("due_fraction")
    if (months is None) == (fraction is None):
        raise TemplateError(f"{where}: give exactly one of due_months, due_fraction")
    if months is not None and (
        not isinstance(months, int) or isinstance(months, bool) or not 0 <= months <= 120
    ):
        raise TemplateError(f"{where}: due_months must be a whole number 0..120")
    if fraction is not None and (
        not isinstance(fraction, int | float) or isinstance(fraction, bool) or not 0 < fraction <= 1
    ):
        raise TemplateError(f"{where}: due_fraction must be a number in (0, 1]")
    return MilestoneTemplate(title.strip(), months, None if fraction is None else float(fraction))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (31 January + 1 month = 28/29 February)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def milestone_deadline(
    start: date, end: date, *, months: int | None = None, fraction: float | None = None
) -> date:
    """When a template milestone is due in a pair of `start`..`end`: never before the start,
    never past the end, always a date the programme holds."""
    if months is not None:
        # Past the end (a short pair) or past the last date the bot holds: the end.
        try:
            due = add_months(start, months)
        except ValueError:
            due = end
        due = min(due, end)
    elif fraction is not None:
        due = start + timedelta(days=round((end - start).days * fraction))
    else:
        raise ValueError("a deadline needs months or a fraction")
    return check_date(max(start, min(due, end)))


# --- the rules --------------------------------------------------------------------------------


def shown_status(milestone: Milestone, today: date) -> str:
    """planned | submitted | accepted | returned | overdue."""
    if is_overdue(milestone, today):
        return "overdue"
    return milestone.status.value


def progress(milestones: list[Milestone]) -> tuple[int, int]:
    """(accepted, total)."""
    return sum(m.status is MilestoneStatus.ACCEPTED for m in milestones), len(milestones)


class PlanRefusal(str):
    """Why a plan action is refused; the value is the text key that explains it."""


PLAN_NOT_EDITABLE = PlanRefusal("plan-refused-not-editable")
PLAN_NOT_SUBMITTABLE = PlanRefusal("plan-refused-not-submittable")
PLAN_EMPTY = PlanRefusal("plan-refused-empty")
PLAN_ALREADY_DECIDED = PlanRefusal("plan-refused-decided")
PLAN_TOO_LONG = PlanRefusal("plan-refused-too-long")
MILESTONE_NOT_REMOVABLE = PlanRefusal("milestone-refused-not-removable")
MILESTONE_NOT_SUBMITTABLE = PlanRefusal("milestone-refused-not-submittable")
MILESTONE_ALREADY_DECIDED = PlanRefusal("milestone-refused-decided")
DEADLINE_OUTSIDE_PAIR = PlanRefusal("milestone-refused-deadline")
REASON_NEEDED = PlanRefusal("plan-refused-reason-needed")


class PlanError(Exception):
    def __init__(self, refusal: PlanRefusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


def plan_editable(plan: Plan) -> bool:
    """The mentor edits a draft, a returned or an approved plan (the last with a reason, kept
    in its history); a submitted one waits for the admin's decision."""
    return plan.status is not PlanStatus.SUBMITTED


def change_needs_reason(plan: Plan) -> bool:
    return plan.status is PlanStatus.APPROVED


def plan_submittable(plan: Plan) -> bool:
    return plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


def milestone_submittable(milestone: Milestone) -> bool:
    """The mentee may report it: it is still to report."""
    return still_to_report(milestone)


def milestone_removable(milestone: Milestone) -> bool:
    """Only a milestone with no report yet: a report once sent is never lost."""
    return milestone.status is MilestoneStatus.PLANNED


def check_deadline(pair: Pair, due: date) -> PlanRefusal | None:
    """A deadline lies within the pair's period."""
    if not pair.start <= due <= pair.end:
        return DEADLINE_OUTSIDE_PAIR
    return None


def document_allowed(file_name: str | None, size: int | None) -> bool:
    """A report file: an office document, a PDF or a picture, at most 20 MB."""
    if size is not None and size > MAX_DOCUMENT_BYTES:
        return False
    extension = (file_name or "").rsplit(".", 1)[-1].lower() if "." in (file_name or "") else ""
    return extension in DOCUMENT_EXTENSIONS


# --- who may act on which plan -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    """What a press names; `side` None: an admin looking on from the pair's card, read only."""

    pair: Pair
    plan: Plan
    side: PairSide | None
    milestone: Milestone | None = None


async def lookup_plan(
    tx: Repos, pair_id: int, milestone_id: int
) -> tuple[Pair | None, Plan | None, Milestone | None]:
    """The pair, plan and milestone a press names (by the pair, or by the milestone)."""
    if not milestone_id:
        pair = await tx.pairs.get(pair_id)
        return pair, await tx.plans.for_pair(pair_id) if pair else None, None
    milestone = await tx.plans.milestone(milestone_id)
    if milestone is None:
        return None, None, None
    plan = await tx.plans.get(milestone.plan_id)
    pair = await tx.pairs.get(plan.pair_id) if plan else None
    return pair, plan, milestone


async def load_plan(
    tx: Repos, person: Person, *, pair_id: int = 0, milestone_id: int = 0
) -> Found | None:
    """The pair, plan (and milestone) a press names, if this person is on a side of an active
    pair; None for anything forged, foreign or ended."""
    pair, plan, milestone = await lookup_plan(tx, pair_id, milestone_id)
    if pair is None or plan is None or not may_work_in_pair(pair, person.id):
        return None
    side = side_in_pair(pair, person.id)
    assert side is not None  # may_work_in_pair: the person is on a side
    return Found(pair, plan, side, milestone)


# --- the actions ------------------------------------------------------------------------------


def plan_rows(
    pairs: list[Pair], template: PlanTemplate
) -> list[tuple[int, list[tuple[str, date]]]]:
    """(pair id, [(title, deadline)]) of the plans of new pairs, for a set-based insert."""
    return [(pair.id, template.deadlines(pair.start, pair.end)) for pair in pairs]


async def plan_every_active_pair(tx: Repos, template: PlanTemplate, now: datetime) -> int:
    """A plan from the template for every active pair that has none (pairs formed before the
    bot kept plans); how many were made. Run at start-up: it makes nothing twice."""
    pairs = await tx.pairs.active_without_plan()
    await tx.plans.add_many(plan_rows(pairs, template), now)
    return len(pairs)


async def create_plan(tx: Repos, pair: Pair, template: PlanTemplate, now: datetime) -> Plan:
    await tx.plans.add_many(plan_rows([pair], template), now)
    plan = await tx.plans.for_pair(pair.id)
    assert plan is not None
    return plan


def reason_given(reason: str | None) -> bool:
    """A reason says something: blanks, dashes or dots alone are no reason."""
    return any(char.isalnum() for char in reason or "")


def _check_change(plan: Plan, reason: str | None) -> None:
    if not plan_editable(plan):
        raise PlanError(PLAN_NOT_EDITABLE)
    if change_needs_reason(plan) and not reason_given(reason):
        raise PlanError(REASON_NEEDED)


async def _log(
    tx: Repos,
    plan: Plan,
    change: PlanChange,
    title: str,
    old: str | None,
    new: str | None,
    author_id: int,
    reason: str | None,
    now: datetime,
) -> None:
    """A change to an approved plan is kept with its reason; a draft's edits are not history."""
    if change_needs_reason(plan):
        await tx.plans.log_change(plan.id, author_id, change, title, old, new, reason, now)


async def _cancel_reminders(tx: Repos, milestone_id: int, reason: str) -> None:
    await cancel_about(tx, About.MILESTONE_REMINDERS, milestone_id, reason)


async def add_milestone(
    tx: Repos,
    plan: Plan,
    pair: Pair,
    title: str,
    due: date,
    *,
    author_id: int,
    now: datetime,
    reason: str | None = None,
) -> Milestone:
    _check_change(plan, reason)
    if (refusal := check_deadline(pair, due)) is not None:
        raise PlanError(refusal)
    if len(await tx.plans.milestones(plan.id)) >= MAX_MILESTONES:
        raise PlanError(PLAN_TOO_LONG)
    added = await tx.plans.add_milestone(plan.id, title, due)
    await _log(tx, plan, PlanChange.ADD, title, None, due.isoformat(), author_id, reason, now)
    return added


async def edit_milestone(
    tx: Repos,
    plan: Plan,
    pair: Pair,
    milestone: Milestone,
    *,
    author_id: int,
    now: datetime,
    title: str | None = None,
    due: date | None = None,
    reason: str | None = None,
    links: Links | None = None,
) -> None:
    """A milestone's new title or deadline. A deadline of an approved plan moved is told to the
    mentee (with the button to the milestone when `links`): it is the one they work to."""
    _check_change(plan, reason)
    if due is not None and (refusal := check_deadline(pair, due)) is not None:
        raise PlanError(refusal)
    await tx.plans.edit_milestone(milestone.id, title=title, due=due)
    if due is not None and due != milestone.due and plan.status is PlanStatus.APPROVED:
        moved = Text(
            "notice-milestone-due-moved",
            {
                "mentor": pair.mentor_name,
                "title": title or milestone.title,
                "old": milestone.due.strftime("%d.%m.%Y"),
                "new": due.strftime("%d.%m.%Y"),
                "reason": reason or "—",
            },
        )
        buttons = (
            [[Button(Text("remind-button-open-milestone"), data=links.milestone(milestone.id))]]
            if links
            else []
        )
        notice = Notice(
            NoticeKind.PLAN_CHANGED,
            to=pair.mentee_id,
            text=moved,
            of=(milestone.id, "due", due.isoformat(), now.isoformat()),
            buttons=buttons,
        )
        await tell(tx, notice, now)
    if title is not None:
        await _log(tx, plan, PlanChange.TITLE, milestone.title, milestone.title, title,
                   author_id, reason, now)  # fmt: skip
    if due is not None:
        await _log(tx, plan, PlanChange.DUE, milestone.title, milestone.due.isoformat(),
                   due.isoformat(), author_id, reason, now)  # fmt: skip
        await _cancel_reminders(tx, milestone.id, "the deadline changed")


async def remove_milestone(
    tx: Repos,
    plan: Plan,
    milestone: Milestone,
    *,
    author_id: int,
    now: datetime,
    reason: str | None = None,
) -> None:
    _check_change(plan, reason)
    if not milestone_removable(milestone):
        raise PlanError(MILESTONE_NOT_REMOVABLE)
    await tx.plans.remove_milestone(milestone.id)
    await _cancel_reminders(tx, milestone.id, "removed")
    await _log(tx, plan, PlanChange.REMOVE, milestone.title, milestone.due.isoformat(), None,
               author_id, reason, now)  # fmt: skip


async def submit_plan(tx: Repos, plan: Plan, now: datetime) -> Plan:
    if not plan_submittable(plan):
        raise PlanError(PLAN_NOT_SUBMITTABLE)
    if not await tx.plans.milestones(plan.id):
        raise PlanError(PLAN_EMPTY)
    if not await tx.plans.set_status(plan.id, plan.status, PlanStatus.SUBMITTED, now):
        raise PlanError(PLAN_NOT_SUBMITTABLE)
    fresh = await tx.plans.get(plan.id)
    assert fresh is not None
    return fresh


async def decide_plan(
    tx: Repos,
    plan_id: int,
    submission: int,
    approve: bool,
    admin_id: int,
    comment: str | None,
    now: datetime,
) -> Plan:
    """The first admin's decision on a submission wins; a second one, or one on an older
    submission, is refused and changes nothing."""
    plan = await tx.plans.get(plan_id)
    if plan is None or plan.status is not PlanStatus.SUBMITTED or plan.submission != submission:
        raise PlanError(PLAN_ALREADY_DECIDED)
    status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    if not await tx.plans.decide(plan.id, submission, status, admin_id, comment, now):
        raise PlanError(PLAN_ALREADY_DECIDED)
    fresh = await tx.plans.get(plan.id)
    assert fresh is not None
    return fresh


async def submit_milestone(
    tx: Repos,
    milestone: Milestone,
    comment: str,
    file_id: str | None,
    file_kind: str | None,
    now: datetime,
) -> Milestone:
    if not milestone_submittable(milestone):
        raise PlanError(MILESTONE_NOT_SUBMITTABLE)
    if not await tx.plans.submit_milestone(milestone.id, comment, file_id, file_kind, now):
        raise PlanError(MILESTONE_NOT_SUBMITTABLE)
    await _cancel_reminders(tx, milestone.id, "reported")
    fresh = await tx.plans.milestone(milestone.id)
    assert fresh is not None
    return fresh


async def decide_milestone(
    tx: Repos,
    milestone_id: int,
    submission: int,
    accept: bool,
    comment: str | None,
    now: datetime,
) -> Milestone:
    """Accept or return the report the mentor was shown; a second decision, or one on a
    report replaced since, changes nothing."""
    status = MilestoneStatus.ACCEPTED if accept else MilestoneStatus.RETURNED
    if not await tx.plans.decide_milestone(milestone_id, submission, status, comment, now):
        raise PlanError(MILESTONE_ALREADY_DECIDED)
    await _cancel_reminders(tx, milestone_id, "decided")
    fresh = await tx.plans.milestone(milestone_id)
    assert fresh is not None
    return fresh
