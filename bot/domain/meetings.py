"""Meetings of a pair and the journal they form: the rules (moments, clashes, transitions,
hours) as pure functions, and the actions that change a meeting and queue, in the same
transaction, what the other side is told."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.domain.notify import About, Notice, NoticeKind, cancel_about, retire, tell, tell_all
from bot.i18n import Translator
from bot.notices import Button, Text
from bot.rendering import render
from storage.models import Meeting, MeetingFormat, MeetingStatus, Pair, PairStatus
from storage.repos import Repos

DEFAULT_DURATION = 60  # minutes, for a clash check before the duration is known
MAX_DURATION = 720
MAX_TOPIC_LENGTH = 300
MAX_NOTE_LENGTH = 1000
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


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


def parse_time(text: str) -> time | None:
    """A time typed as HH:MM (or H.MM); None for anything else, 24:00 included."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def parse_duration(text: str) -> int | None:
    """Minutes typed as a whole number, 1..MAX_DURATION."""
    text = text.strip()
    if not re.fullmatch(r"[0-9]{1,4}", text):  # str.isdigit() takes «²», which int() refuses
        return None
    minutes = int(text)
    return minutes if 1 <= minutes <= MAX_DURATION else None


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


def hours_text(t: Translator, minutes: int) -> str:
    """«2 часа 30 минут», «1 час», «45 минут» — with Russian plural forms from the catalog."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return t.plain("hours-and-minutes", hours=hours, minutes=rest)
    if hours:
        return t.plain("hours-only", hours=hours)
    return t.plain("minutes-only", minutes=rest)


# --- texts and buttons -----------------------------------------------------------------------


def button_data(meeting: Meeting, answer: Answer) -> str:
    """Callback data of a button on a meeting; handlers.meetings.common.MeetingAct unpacks it."""
    return f"mt:{meeting.id}:{meeting.revision}:{answer.value}"


def markup_json(t: Translator, meeting: Meeting, answers: Sequence[Answer]) -> str:
    rows = [
        [
            {
                "text": t.plain(f"meet-button-{answer.value}"),
                "callback_data": button_data(meeting, answer),
            }
        ]
        for answer in answers
    ]
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False)


def describe(t: Translator, meeting: Meeting, tz: tzinfo) -> str:
    return render(t, description(meeting, tz))


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
    """«2 часа 30 минут» by catalog key (the same texts as hours_text)."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return Text("hours-and-minutes", {"hours": hours, "minutes": rest})
    if hours:
        return Text("hours-only", {"hours": hours})
    return Text("minutes-only", {"minutes": rest})


def answer_buttons(meeting: Meeting, answers: Sequence[Answer]) -> list[list[Button]]:
    return [
        [Button(Text(f"meet-button-{answer.value}"), data=button_data(meeting, answer))]
        for answer in answers
    ]


def _other_name(pair: Pair, person_id: int) -> str:
    return pair.mentee_name if pair.mentor_id == person_id else pair.mentor_name


def _other_id(pair: Pair, person_id: int) -> int:
    return pair.mentee_id if pair.mentor_id == person_id else pair.mentor_id


# --- actions ---------------------------------------------------------------------------------


async def _send(
    tx: Repos,
    person_id: int,
    what: str,
    now: datetime,
    meeting: Meeting,
    text_key: str,
    tz: tzinfo,
    pair: Pair,
    answers: Sequence[Answer] = (),
    **args: object,
) -> None:
    """Tell one side of the pair what happened to the meeting (once per revision and step)."""
    if await tx.people.get(person_id) is None:
        return
    text_args = {
        "other": _other_name(pair, person_id),
        "meeting": description(meeting, tz),
        "minutes": duration_text(meeting.duration_min),
        **args,
    }
    await tell(
        tx,
        Notice(
            NoticeKind.MEETING,
            to=person_id,
            text=Text(text_key, text_args),
            of=(meeting.id, meeting.revision, what),
            about=meeting.id,
            buttons=answer_buttons(meeting, answers),
        ),
        now,
    )


async def _changed(
    tx: Repos, meeting: Meeting, now: datetime, note_key: str, *, actor_id: int | None = None
) -> None:
    """A meeting changed: its reminders not sent yet are dropped, and the messages about it that
    went out to anyone but the person acting lose their buttons, with a note that says why."""
    await cancel_about(tx, About.MEETING_REMINDERS, meeting.id, "the meeting changed")
    await retire(tx, About.MEETING, meeting.id, Text(note_key), now, except_person=actor_id)


async def _others(tx: Repos, pair: Pair, starts_at: datetime, minutes: int) -> list[Meeting]:
    start, end = clash_window(starts_at, minutes)
    return await tx.meetings.of_people_between((pair.mentor_id, pair.mentee_id), start, end)


async def check_new_moment(
    tx: Repos,
    pair: Pair,
    starts_at: datetime,
    minutes: int,
    *,
    now: datetime,
    tz: tzinfo,
    future: bool,
    ignore: int | None = None,
) -> MeetingRefusal | None:
    others = await _others(tx, pair, starts_at, minutes)
    return check_moment(
        pair, starts_at, minutes, now=now, tz=tz, others=others, future=future, ignore=ignore
    )


async def add_meeting(
    tx: Repos,
    *,
    pair: Pair,
    by: int,
    starts_at: datetime,
    format: MeetingFormat,
    topic: str,
    now: datetime,
    tz: tzinfo,
    duration_min: int | None = None,
    content: str | None = None,
    result: str | None = None,
    task: str | None = None,
) -> Meeting:
    """A future moment proposes a meeting and invites the other side; a past one logs a
    meeting that happened and asks the other side to confirm it."""
    past = is_past(starts_at, now)
    minutes = duration_min or DEFAULT_DURATION
    refusal = await check_new_moment(tx, pair, starts_at, minutes, now=now, tz=tz, future=not past)
    if refusal is not None:
        raise MeetingError(refusal)
    meeting = await tx.meetings.add(
        pair_id=pair.id,
        proposed_by=by,
        starts_at=starts_at,
        duration_min=minutes,
        format=format,
        topic=topic,
        logged=past,
        content=content,
        result=result,
        task=task,
        now=now,
    )
    if past:
        await _send(
            tx,
            _other_id(pair, by),
            "logged",
            now,
            meeting,
            "meet-logged-ask",
            tz,
            pair,
            (Answer.CONFIRM, Answer.DECLINE),
            content=content or "—",
            result=result or "—",
            task=task or "—",
        )
    else:
        await _send(
            tx,
            _other_id(pair, by),
            "invite",
            now,
            meeting,
            "meet-invite",
            tz,
            pair,
            (Answer.CONFIRM, Answer.DECLINE, Answer.OTHER_TIME),
        )
    return meeting


async def _fresh(tx: Repos, meeting_id: int, revision: int) -> tuple[Meeting, Pair]:
    """The meeting a press names, as it is now, with its pair; refused when the press is
    older than the meeting's last change or the pair is over."""
    meeting = await tx.meetings.get(meeting_id)
    if meeting is None or meeting.revision != revision:
        raise MeetingError(MeetingRefusal.NOT_NOW)
    pair = await tx.pairs.get(meeting.pair_id)
    if pair is None or pair.status is not PairStatus.ACTIVE:
        raise MeetingError(MeetingRefusal.NOT_NOW)
    return meeting, pair


async def load_for_press(tx: Repos, meeting_id: int, revision: int) -> tuple[Meeting, Pair]:
    return await _fresh(tx, meeting_id, revision)


async def answer_meeting(
    tx: Repos,
    *,
    meeting_id: int,
    revision: int,
    person_id: int,
    confirm: bool,
    now: datetime,
    tz: tzinfo,
) -> Meeting:
    """The invited side confirms or declines; the proposer is told."""
    meeting, pair = await _fresh(tx, meeting_id, revision)
    if not may_answer(meeting, pair, person_id):
        raise MeetingError(MeetingRefusal.NOT_NOW)
    if confirm and not meeting.logged and meeting.starts_at <= now:
        raise MeetingError(MeetingRefusal.PAST)
    status = status_on_confirm(meeting) if confirm else MeetingStatus.DECLINED
    changed = await tx.meetings.change(meeting, now, status=status.value)
    if changed is None:
        raise MeetingError(MeetingRefusal.NOT_NOW)
    await cancel_about(tx, About.MEETING_REMINDERS, meeting.id, "the meeting changed")
    text_key = f"meet-told-{status.value}"
    answers = (Answer.MOVE, Answer.CANCEL) if status is MeetingStatus.CONFIRMED else ()
    await _send(tx, meeting.proposed_by, "answer", now, changed, text_key, tz, pair, answers)
    return changed


async def propose_other_time(
    tx: Repos,
    *,
    meeting_id: int,
    revision: int,
    person_id: int,
    starts_at: datetime,
    now: datetime,
    tz: tzinfo,
) -> Meeting:
    """The invited side asks for another moment, or either side moves a confirmed meeting: the
    proposal goes to the other side, to be confirmed again."""
    meeting, pair = await _fresh(tx, meeting_id, revision)
    if not may_propose_time(meeting, pair, person_id, now):
        raise MeetingError(MeetingRefusal.NOT_NOW)
    moving = meeting.status is MeetingStatus.CONFIRMED or person_id == meeting.proposed_by
    refusal = await check_new_moment(
        tx, pair, starts_at, meeting.duration_min, now=now, tz=tz, future=True, ignore=meeting.id
    )
    if refusal is not None:
        raise MeetingError(refusal)
    changed = await tx.meetings.change(
        meeting,
        now,
        starts_at=starts_at,
        proposed_by=person_id,
        status=MeetingStatus.PROPOSED.value,
    )
    if changed is None:
        raise MeetingError(MeetingRefusal.NOT_NOW)
    await _changed(tx, meeting, now, "meet-retired-moved", actor_id=person_id)
    await _send(
        tx,
        _other_id(pair, person_id),
        "invite",
        now,
        changed,
        "meet-invite-moved" if moving else "meet-invite-other-time",
        tz,
        pair,
        (Answer.CONFIRM, Answer.DECLINE, Answer.OTHER_TIME),
    )
    return changed


async def cancel_meeting(
    tx: Repos,
    *,
    meeting_id: int,
    revision: int,
    person_id: int,
    now: datetime,
    tz: tzinfo,
) -> Meeting:
    """Either side calls off a meeting ahead; the other side is told."""
    meeting, pair = await _fresh(tx, meeting_id, revision)
    if not may_cancel(meeting, pair, person_id, now):
        raise MeetingError(MeetingRefusal.NOT_NOW)
    changed = await tx.meetings.change(meeting, now, status=MeetingStatus.CANCELLED.value)
    if changed is None:
        raise MeetingError(MeetingRefusal.NOT_NOW)
    await _changed(tx, meeting, now, "meet-retired-cancelled", actor_id=person_id)
    await _send(
        tx,
        _other_id(pair, person_id),
        "cancelled",
        now,
        changed,
        "meet-told-cancelled",
        tz,
        pair,
    )
    return changed


async def record_outcome(
    tx: Repos,
    *,
    meeting_id: int,
    revision: int,
    person_id: int,
    held: bool,
    now: datetime,
    tz: tzinfo,
    duration_min: int | None = None,
    content: str | None = None,
    result: str | None = None,
    task: str | None = None,
    moved: bool = False,
) -> Meeting:
    """The answer to "did it happen?": held (with duration, what was done, its result and the
    task: the journal's columns) or not held; the first
    answer of the two sides counts and the other side is told."""
    meeting, pair = await _fresh(tx, meeting_id, revision)
    if not may_report_outcome(meeting, pair, person_id, now):
        raise MeetingError(MeetingRefusal.NOT_NOW)
    if held:
        changed = await tx.meetings.change(
            meeting,
            now,
            status=MeetingStatus.HELD.value,
            duration_min=duration_min or meeting.duration_min,
            content=content,
            result=result,
            task=task,
        )
    else:
        changed = await tx.meetings.change(meeting, now, status=MeetingStatus.NOT_HELD.value)
    if changed is None:
        raise MeetingError(MeetingRefusal.NOT_NOW)
    await cancel_about(tx, About.MEETING_REMINDERS, meeting.id, "the meeting changed")
    await cancel_about(tx, About.MEETING, meeting.id, "outcome recorded")
    await _send(
        tx,
        _other_id(pair, person_id),
        "outcome",
        now,
        changed,
        "meet-told-moved" if moved else f"meet-told-{changed.status.value}",
        tz,
        pair,
    )
    return changed


async def cancel_meetings_ahead(
    tx: Repos, pair: Pair, now: datetime, tz: tzinfo, note_key: str
) -> int:
    """A pair that is closed (ended, completed, or reassigned to a new mentor) keeps no
    meetings ahead: each is cancelled, both people are told why, and the buttons on the
    messages about it go. Returns how many were cancelled."""
    cancelled = 0
    for meeting in await tx.meetings.ahead_of_pair(pair.id, now):
        changed = await tx.meetings.change(meeting, now, status=MeetingStatus.CANCELLED.value)
        if changed is None:
            continue
        cancelled += 1
        await retire(tx, About.MEETING, meeting.id, Text("meet-retired-cancelled"), now)
        for person_id in (pair.mentor_id, pair.mentee_id):
            if await tx.people.get(person_id) is None:
                continue
            args = {"other": _other_name(pair, person_id), "meeting": description(changed, tz)}
            await tell(
                tx,
                Notice(
                    NoticeKind.MEETING_CALLED_OFF,
                    to=person_id,
                    text=Text(note_key, args),
                    of=(meeting.id, changed.revision),
                    about=meeting.id,
                ),
                now,
            )
    return cancelled


async def queue_held_question(tx: Repos, meeting: Meeting, now: datetime, tz: tzinfo) -> bool:
    """Ask both sides whether a confirmed meeting happened, as the scheduler's tick does once
    the meeting's planned end has passed (same keys: asked once); False when not due."""
    from bot.domain.reminders import held_question_notices  # reminders builds on this module

    notices = await held_question_notices(tx, meeting, now, tz)
    await tell_all(tx, notices, now)
    return bool(notices)
