"""Each programme rule that a set-based read repeats in SQL (storage/rules.py) gives the same
answer as its Python form (bot/domain/attention.py) over the same generated programme: pairs
with milestones in every state around their deadlines, questions open and answered around the
cut-off, meetings held or not."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.attention import (
    Limits,
    counted_from,
    is_inactive,
    is_overdue,
    question_unanswered,
    still_to_report,
    unanswered_since,
)
from bot.domain.feedback import final_day, mid_day
from bot.domain.pairing import create_pair
from bot.domain.rules import local_today
from storage.db import Database
from storage.models import MeetingFormat, MilestoneStatus, Pair, PairKind, QuestionStatus, Role
from storage.repos import Repos

TZ = ZoneInfo("Asia/Bishkek")
START, END = date(2026, 9, 1), date(2027, 6, 30)
NOW = datetime(2027, 1, 20, 5, 30, tzinfo=UTC)  # 11:30 local
PAIRS = 12
LIMITS = Limits()


async def _pair(tx: Repos, n: int, start: date, entered: datetime) -> Pair:
    """The n-th pair, of its own mentor and mentee, started on `start`, entered at `entered`."""
    mentor = await tx.people.add(full_name=f"Наставник {n}", role=Role.MENTOR, now=NOW)
    mentee = await tx.people.add(full_name=f"Наставляемый {n}", role=Role.MENTEE, now=NOW)
    return await create_pair(
        tx,
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        kind=PairKind.PEDAGOGICAL,
        start=start,
        end=END,
        order_ref=None,
        now=entered,
        max_mentees_per_mentor=2,
    )


async def _programme(tx: Repos, seed: int) -> list[Pair]:
    """Pairs whose milestones, questions and meetings fall on every side of each rule's line."""
    rng = random.Random(seed)
    pairs = []
    today = local_today(NOW, TZ)
    for n in range(PAIRS):
        pair = await _pair(tx, n, START, NOW)
        pairs.append(pair)
        plan = await tx.plans.for_pair(pair.id)
        assert plan is not None
        for milestone in await tx.plans.milestones(plan.id):
            due = today + timedelta(days=rng.randint(-3, 3))  # around today, today included
            status = rng.choice(list(MilestoneStatus))
            await tx.conn.execute(
                "UPDATE milestones SET due_date = ?, status = ? WHERE id = ?",
                (due.isoformat(), status.value, milestone.id),
            )
        for _ in range(rng.randint(0, 4)):
            # Around the cut-off, to the second: asked exactly then counts as unanswered.
            asked = unanswered_since(NOW, LIMITS) + timedelta(seconds=rng.randint(-3, 3) * 60)
            question = await tx.questions.add(
                pair_id=pair.id,
                text="Как?",
                file_id=None,
                file_kind=None,
                ask_message_id=None,
                now=asked,
            )
            status = rng.choice(list(QuestionStatus))
            await tx.conn.execute(
                "UPDATE questions SET status = ?, answered_at = ? WHERE id = ?",
                (
                    status.value,
                    None if status is QuestionStatus.OPEN else NOW.isoformat(),
                    question.id,
                ),
            )
        for _ in range(rng.randint(0, 3)):
            starts = NOW - LIMITS.inactivity + timedelta(hours=rng.randint(-30, 30))
            meeting = await tx.meetings.add(
                pair_id=pair.id,
                proposed_by=pair.mentor_id,
                starts_at=starts,
                duration_min=60,
                format=MeetingFormat.CONSULTATION,
                topic="Разбор урока",
                logged=True,
                content=None,
                result=None,
                task=None,
                now=NOW,
            )
            status = rng.choice(["held", "not_held", "confirmed"])
            await tx.conn.execute(
                "UPDATE meetings SET status = ? WHERE id = ?", (status, meeting.id)
            )
    return pairs


@pytest.mark.parametrize("seed", range(5))
async def test_the_digests_counts_follow_the_rules(db: Database, seed: int) -> None:
    async with db.transaction() as tx:
        pairs = await _programme(tx, seed)
        today = local_today(NOW, TZ)
        states = {
            s.pair_id: s for s in await tx.digest.pair_states(today, unanswered_since(NOW, LIMITS))
        }
        for pair in pairs:
            plan = await tx.plans.for_pair(pair.id)
            assert plan is not None
            milestones = await tx.plans.milestones(plan.id)
            questions = await tx.conn.execute_fetchall(
                "SELECT id FROM questions WHERE pair_id = ?", (pair.id,)
            )
            opened = [await tx.questions.get(row[0]) for row in questions]
            held = await tx.meetings.held_of_pairs([pair.id])
            last_held = max((m.starts_at for m in held), default=None)
            state = states[pair.id]

            assert state.overdue == sum(is_overdue(m, today) for m in milestones)
            assert state.unanswered == sum(
                q is not None
                and q.status is QuestionStatus.OPEN
                and question_unanswered(q.asked_at, NOW, LIMITS)
                for q in opened
            )
            assert state.last_held == last_held
            counted = counted_from(state.start, state.entered_at, TZ)
            assert counted == counted_from(pair.start, NOW, TZ)  # entered at NOW
            assert is_inactive(state.last_held, counted, NOW, TZ, LIMITS) == is_inactive(
                last_held, counted, NOW, TZ, LIMITS
            )


@pytest.mark.parametrize("seed", range(5))
async def test_the_reminders_read_the_milestones_still_to_report(db: Database, seed: int) -> None:
    async with db.transaction() as tx:
        pairs = await _programme(tx, seed)
        today = local_today(NOW, TZ)
        first, last = today - timedelta(days=2), today + timedelta(days=2)
        found = {row.id for row in await tx.reminders.milestones_due_between(first, last)}
        expected = set()
        for pair in pairs:
            plan = await tx.plans.for_pair(pair.id)
            assert plan is not None
            for milestone in await tx.plans.milestones(plan.id):
                if still_to_report(milestone) and first <= milestone.due <= last:
                    expected.add(milestone.id)
    assert found == expected
    assert found  # the generated data has some on both sides


@pytest.mark.parametrize("seed", range(3))
async def test_the_ticks_reads_find_every_pair_by_the_day_it_is_counted_from(
    db: Database, seed: int
) -> None:
    """pairs.counted_from keeps the UTC day a pair was entered, the rule the local one: the
    tick's reads, a day wider, find every pair the rule counts from a day, entered around local
    midnight too (18:00 UTC is midnight in Bishkek)."""
    rng = random.Random(seed)
    counted: dict[int, date] = {}
    async with db.transaction() as tx:
        for n in range(30):
            start = date(2027, 1, 1) + timedelta(days=rng.randint(0, 15))
            entered = datetime.combine(
                start + timedelta(days=rng.randint(-3, 3)), datetime.min.time(), UTC
            ) + timedelta(hours=rng.choice([0, 5, 17, 18, 19, 23]), minutes=rng.randint(0, 59))
            pair = await _pair(tx, n, start, entered)
            counted[pair.id] = counted_from(start, entered, TZ)
        assert any(day > date(2027, 1, 16) for day in counted.values())  # entered after start
        for offset in range(25):
            day = date(2026, 12, 30) + timedelta(days=offset)
            expected = {pair for pair, on in counted.items() if on == day}
            planned = {
                row.sides.pair_id for row in await tx.reminders.pairs_counted_between(day, day)
            }
            after = datetime.combine(day, datetime.min.time(), UTC)
            quiet = await tx.reminders.pairs_quiet_since(after, after, day, day)
            assert expected <= planned
            assert expected <= {row.sides.pair_id for row in quiet}
            for row in quiet:
                assert row.entered_at.tzinfo is not None


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_ticks_read_of_feedback_rounds_finds_each_pairs_middle_and_final_day(
    db: Database, seed: int
) -> None:
    """The indexed `pairs.midpoint` (migration 016) and the final day's read against
    feedback.mid_day and final_day, over pairs of every length from a day to two years."""
    rng = random.Random(seed)
    async with db.transaction() as tx:
        pairs = []
        for n in range(40):
            start = START + timedelta(days=rng.randrange(400))
            mentor = await tx.people.add(full_name=f"Наставник {n}", role=Role.MENTOR, now=NOW)
            mentee = await tx.people.add(full_name=f"Наставляемый {n}", role=Role.MENTEE, now=NOW)
            pairs.append(
                await create_pair(
                    tx,
                    mentor_id=mentor.id,
                    mentee_id=mentee.id,
                    kind=PairKind.PEDAGOGICAL,
                    start=start,
                    end=start + timedelta(days=rng.randrange(0, 730)),
                    order_ref=None,
                    now=NOW,
                    max_mentees_per_mentor=2,
                )
            )
    first = START
    async with db.read() as tx:
        for offset in range(0, 1200, 7):  # a week a read, as windows of days
            lo, hi = first + timedelta(days=offset), first + timedelta(days=offset + 6)
            found = {r.sides.pair_id for r in await tx.feedback.rounds_between(lo, hi, 7)}
            expected = {
                p.id
                for p in pairs
                if lo <= mid_day(p.start, p.end) <= hi or lo <= final_day(p.end) <= hi
            }
            assert found == expected, (lo, hi)
