"""Reminders and warnings: when each kind falls due (pure functions the digest reuses), and
what the scheduler's tick queues for the moments that fell due since its last run.

Every reminder has a due moment derived from the tables (a meeting's start, a deadline, a
submission); a tick covers the window (since, now] and queues what fell due in it, once, under
a key of kind + object + due moment + recipient. A changed deadline or a moved meeting thus
makes new keys, and the change cancels what is still pending for the object (its subject,
`reminder subject` below): the sender need not re-check anything.

A tick after a stop covers the time the bot was down (at most CATCH_UP): what is still useful
is sent, what a later reminder has superseded or the event has overtaken is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.domain.meetings import Answer, button_data, question_due_at, reminder_subject
from bot.domain.plans import milestone_reminder_subject
from bot.notices import Button, Text, args_json, buttons_json
from storage.models import Meeting, MeetingStatus, QueuedNotice
from storage.reminders import MilestoneDue, Sides
from storage.repos import Repos

REMINDER_TIME = time(9, 0)  # local time of the reminders tied to a day (deadlines)
MIDNIGHT = time(0, 0)
CATCH_UP = timedelta(days=8)  # how far back a tick looks after the bot was stopped
MEETING_DAY_BEFORE = timedelta(days=1)
MEETING_HOUR_BEFORE = timedelta(hours=1)
PROPOSAL_WAITS = timedelta(days=1)  # a proposal unanswered this long: the proposer is told
REVIEW_WAITS = timedelta(days=3)  # a report undecided this long: the mentor is reminded
WEEK = 7
LONGEST_MEETING = timedelta(minutes=720)


class ReminderKind(StrEnum):
    """A kind of reminder: part of its key, and what a person switches on or off."""

    MEETING_DAY = "meeting-day"
    MEETING_HOUR = "meeting-hour"
    MEETING_HELD = "meeting-held"  # "did it happen?"
    MEETING_UNANSWERED = "meeting-unanswered"
    MILESTONE_WEEK = "milestone-week"
    MILESTONE_DAY = "milestone-day"
    MILESTONE_OVERDUE = "milestone-overdue"
    MILESTONE_REVIEW = "milestone-review"
    QUESTION_REMIND = "question-remind"  # to the mentor
    QUESTION_ESCALATE = "question-escalate"  # to the admins
    PLAN_LATE = "plan-late"  # to the mentor and the admins
    PAIR_INACTIVE = "pair-inactive"  # to both
    PAIR_INACTIVE_ADMINS = "pair-inactive-admins"
    FINAL_REPORT_MONTH = "final-report-month"  # to both
    FINAL_REPORT_WEEK = "final-report-week"
    DIGEST = "digest"  # the weekly digest, to the admins


# --- windows and moments -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """The moments a tick covers: after `since`, up to and including `now`."""

    since: datetime
    now: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.since < moment <= self.now


def window_since(done_until: datetime | None, now: datetime) -> datetime:
    """Where a tick starts: where the last one ended, but never before CATCH_UP ago; the
    first tick ever starts now (nothing from before the scheduler existed)."""
    if done_until is None:
        return now
    return max(done_until, now - CATCH_UP)


def at_local(day: date, tz: tzinfo, at: time = REMINDER_TIME) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def days_in(window: Window, tz: tzinfo, at: time = REMINDER_TIME) -> tuple[date, date] | None:
    """The local days whose reminder time falls in the window, first and last; None when none
    does (most ticks: the day-based queries are then skipped)."""
    first = window.since.astimezone(tz).date()
    if at_local(first, tz, at) not in window:
        first += timedelta(days=1)
    last = window.now.astimezone(tz).date()
    if at_local(last, tz, at) > window.now:
        last -= timedelta(days=1)
    return (first, last) if first <= last else None


def latest_overdue_day(due: date, last: date) -> date | None:
    """The latest day up to `last` on which an unreported milestone is reported overdue: the
    day after its deadline, then every week."""
    if last <= due:
        return None
    return last - timedelta(days=((last - due).days - 1) % WEEK)


# --- what each kind is due at, and when it goes stale ---------------------------------------


def meeting_due(kind: ReminderKind, meeting: Meeting, changed_at: datetime) -> datetime:
    if kind is ReminderKind.MEETING_DAY:
        return meeting.starts_at - MEETING_DAY_BEFORE
    if kind is ReminderKind.MEETING_HOUR:
        return meeting.starts_at - MEETING_HOUR_BEFORE
    if kind is ReminderKind.MEETING_HELD:
        return question_due_at(meeting)
    if kind is ReminderKind.MEETING_UNANSWERED:
        return changed_at + PROPOSAL_WAITS
    raise ValueError(kind)


def is_stale(stale_at: datetime | None, now: datetime) -> bool:
    return stale_at is not None and now >= stale_at


def meeting_stale_at(kind: ReminderKind, meeting: Meeting, tz: tzinfo) -> datetime | None:
    """From when a reminder is no longer worth sending: the tick skips it after a stop, the
    sender when quiet hours (or an outage) held it that long. None: it always holds."""
    if kind is ReminderKind.MEETING_DAY:
        # The hour's reminder says it then; and «Завтра» must not arrive on the day itself.
        day = at_local(meeting.starts_at.astimezone(tz).date(), tz, MIDNIGHT)
        return min(meeting.starts_at - MEETING_HOUR_BEFORE, day)
    if kind in (ReminderKind.MEETING_HOUR, ReminderKind.MEETING_UNANSWERED):
        return meeting.starts_at
    return None  # "did it happen?" stands until answered


def milestone_due(kind: ReminderKind, due: date, tz: tzinfo, day: date | None = None) -> datetime:
    """`day`: for an overdue warning, the overdue day it is sent on."""
    if kind is ReminderKind.MILESTONE_WEEK:
        return at_local(due - timedelta(days=WEEK), tz)
    if kind is ReminderKind.MILESTONE_DAY:
        return at_local(due - timedelta(days=1), tz)
    if kind is ReminderKind.MILESTONE_OVERDUE and day is not None:
        return at_local(day, tz)
    raise ValueError(kind)


def milestone_stale_at(
    kind: ReminderKind, due: date, tz: tzinfo, day: date | None = None
) -> datetime | None:
    """`day`: for an overdue warning, the overdue day it is sent on."""
    if kind is ReminderKind.MILESTONE_WEEK:  # the day-before reminder says it
        return milestone_due(ReminderKind.MILESTONE_DAY, due, tz)
    if kind is ReminderKind.MILESTONE_DAY:  # «Завтра» must not arrive on the deadline day
        return at_local(due, tz, MIDNIGHT)
    if kind is ReminderKind.MILESTONE_OVERDUE and day is not None:  # the next weekly one
        return at_local(day + timedelta(days=WEEK), tz)
    return None


# --- the notices --------------------------------------------------------------------------


def reminder_key(kind: ReminderKind, object_id: int, due: datetime, person_id: int) -> str:
    return f"remind:{kind.value}:{object_id}:{due.astimezone(UTC):%Y%m%dT%H%M}:{person_id}"


@dataclass
class Found:
    """What a tick found due: the notices to queue and how many it skipped as stale."""

    notices: list[QueuedNotice] = field(default_factory=list)
    skipped: int = 0


def _meeting_text(meeting: Meeting, tz: tzinfo) -> Text:
    local = meeting.starts_at.astimezone(tz)
    return Text(
        "meet-description",
        {
            "date": local.strftime("%d.%m.%Y"),
            "time": local.strftime("%H:%M"),
            "format": Text(f"meet-format-{meeting.format.value}"),
            "topic": meeting.topic,
        },
    )


def _meeting_buttons(meeting: Meeting, answers: Iterable[Answer]) -> str | None:
    return buttons_json(
        [
            [Button(Text(f"meet-button-{answer.value}"), data=button_data(meeting, answer))]
            for answer in answers
        ]
    )


_MEETING_TEXTS = {
    ReminderKind.MEETING_DAY: "remind-meeting-day",
    ReminderKind.MEETING_HOUR: "remind-meeting-hour",
    ReminderKind.MEETING_HELD: "meet-held-question",
    ReminderKind.MEETING_UNANSWERED: "remind-meeting-unanswered",
}
_MEETING_ANSWERS = {
    ReminderKind.MEETING_DAY: (Answer.MOVE, Answer.CANCEL),
    ReminderKind.MEETING_HOUR: (Answer.MOVE, Answer.CANCEL),
    ReminderKind.MEETING_HELD: (Answer.HELD, Answer.NOT_HELD, Answer.MOVED),
    ReminderKind.MEETING_UNANSWERED: (Answer.CANCEL,),
}


def meeting_notices(
    kind: ReminderKind, meeting: Meeting, sides: Sides, due: datetime, now: datetime, tz: tzinfo
) -> list[QueuedNotice]:
    """The reminder of this kind about a meeting, to each side it is meant for."""
    if kind is ReminderKind.MEETING_UNANSWERED:
        recipients = [meeting.proposed_by]
    else:
        recipients = [sides.mentor_id, sides.mentee_id]
    wanted = {sides.mentor_id: sides.mentor_on, sides.mentee_id: sides.mentee_on}
    description = _meeting_text(meeting, tz)
    buttons = _meeting_buttons(meeting, _MEETING_ANSWERS[kind])
    notices = []
    for person_id in recipients:
        if not wanted.get(person_id, False):
            continue
        other = sides.mentee_name if person_id == sides.mentor_id else sides.mentor_name
        notices.append(
            QueuedNotice(
                key=reminder_key(kind, meeting.id, due, person_id),
                person_id=person_id,
                subject=reminder_subject(meeting.id),
                text_key=_MEETING_TEXTS[kind],
                text_args=args_json({"other": other, "meeting": description}),
                buttons=buttons,
                not_before=now,
                stale_at=meeting_stale_at(kind, meeting, tz),
            )
        )
    return notices


def open_milestone_data(milestone_id: int) -> str:
    """Callback data of the plan's "open the milestone" button (handlers.plan.MilestoneCb)."""
    return f"ml:open:{milestone_id}:0:0"


def milestone_notices(
    kind: ReminderKind,
    milestone: MilestoneDue,
    due: datetime,
    now: datetime,
    day: date,
    tz: tzinfo,
) -> list[QueuedNotice]:
    """`day`: the local day it is sent on (counts the days overdue)."""
    sides = milestone.sides
    args: dict[str, str | int] = {
        "title": milestone.title,
        "due": milestone.due.strftime("%d.%m.%Y"),
        "mentee": sides.mentee_name,
    }
    to: list[tuple[int, bool, str]]  # person, wants it, text key
    if kind is ReminderKind.MILESTONE_REVIEW:
        args["days"] = max((now - (milestone.submitted_at or now)).days, 1)
        to = [(sides.mentor_id, sides.mentor_on, "remind-milestone-review")]
    elif kind is ReminderKind.MILESTONE_OVERDUE:
        args["days"] = (day - milestone.due).days
        to = [
            (sides.mentee_id, sides.mentee_on, "remind-milestone-overdue"),
            (sides.mentor_id, sides.mentor_on, "remind-milestone-overdue-mentor"),
        ]
    else:
        week = kind is ReminderKind.MILESTONE_WEEK
        to = [
            (
                sides.mentee_id,
                sides.mentee_on,
                "remind-milestone-week" if week else "remind-milestone-day",
            )
        ]
    buttons = buttons_json(
        [[Button(Text("remind-button-open-milestone"), data=open_milestone_data(milestone.id))]]
    )
    stale_at = milestone_stale_at(kind, milestone.due, tz, day)
    return [
        QueuedNotice(
            key=reminder_key(kind, milestone.id, due, person_id),
            person_id=person_id,
            subject=milestone_reminder_subject(milestone.id),
            text_key=text_key,
            text_args=args_json(args),
            buttons=buttons,
            not_before=now,
            stale_at=stale_at,
        )
        for person_id, wanted, text_key in to
        if wanted
    ]


# --- the tick -----------------------------------------------------------------------------


async def _meetings(tx: Repos, window: Window, tz: tzinfo, found: Found) -> None:
    since, now = window.since, window.now
    candidates = [
        (
            ReminderKind.MEETING_DAY,
            await tx.reminders.meetings_starting(
                "confirmed",
                since + MEETING_DAY_BEFORE,
                now + MEETING_DAY_BEFORE,
                ReminderKind.MEETING_DAY.value,
            ),
        ),
        (
            ReminderKind.MEETING_HOUR,
            await tx.reminders.meetings_starting(
                "confirmed",
                since + MEETING_HOUR_BEFORE,
                now + MEETING_HOUR_BEFORE,
                ReminderKind.MEETING_HOUR.value,
            ),
        ),
        (
            # Ends in the window: starts at most the longest meeting before it.
            ReminderKind.MEETING_HELD,
            await tx.reminders.meetings_starting(
                "confirmed", since - LONGEST_MEETING, now, ReminderKind.MEETING_HELD.value
            ),
        ),
        (
            ReminderKind.MEETING_UNANSWERED,
            await tx.reminders.proposals_changed(
                since - PROPOSAL_WAITS, now - PROPOSAL_WAITS, ReminderKind.MEETING_UNANSWERED.value
            ),
        ),
    ]
    for kind, rows in candidates:
        for row in rows:
            due = meeting_due(kind, row.meeting, row.changed_at)
            if due not in window:
                continue
            if is_stale(meeting_stale_at(kind, row.meeting, tz), now):
                found.skipped += 1
                continue
            found.notices += meeting_notices(kind, row.meeting, row.sides, due, now, tz)


async def _milestones(tx: Repos, window: Window, tz: tzinfo, found: Found) -> None:
    now = window.now
    today = now.astimezone(tz).date()
    days = days_in(window, tz)
    if days is not None:
        first, last = days
        for kind, ahead in ((ReminderKind.MILESTONE_WEEK, WEEK), (ReminderKind.MILESTONE_DAY, 1)):
            shift = timedelta(days=ahead)
            for row in await tx.reminders.milestones_due_between(
                first + shift, last + shift, kind.value
            ):
                if is_stale(milestone_stale_at(kind, row.due, tz), now):
                    found.skipped += 1
                    continue
                due = milestone_due(kind, row.due, tz)
                found.notices += milestone_notices(kind, row, due, now, today, tz)
        kind = ReminderKind.MILESTONE_OVERDUE
        for row in await tx.reminders.milestones_overdue_on(first, last, kind.value):
            day = latest_overdue_day(row.due, last)
            if day is None:
                continue
            due = milestone_due(kind, row.due, tz, day)
            found.notices += milestone_notices(kind, row, due, now, day, tz)
    kind = ReminderKind.MILESTONE_REVIEW
    for row in await tx.reminders.milestones_submitted(
        window.since - REVIEW_WAITS, now - REVIEW_WAITS, kind.value
    ):
        assert row.submitted_at is not None
        found.notices += milestone_notices(
            kind, row, row.submitted_at + REVIEW_WAITS, now, today, tz
        )


async def find_due(tx: Repos, window: Window, tz: tzinfo) -> Found:
    """Every reminder that fell due in the window, as notices to queue."""
    found = Found()
    if window.since >= window.now:
        return found
    await _meetings(tx, window, tz, found)
    await _milestones(tx, window, tz, found)
    return found


async def held_question_notices(
    tx: Repos, meeting: Meeting, now: datetime, tz: tzinfo
) -> list[QueuedNotice]:
    """ "Did it happen?" for a confirmed meeting whose end has passed, as the tick queues it
    (same keys, so asking twice sends it once)."""
    if meeting.status is not MeetingStatus.CONFIRMED or question_due_at(meeting) > now:
        return []
    pair = await tx.pairs.get(meeting.pair_id)
    if pair is None:
        return []
    sides = Sides(pair.id, pair.mentor_id, pair.mentee_id, pair.mentor_name, pair.mentee_name)
    kind = ReminderKind.MEETING_HELD
    return meeting_notices(kind, meeting, sides, question_due_at(meeting), now, tz)
