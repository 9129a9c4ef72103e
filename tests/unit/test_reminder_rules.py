"""When each kind of reminder falls due and when it goes stale (bot/domain/reminders.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.notify import NoticeKind, tell_all
from bot.domain.pairing import create_pair
from bot.domain.reminders import (
    CATCH_UP,
    Window,
    at_local,
    days_in,
    due_token,
    find_due,
    is_stale,
    latest_overdue_day,
    meeting_due,
    meeting_stale_at,
    milestone_due,
    milestone_stale_at,
    window_since,
)
from bot.i18n import I18n
from handlers.keyboards import MilestoneCb
from handlers.links import LINKS
from storage.db import Database
from storage.models import Meeting, MeetingFormat, MeetingStatus, PairKind, Role

TZ = ZoneInfo("Asia/Bishkek")  # UTC+6


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ).astimezone(UTC)  # type: ignore[misc]


def _meeting(starts_at: datetime, minutes: int = 60) -> Meeting:
    return Meeting(
        id=7,
        pair_id=1,
        proposed_by=1,
        starts_at=starts_at,
        duration_min=minutes,
        format=MeetingFormat.CONSULTATION,
        topic="КТП",
        status=MeetingStatus.CONFIRMED,
        logged=False,
        content=None,
        result=None,
        task=None,
        revision=2,
    )


def test_the_first_tick_starts_now_and_a_later_one_where_the_last_ended() -> None:
    now = _local(2027, 1, 20, 10, 0)
    assert window_since(None, now) == now
    assert window_since(now - timedelta(minutes=1), now) == now - timedelta(minutes=1)
    assert window_since(now - timedelta(days=30), now) == now - CATCH_UP


def test_a_window_contains_its_end_but_not_its_start() -> None:
    start, end = _local(2027, 1, 20, 9, 0), _local(2027, 1, 20, 9, 1)
    window = Window(start, end)
    assert end in window and start not in window


def test_the_days_whose_reminder_time_falls_in_a_window() -> None:
    nine = _local(2027, 1, 20, 9, 0)
    assert at_local(date(2027, 1, 20), TZ) == nine
    assert days_in(Window(nine - timedelta(minutes=1), nine), TZ) == (
        date(2027, 1, 20),
        date(2027, 1, 20),
    )
    assert days_in(Window(nine, nine + timedelta(minutes=1)), TZ) is None  # most ticks
    assert days_in(Window(nine - timedelta(days=3), nine + timedelta(hours=1)), TZ) == (
        date(2027, 1, 18),
        date(2027, 1, 20),
    )


def test_overdue_is_the_day_after_the_deadline_then_weekly() -> None:
    due = date(2027, 1, 10)
    assert latest_overdue_day(due, date(2027, 1, 10)) is None
    assert latest_overdue_day(due, date(2027, 1, 11)) == date(2027, 1, 11)
    assert latest_overdue_day(due, date(2027, 1, 17)) == date(2027, 1, 11)
    assert latest_overdue_day(due, date(2027, 1, 18)) == date(2027, 1, 18)
    assert latest_overdue_day(due, date(2027, 2, 1)) == date(2027, 2, 1)


def test_meeting_reminders_are_due_a_day_and_an_hour_before_and_at_its_end() -> None:
    starts = _local(2027, 1, 25, 15, 0)
    meeting = _meeting(starts, 90)
    changed = _local(2027, 1, 20, 10, 0)
    assert meeting_due(NoticeKind.MEETING_DAY, meeting, changed) == starts - timedelta(days=1)
    assert meeting_due(NoticeKind.MEETING_HOUR, meeting, changed) == starts - timedelta(hours=1)
    assert meeting_due(NoticeKind.MEETING_HELD, meeting, changed) == starts + timedelta(minutes=90)
    assert meeting_due(NoticeKind.MEETING_UNANSWERED, meeting, changed) == changed + timedelta(
        days=1
    )


def test_a_missed_meeting_reminder_goes_stale_once_a_later_one_says_it() -> None:
    starts = _local(2027, 1, 25, 15, 0)
    meeting = _meeting(starts)
    day, hour = NoticeKind.MEETING_DAY, NoticeKind.MEETING_HOUR

    def stale(kind: NoticeKind, now: datetime) -> bool:
        return is_stale(meeting_stale_at(kind, meeting, TZ), now)

    # On the meeting's day «Завтра встреча» no longer holds.
    assert not stale(day, _local(2027, 1, 24, 23, 59))
    assert stale(day, _local(2027, 1, 25, 0, 0))
    assert not stale(hour, starts - timedelta(minutes=1))
    assert stale(hour, starts)
    assert stale(NoticeKind.MEETING_UNANSWERED, starts)
    assert not stale(NoticeKind.MEETING_HELD, starts + timedelta(days=5))


def test_the_day_before_reminder_of_a_meeting_just_after_midnight_yields_to_the_hour_one() -> None:
    starts = _local(2027, 1, 25, 0, 30)
    stale_at = meeting_stale_at(NoticeKind.MEETING_DAY, _meeting(starts), TZ)
    assert stale_at == starts - timedelta(hours=1)


def test_deadline_reminders_fall_at_nine_local_and_go_stale_at_the_next_one() -> None:
    due = date(2027, 2, 1)
    week, day = NoticeKind.MILESTONE_WEEK, NoticeKind.MILESTONE_DAY
    assert milestone_due(week, due, TZ) == _local(2027, 1, 25, 9, 0)
    assert milestone_due(day, due, TZ) == _local(2027, 1, 31, 9, 0)
    assert milestone_due(NoticeKind.MILESTONE_OVERDUE, due, TZ, date(2027, 2, 2)) == _local(
        2027, 2, 2, 9, 0
    )
    assert milestone_stale_at(week, due, TZ) == _local(2027, 1, 31, 9, 0)
    assert milestone_stale_at(day, due, TZ) == _local(2027, 2, 1, 0, 0)  # «Завтра» on the day
    overdue = NoticeKind.MILESTONE_OVERDUE
    assert milestone_stale_at(overdue, due, TZ, date(2027, 2, 2)) == _local(2027, 2, 9, 9, 0)
    assert milestone_stale_at(NoticeKind.MILESTONE_REVIEW, due, TZ) is None


def test_a_key_names_kind_object_due_moment_and_recipient() -> None:
    due = _local(2027, 1, 25, 14, 0)
    key = NoticeKind.MEETING_HOUR.key(7, due_token(due), 3)
    assert key == "remind:meeting-hour:7:20270125T0800:3"
    assert NoticeKind.MEETING_HOUR.key(7, due_token(due + timedelta(hours=1)), 3) != key


def test_the_open_milestone_button_is_the_plans_own_callback_data() -> None:
    data = LINKS.milestone(42)
    assert data == "ml:view:42:0:0"  # opens the milestone as a new message
    assert MilestoneCb.unpack(data) == MilestoneCb(action="view", milestone_id=42)


async def test_a_switched_off_kind_is_left_out_when_queued(db: Database, i18n: I18n) -> None:
    now = datetime(2026, 9, 1, tzinfo=UTC)
    async with db.transaction() as tx:
        mentor = await tx.people.add(full_name="Иванова Анна", role=Role.MENTOR, now=now)
        mentee = await tx.people.add(full_name="Сидорова Мария", role=Role.MENTEE, now=now)
        pair = await create_pair(
            tx,
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            kind=PairKind.PEDAGOGICAL,
            start=date(2026, 9, 1),
            end=date(2027, 6, 30),
            order_ref=None,
            now=now,
            max_mentees_per_mentor=2,
        )
        await tx.conn.execute(
            "UPDATE milestones SET due_date = '2027-01-10'"
            " WHERE plan_id = (SELECT id FROM plans WHERE pair_id = ?)",
            (pair.id,),
        )
        window = Window(_local(2027, 1, 11, 8, 0), _local(2027, 1, 11, 10, 0))
        found = await find_due(tx, window, TZ, LINKS)
        await tx.reminders.set_switch(mentee.id, NoticeKind.MILESTONE_OVERDUE.value, False)
        queued = await tell_all(tx, found.notices, window.now)
        rows = await tx.conn.execute_fetchall(
            "SELECT person_id FROM outbox WHERE kind = 'milestone-overdue'"
        )
    milestones = len(found.notices) // 2
    assert milestones > 1
    assert {n.to for n in found.notices} == {mentor.id, mentee.id}
    assert queued == milestones
    assert [row[0] for row in rows] == [mentor.id] * milestones
