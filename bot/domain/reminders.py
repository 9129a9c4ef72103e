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

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.domain.links import Links
from bot.domain.meeting_rules import Answer, answer_buttons, description, question_due_at
from bot.domain.notify import Notice, NoticeKind, tell_all
from bot.notices import Button, MinutesUntil, Text
from storage.models import Meeting, MeetingStatus
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


def meeting_due(kind: NoticeKind, meeting: Meeting, changed_at: datetime) -> datetime:
    if kind is NoticeKind.MEETING_DAY:
        return meeting.starts_at - MEETING_DAY_BEFORE
    if kind is NoticeKind.MEETING_HOUR:
        return meeting.starts_at - MEETING_HOUR_BEFORE
    if kind is NoticeKind.MEETING_HELD:
        return question_due_at(meeting)
    if kind is NoticeKind.MEETING_UNANSWERED:
        return changed_at + PROPOSAL_WAITS
    raise ValueError(kind)


def is_stale(stale_at: datetime | None, now: datetime) -> bool:
    return stale_at is not None and now >= stale_at


def meeting_stale_at(kind: NoticeKind, meeting: Meeting, tz: tzinfo) -> datetime | None:
    """From when a reminder is no longer worth sending: the tick skips it after a stop, the
    sender when quiet hours (or an outage) held it that long. None: it always holds."""
    if kind is NoticeKind.MEETING_DAY:
        # The hour's reminder says it then; and «Завтра» must not arrive on the day itself.
        day = at_local(meeting.starts_at.astimezone(tz).date(), tz, MIDNIGHT)
        return min(meeting.starts_at - MEETING_HOUR_BEFORE, day)
    if kind in (NoticeKind.MEETING_HOUR, NoticeKind.MEETING_UNANSWERED):
        return meeting.starts_at
    return None  # "did it happen?" stands until answered


def milestone_due(kind: NoticeKind, due: date, tz: tzinfo, day: date | None = None) -> datetime:
    """`day`: for an overdue warning, the overdue day it is sent on."""
    if kind is NoticeKind.MILESTONE_WEEK:
        return at_local(due - timedelta(days=WEEK), tz)
    if kind is NoticeKind.MILESTONE_DAY:
        return at_local(due - timedelta(days=1), tz)
    if kind is NoticeKind.MILESTONE_OVERDUE and day is not None:
        return at_local(day, tz)
    raise ValueError(kind)


def milestone_stale_at(
    kind: NoticeKind, due: date, tz: tzinfo, day: date | None = None
) -> datetime | None:
    """`day`: for an overdue warning, the overdue day it is sent on."""
    if kind is NoticeKind.MILESTONE_WEEK:  # the day-before reminder says it
        return milestone_due(NoticeKind.MILESTONE_DAY, due, tz)
    if kind is NoticeKind.MILESTONE_DAY:  # «Завтра» must not arrive on the deadline day
        return at_local(due, tz, MIDNIGHT)
    if kind is NoticeKind.MILESTONE_OVERDUE and day is not None:  # the next weekly one
        return at_local(day + timedelta(days=WEEK), tz)
    return None


# --- the notices --------------------------------------------------------------------------


@dataclass
class Found:
    """What a tick found due: the notices to queue and how many it skipped as stale."""

    notices: list[Notice] = field(default_factory=list)
    skipped: int = 0


_MEETING_TEXTS = {
    NoticeKind.MEETING_DAY: "remind-meeting-day",
    NoticeKind.MEETING_HOUR: "remind-meeting-hour",
    NoticeKind.MEETING_HELD: "meet-held-question",
    NoticeKind.MEETING_UNANSWERED: "remind-meeting-unanswered",
}
_MEETING_ANSWERS = {
    NoticeKind.MEETING_DAY: (Answer.MOVE, Answer.CANCEL),
    NoticeKind.MEETING_HOUR: (Answer.MOVE, Answer.CANCEL),
    NoticeKind.MEETING_HELD: (Answer.HELD, Answer.NOT_HELD, Answer.MOVED),
    NoticeKind.MEETING_UNANSWERED: (Answer.CANCEL,),
}


def meeting_notices(
    kind: NoticeKind, meeting: Meeting, sides: Sides, due: datetime, tz: tzinfo, links: Links
) -> list[Notice]:
    """The reminder of this kind about a meeting, to each side it is meant for."""
    if kind is NoticeKind.MEETING_UNANSWERED:
        recipients = [meeting.proposed_by]
    else:
        recipients = [sides.mentor_id, sides.mentee_id]
    said = description(meeting, tz)
    buttons = answer_buttons(meeting, _MEETING_ANSWERS[kind], links)
    stale_at = meeting_stale_at(kind, meeting, tz)
    return [
        Notice(
            kind,
            to=person_id,
            text=Text(
                _MEETING_TEXTS[kind],
                {
                    "other": sides.mentee_name
                    if person_id == sides.mentor_id
                    else sides.mentor_name,
                    "meeting": said,
                    "minutes": MinutesUntil(meeting.starts_at),  # counted when it is sent
                },
            ),
            of=(meeting.id, due_token(due)),
            about=meeting.id,
            buttons=buttons,
            stale_at=stale_at,
        )
        for person_id in recipients
        if person_id in (sides.mentor_id, sides.mentee_id)
    ]


def due_token(due: datetime) -> str:
    """A due moment in a reminder's key: a changed deadline or a moved meeting makes new keys."""
    return f"{due.astimezone(UTC):%Y%m%dT%H%M}"


def milestone_notices(
    kind: NoticeKind,
    milestone: MilestoneDue,
    due: datetime,
    now: datetime,
    day: date,
    tz: tzinfo,
    links: Links,
) -> list[Notice]:
    """`day`: the local day it is sent on (counts the days overdue)."""
    sides = milestone.sides
    args: dict[str, str | int] = {
        "title": milestone.title,
        "due": milestone.due.strftime("%d.%m.%Y"),
        "mentee": sides.mentee_name,
    }
    to: list[tuple[int, str]]  # person, text key
    if kind is NoticeKind.MILESTONE_REVIEW:
        args["days"] = max((now - (milestone.submitted_at or now)).days, 1)
        to = [(sides.mentor_id, "remind-milestone-review")]
    elif kind is NoticeKind.MILESTONE_OVERDUE:
        args["days"] = (day - milestone.due).days
        to = [
            (sides.mentee_id, "remind-milestone-overdue"),
            (sides.mentor_id, "remind-milestone-overdue-mentor"),
        ]
    else:
        week = kind is NoticeKind.MILESTONE_WEEK
        to = [(sides.mentee_id, "remind-milestone-week" if week else "remind-milestone-day")]
    buttons = [[Button(Text("remind-button-open-milestone"), data=links.milestone(milestone.id))]]
    stale_at = milestone_stale_at(kind, milestone.due, tz, day)
    return [
        Notice(
            kind,
            to=person_id,
            text=Text(text_key, args),
            of=(milestone.id, due_token(due)),
            about=milestone.id,
            buttons=buttons,
            stale_at=stale_at,
        )
        for person_id, text_key in to
    ]


# --- the tick -----------------------------------------------------------------------------


async def _meetings(tx: Repos, window: Window, tz: tzinfo, found: Found, links: Links) -> None:
    since, now = window.since, window.now
    candidates = [
        (
            NoticeKind.MEETING_DAY,
            await tx.reminders.meetings_starting(
                "confirmed",
                since + MEETING_DAY_BEFORE,
                now + MEETING_DAY_BEFORE,
            ),
        ),
        (
            NoticeKind.MEETING_HOUR,
            await tx.reminders.meetings_starting(
                "confirmed",
                since + MEETING_HOUR_BEFORE,
                now + MEETING_HOUR_BEFORE,
            ),
        ),
        (
            # Ends in the window: starts at most the longest meeting before it.
            NoticeKind.MEETING_HELD,
            await tx.reminders.meetings_starting("confirmed", since - LONGEST_MEETING, now),
        ),
        (
            NoticeKind.MEETING_UNANSWERED,
            await tx.reminders.proposals_changed(since - PROPOSAL_WAITS, now - PROPOSAL_WAITS),
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
            found.notices += meeting_notices(kind, row.meeting, row.sides, due, tz, links)


async def _milestones(tx: Repos, window: Window, tz: tzinfo, found: Found, links: Links) -> None:
    now = window.now
    today = now.astimezone(tz).date()
    days = days_in(window, tz)
    if days is not None:
        first, last = days
        for kind, ahead in ((NoticeKind.MILESTONE_WEEK, WEEK), (NoticeKind.MILESTONE_DAY, 1)):
            shift = timedelta(days=ahead)
            for row in await tx.reminders.milestones_due_between(first + shift, last + shift):
                if is_stale(milestone_stale_at(kind, row.due, tz), now):
                    found.skipped += 1
                    continue
                due = milestone_due(kind, row.due, tz)
                found.notices += milestone_notices(kind, row, due, now, today, tz, links)
        kind = NoticeKind.MILESTONE_OVERDUE
        for row in await tx.reminders.milestones_overdue_on(first, last):
            day = latest_overdue_day(row.due, last)
            if day is None:
                continue
            due = milestone_due(kind, row.due, tz, day)
            found.notices += milestone_notices(kind, row, due, now, day, tz, links)
    kind = NoticeKind.MILESTONE_REVIEW
    for row in await tx.reminders.milestones_submitted(
        window.since - REVIEW_WAITS, now - REVIEW_WAITS
    ):
        assert row.submitted_at is not None
        found.notices += milestone_notices(
            kind, row, row.submitted_at + REVIEW_WAITS, now, today, tz, links
        )


async def find_due(tx: Repos, window: Window, tz: tzinfo, links: Links) -> Found:
    """Every reminder that fell due in the window, as notices to queue."""
    found = Found()
    if window.since >= window.now:
        return found
    await _meetings(tx, window, tz, found, links)
    await _milestones(tx, window, tz, found, links)
    return found


async def held_question_notices(
    tx: Repos, meeting: Meeting, now: datetime, tz: tzinfo, links: Links
) -> list[Notice]:
    """ "Did it happen?" for a confirmed meeting whose end has passed, as the tick queues it
    (same keys, so asking twice sends it once)."""
    if meeting.status is not MeetingStatus.CONFIRMED or question_due_at(meeting) > now:
        return []
    pair = await tx.pairs.get(meeting.pair_id)
    if pair is None:
        return []
    sides = Sides(pair.id, pair.mentor_id, pair.mentee_id, pair.mentor_name, pair.mentee_name)
    kind = NoticeKind.MEETING_HELD
    return meeting_notices(kind, meeting, sides, question_due_at(meeting), tz, links)


async def queue_held_question(
    tx: Repos, meeting: Meeting, now: datetime, tz: tzinfo, links: Links
) -> bool:
    """Ask both sides whether a confirmed meeting happened, as the scheduler's tick does once
    the meeting's planned end has passed (same keys: asked once); False when not due."""
    notices = await held_question_notices(tx, meeting, now, tz, links)
    await tell_all(tx, notices, now)
    return bool(notices)
