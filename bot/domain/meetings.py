"""A pair's meetings: the actions that change one (propose, log, answer, move, cancel, record
whether it happened) and tell the other side in the same transaction. The rules they follow are
bot/domain/meeting_rules.py's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.domain.links import Links
from bot.domain.meeting_rules import (
    DEFAULT_DURATION,
    Answer,
    MeetingError,
    MeetingRefusal,
    answer_buttons,
    check_moment,
    clash_window,
    description,
    duration_text,
    is_past,
    may_answer,
    may_cancel,
    may_propose_time,
    may_report_outcome,
    status_on_confirm,
)
from bot.domain.notify import About, Notice, NoticeKind, cancel_about, retire, tell
from bot.notices import Button, Text
from storage.models import Meeting, MeetingFormat, MeetingStatus, Pair, PairStatus
from storage.repos import Repos

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
    buttons: Sequence[Sequence[Button]] = (),
    **args: object,
) -> None:
    """Tell one side of the pair what happened to the meeting (once per revision and step)."""
    if await tx.people.get(person_id) is None:
        return
    text_args = {
        "other": pair.other_name(person_id),
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
            buttons=buttons,
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
    links: Links,
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
            pair.other_id(by),
            "logged",
            now,
            meeting,
            "meet-logged-ask",
            tz,
            pair,
            answer_buttons(meeting, (Answer.CONFIRM, Answer.DECLINE), links),
            content=content or "—",
            result=result or "—",
            task=task or "—",
        )
    else:
        await _send(
            tx,
            pair.other_id(by),
            "invite",
            now,
            meeting,
            "meet-invite",
            tz,
            pair,
            answer_buttons(meeting, (Answer.CONFIRM, Answer.DECLINE, Answer.OTHER_TIME), links),
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


_WHAT_HAPPENED = {
    MeetingStatus.HELD: "meet-already-held",
    MeetingStatus.NOT_HELD: "meet-already-not_held",
    MeetingStatus.CANCELLED: "meet-already-cancelled",
    MeetingStatus.DECLINED: "meet-already-declined",
    MeetingStatus.CONFIRMED: "meet-already-confirmed",
    MeetingStatus.PROPOSED: "meet-already-changed",
}


async def what_happened(tx: Repos, meeting_id: int, person_id: int, tz: tzinfo) -> Text | None:
    """What became of a meeting, for a side of its pair pressing a button that no longer acts
    («Встреча уже отмечена: состоялась»); None for anyone else, or a meeting that is gone."""
    meeting = await tx.meetings.get(meeting_id)
    pair = await tx.pairs.get(meeting.pair_id) if meeting else None
    if meeting is None or pair is None or person_id not in (pair.mentor_id, pair.mentee_id):
        return None
    if pair.status is not PairStatus.ACTIVE:
        return Text("meet-already-pair-closed")
    if meeting.status is MeetingStatus.PROPOSED and meeting.proposed_by == person_id:
        return None  # the proposer's own invitation, still waiting: nothing of theirs changed
    return Text(_WHAT_HAPPENED[meeting.status], {"meeting": description(meeting, tz)})


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
    links: Links,
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
    buttons = answer_buttons(changed, answers, links)
    await _send(tx, meeting.proposed_by, "answer", now, changed, text_key, tz, pair, buttons)
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
    links: Links,
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
        pair.other_id(person_id),
        "invite",
        now,
        changed,
        "meet-invite-moved" if moving else "meet-invite-other-time",
        tz,
        pair,
        answer_buttons(changed, (Answer.CONFIRM, Answer.DECLINE, Answer.OTHER_TIME), links),
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
        pair.other_id(person_id),
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
    details: dict[str, str] = {}
    text_key = "meet-told-moved" if moved else f"meet-told-{changed.status.value}"
    if changed.status is MeetingStatus.HELD:
        # The other side reads what was recorded, the task set for the mentee above all.
        text_key = "meet-told-held-details"
        details = {
            "content": changed.content or "—",
            "result": changed.result or "—",
            "task": changed.task or "—",
        }
    other = pair.other_id(person_id)
    await _send(tx, other, "outcome", now, changed, text_key, tz, pair, (), **details)
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
            args = {"other": pair.other_name(person_id), "meeting": description(changed, tz)}
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
