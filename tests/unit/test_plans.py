"""The plan's rules: the template, deadlines within the pair, overdue, progress, transitions."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.attention import is_overdue
from bot.domain.dates import MAX_DATE
from bot.domain.plans import (
    PlanError,
    TemplateError,
    add_milestone,
    add_months,
    change_needs_reason,
    decide_milestone,
    decide_plan,
    document_allowed,
    edit_milestone,
    load_template,
    milestone_deadline,
    milestone_removable,
    milestone_submittable,
    plan_editable,
    plan_rows,
    progress,
    reason_given,
    shipped_template,
    shown_status,
    submit_milestone,
    submit_plan,
)
from storage.db import Database
from storage.models import (
    Milestone,
    MilestoneStatus,
    Pair,
    PairKind,
    PairStatus,
    Plan,
    PlanStatus,
    Role,
)

NOW = datetime(2026, 9, 1, 4, 0, tzinfo=UTC)
MILESTONE = Milestone(1, 1, "Открытый урок", date(2027, 3, 1), MilestoneStatus.PLANNED, 0, None,
                      None, None, None)  # fmt: skip


def _pair(start: date, end: date, pair_id: int = 1) -> Pair:
    return Pair(pair_id, 1, 2, PairKind.PEDAGOGICAL, start, end, None, PairStatus.ACTIVE, None,
                None, "Иванова", "Сидорова")  # fmt: skip


def test_the_shipped_template_lists_the_practice_milestones() -> None:
    titles = " ".join(m.title for m in shipped_template().milestones)
    for word in ("нормативных", "КТП", "уроков наставника", "Открытый урок", "самообразования",
                 "Портфолио", "Итоговый отчёт"):  # fmt: skip
        assert word in titles


def test_deadlines_spread_over_an_academic_year_and_end_with_the_pair() -> None:
    start, end = date(2026, 9, 1), date(2027, 6, 30)
    deadlines = [due for _, due in shipped_template().deadlines(start, end)]
    assert all(start <= due <= end for due in deadlines)
    assert min(deadlines) == date(2026, 10, 1)
    assert max(deadlines) == end
    assert len(set(deadlines)) >= 6  # spread, not bunched at the end


def test_a_one_month_pair_gets_every_deadline_within_its_month() -> None:
    start, end = date(2026, 9, 1), date(2026, 10, 1)
    deadlines = [due for _, due in shipped_template().deadlines(start, end)]
    assert all(start <= due <= end for due in deadlines)
    assert deadlines[0] == end  # a month after the start is the end itself


def test_a_pair_ending_at_the_last_date_never_overflows() -> None:
    start, end = date(2100, 9, 1), MAX_DATE
    deadlines = [due for _, due in shipped_template().deadlines(start, end)]
    assert all(start <= due <= end for due in deadlines)
    assert milestone_deadline(MAX_DATE, MAX_DATE, months=120) == MAX_DATE
    assert milestone_deadline(MAX_DATE, MAX_DATE, fraction=0.5) == MAX_DATE


def test_add_months_keeps_to_the_end_of_a_short_month() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 9, 1), 12) == date(2027, 9, 1)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "no [[milestone]]"),
        ("[[milestone]]\ndue_months = 1\n", "title is missing"),
        ("[[milestone]]\ntitle = 'x'\ndue_months = 1\ndue_fraction = 0.5\n", "exactly one"),
        ("[[milestone]]\ntitle = 'x'\ndue_months = -1\n", "due_months"),
        ("[[milestone]]\ntitle = 'x'\ndue_fraction = 0\n", "due_fraction"),
        ("[[milestone]]\ntitle = 'x'\ndue_months = 1\nowner = 'y'\n", "unknown key"),
        ("[[milestone]]\ntitle = '" + "я" * 301 + "'\ndue_months = 1\n", "longer than"),
    ],
)
def test_a_bad_template_is_refused_naming_the_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TemplateError, match=re.escape(problem)):
        load_template(path)


def test_overdue_is_past_the_deadline_and_not_accepted() -> None:
    day = MILESTONE.due
    assert not is_overdue(MILESTONE, day)  # due today is not late yet
    assert is_overdue(MILESTONE, date(2027, 3, 2))
    submitted = replace(MILESTONE, status=MilestoneStatus.SUBMITTED)
    assert shown_status(submitted, date(2027, 3, 2)) == "overdue"
    accepted = replace(MILESTONE, status=MilestoneStatus.ACCEPTED)
    assert shown_status(accepted, date(2030, 1, 1)) == "accepted"


def test_progress_counts_accepted_milestones() -> None:
    milestones = [
        MILESTONE,
        replace(MILESTONE, status=MilestoneStatus.ACCEPTED),
        replace(MILESTONE, status=MilestoneStatus.RETURNED),
    ]
    assert progress(milestones) == (1, 3)
    assert progress([]) == (0, 0)


def test_who_may_move_what() -> None:
    plan = Plan(1, 1, PlanStatus.DRAFT, 0, None)
    assert plan_editable(plan) and plan_editable(replace(plan, status=PlanStatus.RETURNED))
    assert not plan_editable(replace(plan, status=PlanStatus.SUBMITTED))
    assert plan_editable(replace(plan, status=PlanStatus.APPROVED))  # with a reason
    assert change_needs_reason(replace(plan, status=PlanStatus.APPROVED))
    assert not change_needs_reason(plan)
    assert milestone_submittable(MILESTONE)
    assert milestone_submittable(replace(MILESTONE, status=MilestoneStatus.RETURNED))
    assert not milestone_submittable(replace(MILESTONE, status=MilestoneStatus.SUBMITTED))
    assert not milestone_submittable(replace(MILESTONE, status=MilestoneStatus.ACCEPTED))
    assert milestone_removable(MILESTONE)
    assert not milestone_removable(replace(MILESTONE, status=MilestoneStatus.RETURNED))
    assert reason_given("Перенос по болезни") and reason_given("ГИА")
    assert not any(map(reason_given, (None, "", "   ", "-", "…", "\u200b")))


def test_report_files_are_office_documents_or_pictures_up_to_20_mb() -> None:
    assert document_allowed("отчёт.PDF", 1000)
    assert document_allowed("plan.docx", None)
    assert not document_allowed("virus.exe", 10)
    assert not document_allowed("noextension", 10)
    assert not document_allowed("big.pdf", 21 * 1024 * 1024)


async def _plan_in_db(db: Database) -> Plan:
    async with db.transaction() as tx:
        mentor = await tx.people.add(full_name="Иванова Анна", role=Role.MENTOR, now=NOW)
        mentee = await tx.people.add(full_name="Сидорова Мария", role=Role.MENTEE, now=NOW)
        pair = await tx.pairs.add(
            mentor_id=mentor.id, mentee_id=mentee.id, kind=PairKind.PEDAGOGICAL,
            start=date(2026, 9, 1), end=date(2027, 6, 30), order_ref=None, now=NOW,
        )  # fmt: skip
        await tx.plans.add_many(plan_rows([pair], shipped_template()), NOW)
        plan = await tx.plans.for_pair(pair.id)
    assert plan is not None
    return plan


async def test_a_plan_decision_is_made_once_per_submission(db: Database) -> None:
    plan = await _plan_in_db(db)
    async with db.transaction() as tx:
        submitted = await submit_plan(tx, plan, NOW)
        assert (submitted.status, submitted.submission) == (PlanStatus.SUBMITTED, 1)
        with pytest.raises(PlanError):
            await submit_plan(tx, submitted, NOW)  # already on its way
        await decide_plan(tx, plan.id, 1, False, 1, "Добавьте неделю ПЦК", NOW)
        with pytest.raises(PlanError):
            await decide_plan(tx, plan.id, 1, True, 1, None, NOW)  # a second decision
        returned = await tx.plans.get(plan.id)
        assert returned is not None and returned.comment == "Добавьте неделю ПЦК"
        again = await submit_plan(tx, returned, NOW)
        with pytest.raises(PlanError):
            await decide_plan(tx, plan.id, 1, True, 1, None, NOW)  # the older submission
        approved = await decide_plan(tx, plan.id, again.submission, True, 1, None, NOW)
    assert approved.status is PlanStatus.APPROVED


async def test_a_milestone_report_is_decided_once(db: Database) -> None:
    plan = await _plan_in_db(db)
    async with db.transaction() as tx:
        first = (await tx.plans.milestones(plan.id))[0]
        sent = await submit_milestone(tx, first, "Сделано", "BQAC", "document", NOW)
        assert (sent.status, sent.submission, sent.file_kind) == (
            MilestoneStatus.SUBMITTED, 1, "document",
        )  # fmt: skip
        with pytest.raises(PlanError):
            await submit_milestone(tx, sent, "Ещё раз", None, None, NOW)
        returned = await decide_milestone(tx, first.id, 1, False, "Доработать", NOW)
        assert returned.mentor_comment == "Доработать"
        with pytest.raises(PlanError):
            await decide_milestone(tx, first.id, 1, True, None, NOW)
        again = await submit_milestone(tx, returned, "Доработала", None, None, NOW)
        accepted = await decide_milestone(tx, first.id, again.submission, True, None, NOW)
    assert accepted.status is MilestoneStatus.ACCEPTED and accepted.mentor_comment is None


async def test_a_change_to_an_approved_plan_needs_a_reason_and_is_kept(db: Database) -> None:
    plan = await _plan_in_db(db)
    async with db.transaction() as tx:
        pair = await tx.pairs.get(plan.pair_id)
        assert pair is not None
        first = (await tx.plans.milestones(plan.id))[0]
        # A draft's edits are no history.
        await edit_milestone(tx, plan, pair, first, author_id=1, now=NOW, due=date(2026, 10, 5))
        sent = await submit_plan(tx, plan, NOW)
        approved = await decide_plan(tx, plan.id, sent.submission, True, 1, None, NOW)
        fresh = await tx.plans.milestone(first.id)
        assert fresh is not None
        first = fresh
        with pytest.raises(PlanError):
            await edit_milestone(tx, approved, pair, first, author_id=1, now=NOW, title="Новое")
        await edit_milestone(
            tx, approved, pair, first, author_id=1, now=NOW, due=date(2026, 11, 2),
            reason="Перенос по болезни",
        )  # fmt: skip
        await add_milestone(
            tx, approved, pair, "Неделя ПЦК", date(2027, 3, 15), author_id=2, now=NOW,
            reason="Решение ПЦК",
        )  # fmt: skip
        history, total = await tx.plans.history(plan.id, 10)
    assert total == 2
    assert [(h.change.value, h.old, h.new, h.reason) for h in history] == [
        ("due", "2026-10-05", "2026-11-02", "Перенос по болезни"),
        ("add", None, "2027-03-15", "Решение ПЦК"),
    ]
    assert history[1].author_name == "Сидорова Мария"


async def test_pairs_formed_before_plans_existed_get_one_at_start_up_once(db: Database) -> None:
    from bot.domain.plans import plan_every_active_pair

    async with db.transaction() as tx:
        mentor = await tx.people.add(full_name="Иванова Анна", role=Role.MENTOR, now=NOW)
        mentee = await tx.people.add(full_name="Сидорова Мария", role=Role.MENTEE, now=NOW)
        pair = await tx.pairs.add(
            mentor_id=mentor.id, mentee_id=mentee.id, kind=PairKind.PEDAGOGICAL,
            start=date(2026, 9, 1), end=date(2027, 6, 30), order_ref=None, now=NOW,
        )  # fmt: skip
        made = await plan_every_active_pair(tx, shipped_template(), NOW)
        again = await plan_every_active_pair(tx, shipped_template(), NOW)
        plan = await tx.plans.for_pair(pair.id)
        milestones = await tx.plans.milestones(plan.id) if plan else []

    assert (made, again) == (1, 0)
    assert len(milestones) == len(shipped_template().milestones)
