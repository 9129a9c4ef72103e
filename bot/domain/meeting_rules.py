"""The rules of a pair's meetings, as pure functions: a moment typed and checked (in the pair's
period, not in the past, not clashing with either person's other meetings), who may answer,
move, cancel or report a meeting and when, the hours of the journal, and how a meeting reads
(by catalog key) with the buttons that act on it. bot/domain/meetings.py holds the actions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.domain.fields import MAX_DURATION
from bot.domain.links import Links
from bot.notices import Button, Text
from storage.models import Meeting, MeetingStatus, Pair

DEFAULT_DURATION = 60  # minutes, for a clash check before the duration is known


class MeetingRefusal(StrEnum):
    """Why a meeting cannot be set or changed; each value is also the text key that says so."""

    PAST = "meet-refused-past"
    OUTSIDE_PERIOD = "meet-refused-outside-period"
    CLASH = "meet-refused-clash"
    NOT_NOW = "stale-button"  # a forged, foreign, stale or doubled press


class MeetingError(Exception):
    def __init__(self, refusal: MeetingRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


class Answer(StrEnum):
    """What a button on a meeting does (packed into callback data as `mt:<id>:<rev>:<value>`)."""

    CONFIRM = "ok"
    DECLINE = "no"
    OTHER_TIME = "other"
    CANCEL = "cancel"
    MOVE = "move"  # a confirmed meeting ahead gets a new moment, to be confirmed again
    HELD = "held"
    NOT_HELD = "notheld"
    MOVED = "moved"


# --- moments ---------------------------------------------------------------------------------


def local_moment(day: date, at: time, tz: tzinfo) -> datetime:
    """A local date and time as typed, as the UTC moment that is stored."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def in_period(pair: Pair, day: date) -> bool:
    return pair.start <= day <= pair.end


def overlaps(start: datetime, minutes: int, other: datetime, other_minutes: int) -> bool:
    return start < other + timedelta(minutes=other_minutes) and other < start + timedelta(
        minutes=minutes
    )


def clash_window(starts_at: datetime, minutes: int) -> tuple[datetime, datetime]:
    """Where a meeting that overlaps this one may start (no meeting lasts over MAX_DURATION)."""
    return starts_at - timedelta(minutes=MAX_DURATION), starts_at + timedelta(minutes=minutes)


def check_moment(
    pair: Pair,
    starts_at: datetime,
    minutes: int,
    *,
    now: datetime,
    tz: tzinfo,
    others: Iterable[Meeting],
    future: bool,
    ignore: int | None = None,
) -> MeetingRefusal | None:
    """A moment for a meeting of the pair: in the future when it is being scheduled, within
    the pair's period (by the local date), and clear of the other meetings of both people."""
    if future and starts_at <= now:
        return MeetingRefusal.PAST
    if not in_period(pair, local_day(starts_at, tz)):
        return MeetingRefusal.OUTSIDE_PERIOD
    for other in others:
        if other.id != ignore and overlaps(starts_at, minutes, other.starts_at, other.duration_min):
            return MeetingRefusal.CLASH
    return None


def is_past(starts_at: datetime, now: datetime) -> bool:
    """A past moment logs a meeting that happened; a future one schedules it."""
    return starts_at <= now


# --- transitions -----------------------------------------------------------------------------


def may_answer(meeting: Meeting, pair: Pair, person_id: int) -> bool:
    """The invited side answers a proposal (or confirms a meeting logged by the other)."""
    return (
        meeting.status is MeetingStatus.PROPOSED
        and person_id in (pair.mentor_id, pair.mentee_id)
        and person_id != meeting.proposed_by
    )


def may_propose_time(meeting: Meeting, pair: Pair, person_id: int, now: datetime) -> bool:
    """Another moment: the invited side answers a proposal with one, the proposer moves their
    own proposal nobody has answered yet, or either side moves a confirmed meeting ahead."""
    if meeting.logged:
        return False
    if meeting.status is MeetingStatus.CONFIRMED or (
        meeting.status is MeetingStatus.PROPOSED and person_id == meeting.proposed_by
    ):
        return meeting.starts_at > now and person_id in (pair.mentor_id, pair.mentee_id)
    return may_answer(meeting, pair, person_id)


def status_on_confirm(meeting: Meeting) -> MeetingStatus:
    return MeetingStatus.HELD if meeting.logged else MeetingStatus.CONFIRMED


def may_cancel(meeting: Meeting, pair: Pair, person_id: int, now: datetime) -> bool:
    """Either side calls off a meeting that is still ahead."""
    return (
        meeting.status in (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED)
        and not meeting.logged
        and meeting.starts_at > now
        and person_id in (pair.mentor_id, pair.mentee_id)
    )


def may_report_outcome(meeting: Meeting, pair: Pair, person_id: int, now: datetime) -> bool:
    """Either side says whether a confirmed meeting happened, once its time has come."""
    return (
        meeting.status is MeetingStatus.CONFIRMED
        and meeting.starts_at <= now
        and person_id in (pair.mentor_id, pair.mentee_id)
    )


def question_due_at(meeting: Meeting) -> datetime:
    """When "did it happen?" is asked: at the meeting's planned end."""
    return meeting.starts_at + timedelta(minutes=meeting.duration_min)


# --- the journal -----------------------------------------------------------------------------


def minutes_per_month(meetings: Iterable[Meeting], tz: tzinfo) -> dict[tuple[int, int], int]:
    """Minutes of held meetings per local (year, month), in time order."""
    months: dict[tuple[int, int], int] = {}
    for meeting in sorted(meetings, key=lambda m: m.starts_at):
        if meeting.status is not MeetingStatus.HELD:
            continue
        day = local_day(meeting.starts_at, tz)
        months[(day.year, day.month)] = months.get((day.year, day.month), 0) + meeting.duration_min
    return months


def total_minutes(meetings: Iterable[Meeting]) -> int:
    return sum(m.duration_min for m in meetings if m.status is MeetingStatus.HELD)


# --- texts and buttons -----------------------------------------------------------------------


def description(meeting: Meeting, tz: tzinfo) -> Text:
    """The meeting's date, time, format and topic by catalog key."""
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


def duration_text(minutes: int) -> Text:
    """«2 часа 30 минут» by catalog key, with Russian plural forms."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return Text("hours-and-minutes", {"hours": hours, "minutes": rest})
    if hours:
        return Text("hours-only", {"hours": hours})
    return Text("minutes-only", {"minutes": rest})


def answer_buttons(meeting: Meeting, answers: Sequence[Answer], links: Links) -> list[list[Button]]:
    """A button per answer, each naming the meeting as of its revision (an older button acts
    on nothing)."""
    return [
        [
            Button(
                Text(f"meet-button-{answer.value}"),
                data=links.meeting(meeting.id, meeting.revision, answer.value),
            )
        ]
        for answer in answers
    ]
