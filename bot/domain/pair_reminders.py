"""Reminders and warnings about a pair as a whole: an unanswered question, a plan not approved
two weeks in, a pair with no held meeting for INACTIVITY_DAYS, the final report before the end.

Same design as bot/domain/reminders.py: each kind has a due moment derived from the tables, the
tick queues what fell due in its window under a key of kind + object + due + recipient. The
rules (unanswered, inactive, a late plan) are bot/domain/attention.py's, the ones the weekly
digest counts with, so the digest and the reminders never disagree.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.domain.attention import (
    ESCALATE_INACTIVE,
    PLAN_WAITS,
    Limits,
    counted_from,
    inactive_from,
    plan_due,
    quiet_since,
)
from bot.domain.links import Links
from bot.domain.meeting_rules import Answer, answer_buttons, description
from bot.domain.notify import About, Notice, NoticeKind, admins
from bot.domain.questions import excerpt
from bot.domain.reminders import (
    MIDNIGHT,
    WEEK,
    Found,
    Window,
    at_local,
    days_in,
    due_token,
    is_stale,
)
from bot.notices import Button, Text, Waited
from storage.models import Meeting
from storage.reminders import PairDue, QuestionDue
from storage.repos import Repos

FINAL_REPORT_WEEK_BEFORE = timedelta(days=WEEK)
_NOTHING = (date.max, date.min)  # a day range that selects no day
QUESTION_EXCERPT = 120
# An admins' warning due this long before a weekly digest (or at its moment) is left to the
# digest, which lists the same pair: one message, not a warning and its repeat minutes later.
DIGEST_FOLDS = timedelta(hours=1)


def month_before(day: date) -> date:
    """The same day a month earlier (the month's last day when it has no such day)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def final_report_due(kind: NoticeKind, end: date, tz: tzinfo) -> datetime:
    if kind is NoticeKind.FINAL_REPORT_MONTH:
        return at_local(month_before(end), tz)
    return at_local(end - FINAL_REPORT_WEEK_BEFORE, tz)


def final_report_stale_at(kind: NoticeKind, end: date, tz: tzinfo) -> datetime:
    if kind is NoticeKind.FINAL_REPORT_MONTH:  # the week's reminder says it
        return final_report_due(NoticeKind.FINAL_REPORT_WEEK, end, tz)
    return at_local(end, tz, MIDNIGHT)  # «Через неделю, <end>» must not arrive on that day


# --- buttons ------------------------------------------------------------------------------


Buttons = list[list[Button]]


def _button(label: str, data: str) -> Buttons:
    return [[Button(Text(label), data=data)]]


# --- the notices --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _To:
    person_id: int
    text_key: str
    buttons: Buttons


def _notices(
    kind: NoticeKind,
    object_id: int,
    due: datetime,
    to: list[_To],
    args: Mapping[str, object],
    stale_at: datetime | None = None,
) -> list[Notice]:
    return [
        Notice(
            kind,
            to=one.person_id,
            text=Text(one.text_key, args),
            of=(object_id, due_token(due)),
            about=object_id,
            buttons=one.buttons,
            stale_at=stale_at,
        )
        for one in to
    ]


def _admins_to(admin_ids: list[int], text_key: str, pair_id: int, links: Links) -> list[_To]:
    card = _button("remind-button-pair-card", links.pair_card(pair_id))
    return [_To(admin_id, text_key, card) for admin_id in admin_ids]


def question_notices(
    kind: NoticeKind,
    question: QuestionDue,
    due: datetime,
    now: datetime,
    admin_ids: list[int],
    links: Links,
) -> list[Notice]:
    sides = question.sides
    if kind is NoticeKind.QUESTION_REMIND:
        reply = _button("button-answer", links.answer_question(question.id))
        to = [_To(sides.mentor_id, "remind-question-waits", reply)]
    else:
        to = _admins_to(admin_ids, "remind-question-escalate-waits", sides.pair_id, links)
    args: dict[str, object] = {
        "mentor": sides.mentor_name,
        "mentee": sides.mentee_name,
        "text": excerpt(question.text, QUESTION_EXCERPT),
        "waited": Waited(question.asked_at),  # said when it is sent: hours, then days
    }
    return _notices(kind, question.id, due, to, args)


def plan_notices(row: PairDue, due: datetime, admin_ids: list[int], links: Links) -> list[Notice]:
    sides = row.sides
    waiting = row.plan_status == "submitted"  # submitted: the admins have it to decide
    key = "remind-plan-not-approved" if waiting else "remind-plan-not-submitted"
    to = [
        _To(sides.mentor_id, key, _button("remind-button-open-plan", links.plan(sides.pair_id))),
        *_admins_to(admin_ids, "remind-plan-late-admin", sides.pair_id, links),
    ]
    args: dict[str, str | int] = {
        "mentor": sides.mentor_name,
        "mentee": sides.mentee_name,
        "start": row.start.strftime("%d.%m.%Y"),
        "waiting": "yes" if waiting else "no",
    }
    return _notices(NoticeKind.PLAN_LATE, sides.pair_id, due, to, args)


def inactive_notices(
    kind: NoticeKind,
    row: PairDue,
    due: datetime,
    now: datetime,
    tz: tzinfo,
    admin_ids: list[int],
    links: Links,
    unmarked: Meeting | None = None,
) -> list[Notice]:
    """`unmarked`: the pair's meeting that took place by its time but nobody has said whether
    it was held: the people are asked that, with its buttons, rather than told of no meetings."""
    sides = row.sides
    args: dict[str, object] = {}
    if kind is NoticeKind.PAIR_INACTIVE and unmarked is not None:
        held = answer_buttons(unmarked, (Answer.HELD, Answer.NOT_HELD, Answer.MOVED), links)
        to = [
            _To(sides.mentor_id, "remind-pair-unmarked-mentor", held),
            _To(sides.mentee_id, "remind-pair-unmarked-mentee", held),
        ]
        args["meeting"] = description(unmarked, tz)
    elif kind is NoticeKind.PAIR_INACTIVE:
        journal = _button("remind-button-journal", links.journal(sides.pair_id))
        to = [
            _To(sides.mentor_id, "remind-pair-inactive-mentor", journal),
            _To(sides.mentee_id, "remind-pair-inactive-mentee", journal),
        ]
    else:
        to = _admins_to(admin_ids, "remind-pair-inactive-admin", sides.pair_id, links)
    counted = counted_from(row.start, row.entered_at, tz)
    since = quiet_since(row.last_held, counted, tz)
    args |= {
        "mentor": sides.mentor_name,
        "mentee": sides.mentee_name,
        "days": max((now - since).days, 1),
        # Quiet since the start, or, for a pair entered in the bot after it, since then.
        "held": "yes" if row.last_held is not None else "no" if counted == row.start else "entered",
    }
    return _notices(kind, sides.pair_id, due, to, args)


def final_report_notices(
    kind: NoticeKind, row: PairDue, due: datetime, tz: tzinfo, links: Links
) -> list[Notice]:
    sides = row.sides
    key = (
        "remind-final-report-month"
        if kind is NoticeKind.FINAL_REPORT_MONTH
        else "remind-final-report-week"
    )
    plan = _button("remind-button-open-plan", links.plan(sides.pair_id))
    to = [_To(sides.mentor_id, key, plan), _To(sides.mentee_id, key, plan)]
    args: dict[str, str | int] = {"end": row.end.strftime("%d.%m.%Y")}
    stale_at = final_report_stale_at(kind, row.end, tz)
    return _notices(kind, sides.pair_id, due, to, args, stale_at)


# --- the tick -----------------------------------------------------------------------------


async def find_pair_due(
    tx: Repos,
    window: Window,
    tz: tzinfo,
    limits: Limits,
    found: Found,
    links: Links,
    digest_soon: Callable[[datetime], bool] = lambda _due: False,
) -> None:
    """Add to `found` every reminder about questions, plans and pairs due in the window.
    `digest_soon(due)`: whether a weekly digest is queued at that moment or within
    DIGEST_FOLDS after it; the admins' warning is then left to the digest, which lists the pair
    anyway, for every admin who gets the digest."""
    since, now = window.since, window.now
    if since >= now:
        return
    admin_ids: list[int] | None = None
    without_digest: list[int] | None = None

    async def to_admins(due: datetime) -> list[int]:
        nonlocal admin_ids, without_digest
        if admin_ids is None:
            admin_ids = [admin.id for admin in await admins(tx)]
        if not digest_soon(due):
            return admin_ids
        if without_digest is None:
            off = await tx.reminders.switched_off_among([NoticeKind.DIGEST.value])
            without_digest = [admin for admin in admin_ids if (admin, NoticeKind.DIGEST) in off]
        return without_digest

    for kind, wait in (
        (NoticeKind.QUESTION_REMIND, limits.question_remind),
        (NoticeKind.QUESTION_ESCALATE, limits.question_escalate),
    ):
        for question in await tx.reminders.questions_asked(since - wait, now - wait):
            escalated = kind is NoticeKind.QUESTION_ESCALATE
            found.notices += question_notices(
                kind,
                question,
                question.asked_at + wait,
                now,
                await to_admins(question.asked_at + wait) if escalated else [],
                links,
            )

    for kind, wait in (
        (NoticeKind.PAIR_INACTIVE, limits.inactivity),
        (NoticeKind.PAIR_INACTIVE_ADMINS, limits.inactivity + ESCALATE_INACTIVE),
    ):
        starts = days_in(Window(since - wait, now - wait), tz) or _NOTHING
        for row in await tx.reminders.pairs_quiet_since(since - wait, now - wait, *starts):
            admins_told = kind is NoticeKind.PAIR_INACTIVE_ADMINS
            counted = counted_from(row.start, row.entered_at, tz)
            due = inactive_from(row.last_held, counted, tz, limits, admins=admins_told)
            if due not in window:
                continue
            escalated = kind is NoticeKind.PAIR_INACTIVE_ADMINS
            unmarked = (
                None if escalated else await tx.meetings.unmarked_of_pair(row.sides.pair_id, now)
            )
            told = await to_admins(due) if escalated else []
            found.notices += inactive_notices(kind, row, due, now, tz, told, links, unmarked)

    days = days_in(window, tz)
    if days is None:
        return
    first, last = days
    for row in await tx.reminders.pairs_counted_between(first - PLAN_WAITS, last - PLAN_WAITS):
        due = plan_due(counted_from(row.start, row.entered_at, tz), tz)
        if due not in window:
            continue
        found.notices += plan_notices(row, due, await to_admins(due), links)
    for kind, lo, hi in (
        (NoticeKind.FINAL_REPORT_MONTH, timedelta(days=28), timedelta(days=31)),
        (NoticeKind.FINAL_REPORT_WEEK, FINAL_REPORT_WEEK_BEFORE, FINAL_REPORT_WEEK_BEFORE),
    ):
        for row in await tx.reminders.pairs_ending_between(first + lo, last + hi):
            due = final_report_due(kind, row.end, tz)
            if due not in window:
                continue
            if is_stale(final_report_stale_at(kind, row.end, tz), now):
                found.skipped += 1
                continue
            found.notices += final_report_notices(kind, row, due, tz, links)


async def cancel_pair_reminders(
    tx: Repos, pair_id: int, reason: str, *, reassigned_from: int | None = None
) -> int:
    """An ended pair: nothing still pending about it, its meetings, milestones or questions is
    sent (the tick queues nothing more for a pair that is not active). A reassigned one goes on
    with its mentee and plan: of its milestones' reminders only those meant for the old mentor
    (`reassigned_from`) are dropped, so the mentee's still come. Its questions' reminders go
    to the mentor and the admins and name the old mentor, so all of them are dropped."""
    objects = await tx.reminders.objects_of_pair(pair_id)
    of_the_pair = [
        About.PAIR_REMINDERS.of(pair_id),
        *(About.MEETING_REMINDERS.of(meeting_id) for meeting_id in objects.meetings),
        *(About.QUESTION_REMINDERS.of(question_id) for question_id in objects.questions),
        # A questionnaire not sent yet (waiting for the morning) is about a pair that is over.
        *(About.FEEDBACK.of(form.id) for form in await tx.feedback.open_of_pair(pair_id)),
    ]
    of_the_plan = [
        About.MILESTONE_REMINDERS.of(milestone_id) for milestone_id in objects.milestones
    ]
    if reassigned_from is None:
        return await tx.reminders.cancel_pending_many(of_the_pair + of_the_plan, reason)
    return await tx.reminders.cancel_pending_many(
        of_the_pair, reason
    ) + await tx.reminders.cancel_pending_many(of_the_plan, reason, person_id=reassigned_from)
