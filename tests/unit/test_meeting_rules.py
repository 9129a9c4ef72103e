"""Meeting rules: local moments and months, clashes, transitions, hours with Russian plurals,
buttons within Telegram's limits, the journal bounded, and "did it happen?" queued only when
the meeting's time has passed (an injectable clock, no scheduler)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.bounded import text_length
from bot.domain.meeting_rules import (
    Answer,
    MeetingRefusal,
    check_moment,
    local_day,
    local_moment,
    may_answer,
    may_cancel,
    may_propose_time,
    may_report_outcome,
    minutes_per_month,
    status_on_confirm,
    total_minutes,
)
from bot.domain.meetings import add_meeting
from bot.domain.pairing import create_pair
from bot.domain.reminders import queue_held_question
from bot.i18n import I18n
from bot.rendering import render_stored
from handlers.calendar import CalendarPress, calendar_markup, pressed_date
from handlers.keyboards import MeetingAct
from handlers.links import LINKS
from handlers.meetings.journal import JournalPage, hours_text, journal_page
from scheduler.clock import ManualClock
from storage.db import Database
from storage.models import Meeting, MeetingFormat, MeetingStatus, Pair, PairKind, PairStatus, Role

BISHKEK = ZoneInfo("Asia/Bishkek")
PAIR = Pair(
    id=7,
    mentor_id=1,
    mentee_id=2,
    kind=PairKind.PEDAGOGICAL,
    start=date(2026, 9, 1),
    end=date(2027, 6, 30),
    order_ref=None,
    status=PairStatus.ACTIVE,
    close_reason=None,
    previous_pair_id=None,
    mentor_name="Иванова Анна Петровна",
    mentee_name="Сидорова Мария Ивановна",
)
MEETING = Meeting(
    id=1,
    pair_id=7,
    proposed_by=2,
    starts_at=datetime(2027, 1, 25, 9, 0, tzinfo=UTC),
    duration_min=60,
    format=MeetingFormat.CONSULTATION,
    topic="Разбор КТП",
    status=MeetingStatus.PROPOSED,
    logged=False,
    content=None,
    result=None,
    task=None,
    revision=0,
)


def test_a_late_evening_meeting_falls_on_its_local_date_and_month() -> None:
    evening = local_moment(date(2027, 1, 31), time(23, 30), BISHKEK)
    night = local_moment(date(2027, 2, 1), time(1, 30), BISHKEK)
    assert evening == datetime(2027, 1, 31, 17, 30, tzinfo=UTC)
    assert night == datetime(2027, 1, 31, 19, 30, tzinfo=UTC)
    assert local_day(night, BISHKEK) == date(2027, 2, 1)
    held = [
        replace(MEETING, id=1, starts_at=evening, status=MeetingStatus.HELD, duration_min=30),
        replace(MEETING, id=2, starts_at=night, status=MeetingStatus.HELD, duration_min=90),
    ]
    assert minutes_per_month(held, BISHKEK) == {(2027, 1): 30, (2027, 2): 90}


def test_only_held_meetings_count_in_hours_per_month_and_in_total() -> None:
    meetings = [
        replace(MEETING, id=1, status=MeetingStatus.HELD, duration_min=45),
        replace(MEETING, id=2, status=MeetingStatus.HELD, duration_min=90),
        replace(MEETING, id=3, status=MeetingStatus.CONFIRMED, duration_min=60),
        replace(MEETING, id=4, status=MeetingStatus.NOT_HELD, duration_min=60),
    ]
    assert total_minutes(meetings) == 135
    assert minutes_per_month(meetings, BISHKEK) == {(2027, 1): 135}


def test_hours_read_with_russian_plural_forms() -> None:
    t = I18n("ru").get("ru")
    assert hours_text(t, 60) == "1 час"
    assert hours_text(t, 150) == "2 часа 30 минут"
    assert hours_text(t, 300 + 21) == "5 часов 21 минута"
    assert hours_text(t, 45) == "45 минут"
    assert hours_text(t, 22 * 60 + 3) == "22 часа 3 минуты"
    assert t.plain("meetings-count", count=1) == "1 встреча"
    assert t.plain("meetings-count", count=3) == "3 встречи"
    assert t.plain("meetings-count", count=5) == "5 встреч"


def test_a_moment_is_refused_in_the_past_outside_the_period_or_on_a_clash() -> None:
    now = datetime(2027, 1, 20, 4, 0, tzinfo=UTC)
    ahead = datetime(2027, 1, 25, 9, 30, tzinfo=UTC)
    args = {"now": now, "tz": BISHKEK, "future": True}
    assert check_moment(PAIR, ahead, 60, others=[], **args) is None
    assert check_moment(PAIR, now - timedelta(hours=1), 60, others=[], **args) is (
        MeetingRefusal.PAST
    )
    summer = datetime(2027, 7, 1, 4, 0, tzinfo=UTC)
    assert check_moment(PAIR, summer, 60, others=[], **args) is MeetingRefusal.OUTSIDE_PERIOD
    # 30.06 23:30 local is still within the period, though it is 30.06 17:30 UTC.
    last_evening = local_moment(date(2027, 6, 30), time(23, 30), BISHKEK)
    assert check_moment(PAIR, last_evening, 60, others=[], **args) is None
    assert check_moment(PAIR, ahead, 60, others=[MEETING], **args) is MeetingRefusal.CLASH
    assert check_moment(PAIR, ahead, 60, others=[MEETING], ignore=1, **args) is None
    right_after = MEETING.starts_at + timedelta(minutes=60)
    assert check_moment(PAIR, right_after, 60, others=[MEETING], **args) is None


def test_transitions_who_may_do_what() -> None:
    now = datetime(2027, 1, 20, tzinfo=UTC)
    assert may_answer(MEETING, PAIR, 1)
    assert not may_answer(MEETING, PAIR, 2)  # the proposer does not confirm their own
    assert not may_answer(MEETING, PAIR, 3)
    assert not may_answer(replace(MEETING, status=MeetingStatus.DECLINED), PAIR, 1)
    assert status_on_confirm(MEETING) is MeetingStatus.CONFIRMED
    assert status_on_confirm(replace(MEETING, logged=True)) is MeetingStatus.HELD
    assert may_cancel(MEETING, PAIR, 2, now) and may_cancel(MEETING, PAIR, 1, now)
    assert not may_cancel(MEETING, PAIR, 1, MEETING.starts_at)
    assert not may_cancel(replace(MEETING, status=MeetingStatus.HELD), PAIR, 1, now)
    confirmed = replace(MEETING, status=MeetingStatus.CONFIRMED)
    assert may_propose_time(MEETING, PAIR, 1, now)  # the invited side: another time
    assert may_propose_time(MEETING, PAIR, 2, now)  # the proposer moves their own proposal
    assert not may_propose_time(MEETING, PAIR, 2, MEETING.starts_at)  # not once it is due
    assert not may_propose_time(MEETING, PAIR, 99, now)  # nobody outside the pair
    assert may_propose_time(confirmed, PAIR, 2, now)  # either side moves a confirmed one
    assert not may_propose_time(confirmed, PAIR, 2, MEETING.starts_at)
    assert not may_propose_time(replace(MEETING, logged=True), PAIR, 1, now)
    assert not may_report_outcome(confirmed, PAIR, 1, now)
    assert may_report_outcome(confirmed, PAIR, 1, MEETING.starts_at)
    assert not may_report_outcome(MEETING, PAIR, 1, MEETING.starts_at)


def test_meeting_buttons_unpack_as_the_handlers_read_them_within_64_bytes() -> None:
    longest = replace(MEETING, id=2**63 - 1, revision=2**31)
    for answer in Answer:
        data = LINKS.meeting(longest.id, longest.revision, answer.value)
        assert len(data.encode()) <= 64
        act = MeetingAct.unpack(data)
        assert (act.meeting_id, act.rev, act.action) == (longest.id, longest.revision, answer)
    assert len(JournalPage(pair_id=2**63 - 1, page=100_000).pack().encode()) <= 64


def test_the_calendar_is_a_month_of_buttons_within_telegrams_limits() -> None:
    t = I18n("ru").get("ru")
    markup = calendar_markup(t, "meet", 2**31 - 1, 2027, 1)
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert len(buttons) <= 100
    assert all(len((b.callback_data or "").encode()) <= 64 for b in buttons)
    assert markup.inline_keyboard[0][0].text == "январь 2027"
    days = [CalendarPress.unpack(b.callback_data or "") for b in buttons if b.text == "31"]
    assert pressed_date(days[0]) == date(2027, 1, 31)
    assert pressed_date(CalendarPress(purpose="meet", year=2027, month=2, day=30)) is None
    assert pressed_date(CalendarPress(purpose="meet", year=1999, month=12, day=1)) is None
    # The last month the programme holds has no ▶️.
    last = calendar_markup(t, "meet", 1, 2100, 12)
    assert [b.text for b in last.inline_keyboard[-2]] == ["◀️"]


async def _pair(db: Database, i18n: I18n) -> Pair:
    now = datetime(2026, 9, 1, tzinfo=UTC)
    async with db.transaction() as tx:
        mentor = await tx.people.add(
            full_name="Иванова Анна Петровна", role=Role.MENTOR, now=now, telegram_id=11
        )
        mentee = await tx.people.add(
            full_name="Сидорова Мария Ивановна", role=Role.MENTEE, now=now, telegram_id=12
        )
        return await create_pair(
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


async def test_did_it_happen_is_queued_once_the_meeting_has_ended(db: Database, i18n: I18n) -> None:
    pair = await _pair(db, i18n)
    clock = ManualClock(datetime(2027, 1, 20, 10, 0, tzinfo=BISHKEK))
    starts = local_moment(date(2027, 1, 25), time(15, 0), BISHKEK)
    async with db.transaction() as tx:
        meeting = await add_meeting(
            tx,
            pair=pair,
            by=pair.mentee_id,
            starts_at=starts,
            format=MeetingFormat.CONSULTATION,
            topic="Разбор КТП",
            now=clock.now(),
            tz=BISHKEK,
            links=LINKS,
        )
        confirmed = await tx.meetings.change(
            meeting, clock.now(), status=MeetingStatus.CONFIRMED.value
        )
        assert confirmed is not None
        clock.set(starts + timedelta(minutes=30))
        assert not await queue_held_question(tx, confirmed, clock.now(), BISHKEK, LINKS)
        clock.set(starts + timedelta(minutes=60))
        assert await queue_held_question(tx, confirmed, clock.now(), BISHKEK, LINKS)
        assert await queue_held_question(tx, confirmed, clock.now(), BISHKEK, LINKS)
        rows = await tx.conn.execute_fetchall(
            "SELECT person_id, text_key, text_args, buttons FROM outbox"
            " WHERE key LIKE 'remind:meeting-held:%'"
        )
    assert sorted(row[0] for row in rows) == [pair.mentor_id, pair.mentee_id]  # once each
    # Kept as what to say: rendered in each person's language when it is sent.
    texts = [render_stored(i18n.get(None), row[1], row[2]) for row in rows]
    assert all("Состоялась ли встреча" in text for text in texts)
    assert all("mt:" in row[3] for row in rows)


async def test_the_journal_of_many_long_entries_fits_one_message_and_pages(
    db: Database, i18n: I18n
) -> None:
    pair = await _pair(db, i18n)
    now = datetime(2027, 6, 30, tzinfo=UTC)
    async with db.transaction() as tx:
        for n in range(40):
            await tx.meetings.add(
                pair_id=pair.id,
                proposed_by=pair.mentor_id,
                starts_at=datetime(2026, 9, 2, 4, tzinfo=UTC) + timedelta(days=7 * n),
                duration_min=90,
                format=MeetingFormat.ANALYSIS,
                topic="<b>тема</b> " + "т" * 400,
                logged=True,
                content="с" * 1000,
                result=None,
                task="з" * 1000,
                now=now,
            )
        await tx.conn.execute("UPDATE meetings SET status = 'held'")
    t = i18n.get("ru")
    settings = Settings(_env_file=None, bot_token="1:x")
    text, markup = await journal_page(db, t, settings, pair, 2)
    assert text_length(text) <= 4096
    assert "Всего: 40 встреч, 60 часов" in text
    assert "&lt;b&gt;тема" in text
    assert markup is not None
    assert len([b for row in markup.inline_keyboard for b in row]) <= 100
