"""/plan: the individual development plan of a pair. The mentee sees it and reports a milestone
done (a comment, optionally a file); the mentor edits it, submits it to the admins, and accepts
or returns reports. Every press loads the pair, plan and milestone afresh and checks the
person's side; a doubled or stale decision is refused by the guarded update in storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.domain.bounded import bounded_lines
from bot.domain.dates import parse_date
from bot.domain.plans import (
    DEADLINE_OUTSIDE_PAIR,
    MAX_COMMENT_LENGTH,
    MAX_DOCUMENT_BYTES,
    MAX_MILESTONE_TITLE,
    MAX_REASON_LENGTH,
    PlanError,
    add_milestone,
    change_needs_reason,
    decide_milestone,
    decide_plan,
    document_allowed,
    edit_milestone,
    milestone_removable,
    milestone_submittable,
    plan_editable,
    plan_submittable,
    progress,
    remove_milestone,
    shown_status,
    submit_milestone,
    submit_plan,
)
from bot.domain.rules import PairSide, local_today, may_work_in_pair, side_in_pair
from bot.i18n import Html, I18n, Translator, as_sentence
from handlers.filters import FreeText, Member, MenuButton
from handlers.forms import OfCurrentForm, form_id, start_form
from handlers.keyboards import cancel_button, page_slice, pager
from handlers.pair_choice import WhichPair, pair_choice, pairs_to_choose
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import (
    Milestone,
    MilestoneStatus,
    Pair,
    Person,
    Plan,
    PlanChange,
    PlanHistoryEntry,
    PlanStatus,
    Role,
)
from storage.repos import Repos

router = Router(name=__name__)

TITLE_CHARS_ON_BUTTON = 40
COMMENT_CHARS_IN_CARD = 600
HISTORY_LINES = 3  # the newest changes after approval on the plan's page
HISTORY_REASON_CHARS = 150


class PlanCb(CallbackData, prefix="pn"):
    action: str  # show | add | submit | ok | ret (the last two: an admin's decision)
    pair_id: int
    page: int = 0
    sub: int = 0  # the plan's submission a decision is about
    form: int = 0


class MilestoneCb(CallbackData, prefix="ml"):
    action: str  # open | done | nofile | title | due | rm | acc | ret | file
    milestone_id: int
    sub: int = 0  # the report a decision is about
    form: int = 0


class PlanForm(StatesGroup):
    add_title = State()
    add_due = State()
    edit_title = State()
    edit_due = State()
    report_comment = State()
    report_file = State()
    return_comment = State()
    plan_return_comment = State()
    change_reason = State()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json(markup: InlineKeyboardMarkup) -> str:
    return markup.model_dump_json(exclude_none=True)


@dataclass(frozen=True, slots=True)
class _Found:
    pair: Pair
    plan: Plan
    side: PairSide | None
    milestone: Milestone | None = None


async def _load(
    tx: Repos, person: Person, *, pair_id: int = 0, milestone_id: int = 0
) -> _Found | None:
    """The pair, plan (and milestone) a press names, if this person is on a side of an active
    pair; None for anything forged, foreign or ended."""
    milestone = None
    if milestone_id:
        milestone = await tx.plans.milestone(milestone_id)
        if milestone is None:
            return None
        plan = await tx.plans.get(milestone.plan_id)
        pair = await tx.pairs.get(plan.pair_id) if plan else None
    else:
        pair = await tx.pairs.get(pair_id)
        plan = await tx.plans.for_pair(pair_id) if pair else None
    if pair is None or plan is None or not may_work_in_pair(pair, person.id):
        return None
    side = side_in_pair(pair, person.id)
    assert side is not None  # may_work_in_pair: the person is on a side
    return _Found(pair, plan, side, milestone)


async def _found(
    db: Database,
    person: Person,
    *,
    pair_id: int = 0,
    milestone_id: int = 0,
    side: PairSide | None = None,
) -> _Found | None:
    async with db.read() as tx:
        found = await _load(tx, person, pair_id=pair_id, milestone_id=milestone_id)
    if found is None or side not in (None, found.side):
        return None
    return found


async def _stale(callback: CallbackQuery, t: Translator) -> None:
    await callback.answer(t("stale-button"), show_alert=True)


async def _refused(callback: CallbackQuery, t: Translator, error: PlanError) -> None:
    await callback.answer(as_sentence(t.plain(str(error.refusal))), show_alert=True)


# --- rendering --------------------------------------------------------------------------------


def _plan_head(t: Translator, pair: Pair, plan: Plan, milestones: list[Milestone]) -> str:
    accepted, total = progress(milestones)
    head = t(
        "plan-head",
        mentor=pair.mentor_name,
        mentee=pair.mentee_name,
        status=t(f"plan-status-{plan.status.value}"),
        accepted=accepted,
        total=total,
    )
    if plan.status is PlanStatus.RETURNED and plan.comment:
        head += "\n" + t("plan-returned-comment", comment=_clip(plan.comment, 500))
    return head


def _history(t: Translator, history: list[PlanHistoryEntry], total: int, tz: tzinfo) -> str:
    """The newest changes after approval, each with its reason; earlier ones are counted."""
    lines = [
        t(
            f"plan-history-{entry.change.value}",
            title=_clip(entry.title, TITLE_CHARS_ON_BUTTON),
            old=_shown_value(t, entry.change, entry.old),
            new=_shown_value(t, entry.change, entry.new),
            reason=_clip(entry.reason, HISTORY_REASON_CHARS),
            author=entry.author_name,
            date=t.date(entry.at.astimezone(tz).date()),  # stored in UTC, shown local
        )
        for entry in history
    ]
    if total > len(history):
        lines.insert(0, t("plan-history-earlier", count=total - len(history)))
    return t("plan-history-head") + "\n" + "\n".join(lines)


def _shown_value(t: Translator, change: PlanChange, value: str | None) -> str:
    if value and change in (PlanChange.DUE, PlanChange.ADD, PlanChange.REMOVE):
        return t.date(date.fromisoformat(value))
    return _clip(value or "", TITLE_CHARS_ON_BUTTON)


def _plan_line(t: Translator, number: int, milestone: Milestone, today: date) -> str:
    shown = shown_status(milestone, today)
    return t(
        "plan-line",
        icon=t(f"milestone-icon-{shown}"),
        number=number,
        title=milestone.title,
        due=t.date(milestone.due),
        status=t(f"milestone-status-{shown}"),
    )


async def plan_view(
    db: Database, t: Translator, found: _Found, page: int, today: date, tz: tzinfo
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the plan: its head, the milestones of the page and a button to each."""
    async with db.read() as tx:
        milestones = await tx.plans.milestones(found.plan.id)
        history, changes = await tx.plans.history(found.plan.id, HISTORY_LINES)
    shown, page = page_slice(milestones, page)
    first = page * 8 + 1
    lines = [_plan_line(t, first + n, m, today) for n, m in enumerate(shown)]
    head = _plan_head(t, found.pair, found.plan, milestones)
    if history:
        head += "\n" + _history(t, history, changes, tz)
    text = (
        bounded_lines(lines, lambda n: t("plan-more", count=n), head=head)
        if lines
        else head + "\n" + t("plan-empty")
    )
    builder = InlineKeyboardBuilder()
    for n, milestone in enumerate(shown):
        label = t.plain(
            "plan-milestone-button",
            number=first + n,
            title=_clip(milestone.title, TITLE_CHARS_ON_BUTTON),
        )
        data = MilestoneCb(action="open", milestone_id=milestone.id).pack()
        builder.row(InlineKeyboardButton(text=label, callback_data=data))
    pair_id = found.pair.id
    pager(
        builder,
        t,
        page,
        len(milestones),
        lambda n: PlanCb(action="show", pair_id=pair_id, page=n).pack(),
    )
    if found.side is PairSide.MENTOR:
        if plan_editable(found.plan):
            data = PlanCb(action="add", pair_id=pair_id).pack()
            builder.row(InlineKeyboardButton(text=t("plan-add"), callback_data=data))
        if plan_submittable(found.plan) and milestones:
            data = PlanCb(action="submit", pair_id=pair_id).pack()
            builder.row(InlineKeyboardButton(text=t("plan-submit"), callback_data=data))
    return text, builder.as_markup()


def milestone_card(
    t: Translator, found: _Found, milestone: Milestone, today: date
) -> tuple[str, InlineKeyboardMarkup]:
    shown = shown_status(milestone, today)
    lines = [
        t(
            "milestone-card",
            title=milestone.title,
            due=t.date(milestone.due),
            status=t(f"milestone-status-{shown}"),
        )
    ]
    if milestone.comment:
        lines.append(
            t("milestone-card-report", comment=_clip(milestone.comment, COMMENT_CHARS_IN_CARD))
        )
    if milestone.file_id:
        lines.append(t("milestone-card-file"))
    if milestone.mentor_comment:
        lines.append(
            t(
                "milestone-card-mentor-comment",
                comment=_clip(milestone.mentor_comment, COMMENT_CHARS_IN_CARD),
            )
        )
    buttons: list[tuple[str, MilestoneCb | PlanCb]] = []
    mid = milestone.id
    if found.side is PairSide.MENTEE and milestone_submittable(milestone):
        buttons.append((t("milestone-mark-done"), MilestoneCb(action="done", milestone_id=mid)))
    if found.side is PairSide.MENTOR:
        if milestone.status is MilestoneStatus.SUBMITTED:
            sub = milestone.submission
            buttons.append(
                (t("milestone-accept"), MilestoneCb(action="acc", milestone_id=mid, sub=sub))
            )
            buttons.append(
                (t("milestone-return"), MilestoneCb(action="ret", milestone_id=mid, sub=sub))
            )
        if plan_editable(found.plan):
            buttons.append(
                (t("milestone-edit-title"), MilestoneCb(action="title", milestone_id=mid))
            )
            buttons.append((t("milestone-edit-due"), MilestoneCb(action="due", milestone_id=mid)))
            if milestone_removable(milestone):
                buttons.append((t("milestone-remove"), MilestoneCb(action="rm", milestone_id=mid)))
    if milestone.file_id:
        buttons.append((t("milestone-open-file"), MilestoneCb(action="file", milestone_id=mid)))
    buttons.append((t("plan-back"), PlanCb(action="show", pair_id=found.pair.id)))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data.pack())] for text, data in buttons
        ]
    )
    return "\n".join(lines), markup


def _decision_buttons(t: Translator, milestone: Milestone) -> InlineKeyboardMarkup:
    mid, sub = milestone.id, milestone.submission
    row = [
        InlineKeyboardButton(
            text=t("milestone-accept"),
            callback_data=MilestoneCb(action="acc", milestone_id=mid, sub=sub).pack(),
        ),
        InlineKeyboardButton(
            text=t("milestone-return"),
            callback_data=MilestoneCb(action="ret", milestone_id=mid, sub=sub).pack(),
        ),
    ]
    rows = [row]
    if milestone.file_id:
        data = MilestoneCb(action="file", milestone_id=mid).pack()
        rows.append([InlineKeyboardButton(text=t("milestone-open-file"), callback_data=data)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _plan_decision_buttons(t: Translator, pair_id: int, sub: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("plan-approve"),
                    callback_data=PlanCb(action="ok", pair_id=pair_id, sub=sub).pack(),
                ),
                InlineKeyboardButton(
                    text=t("plan-return"),
                    callback_data=PlanCb(action="ret", pair_id=pair_id, sub=sub).pack(),
                ),
            ]
        ]
    )


def _today(clock: Clock, settings: Settings) -> date:
    return local_today(clock.now(), settings.tz)


# --- /plan ------------------------------------------------------------------------------------


@router.message(Command("plan"), Member(Role.MENTOR, Role.MENTEE))
@router.message(MenuButton("menu-plan"), Member(Role.MENTOR, Role.MENTEE))
async def plan_command(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    settings: Settings,
    clock: Clock,
    t: Translator,
) -> None:
    await state.clear()
    pairs = await pairs_to_choose(db, person)
    if not pairs:
        await message.answer(t("pair-choice-no-pair"))
        return
    if len(pairs) > 1:
        await message.answer(
            t("plan-choose-pair"), reply_markup=pair_choice(t, pairs, person, "plan")
        )
        return
    found = await _found(db, person, pair_id=pairs[0].id)
    if found is None:
        await message.answer(t("plan-no-plan"))
        return
    text, markup = await plan_view(db, t, found, 0, _today(clock, settings), settings.tz)
    await message.answer(text, reply_markup=markup)


@router.callback_query(WhichPair.filter(F.purpose == "plan"))
async def plan_pair_chosen(
    callback: CallbackQuery,
    callback_data: WhichPair,
    db: Database,
    person: Person | None,
    settings: Settings,
    clock: Clock,
    t: Translator,
) -> None:
    if person is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    if callback_data.pair_id == 0:  # another page of the pairs
        pairs = await pairs_to_choose(db, person)
        markup = pair_choice(t, pairs, person, "plan", page=callback_data.page)
        await callback.message.edit_reply_markup(reply_markup=markup)
        await callback.answer()
        return
    found = await _found(db, person, pair_id=callback_data.pair_id)  # checks it as chosen_pair
    if found is None:
        await _stale(callback, t)
        return
    text, markup = await plan_view(db, t, found, 0, _today(clock, settings), settings.tz)
    await callback.message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(PlanCb.filter(F.action == "show"))
async def plan_page(
    callback: CallbackQuery,
    callback_data: PlanCb,
    db: Database,
    person: Person | None,
    settings: Settings,
    clock: Clock,
    t: Translator,
) -> None:
    found = await _found(db, person, pair_id=callback_data.pair_id) if person else None
    if found is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    text, markup = await plan_view(
        db, t, found, callback_data.page, _today(clock, settings), settings.tz
    )
    await callback.message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(MilestoneCb.filter(F.action == "open"))
async def open_milestone(
    callback: CallbackQuery,
    callback_data: MilestoneCb,
    db: Database,
    person: Person | None,
    settings: Settings,
    clock: Clock,
    t: Translator,
) -> None:
    found = await _found(db, person, milestone_id=callback_data.milestone_id) if person else None
    if found is None or found.milestone is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    text, markup = milestone_card(t, found, found.milestone, _today(clock, settings))
    await callback.message.edit_text(text, reply_markup=markup)
    await callback.answer()


# --- the mentor edits the plan -----------------------------------------------------------------
# Every edit ends in a change (add / title / due / remove) applied by `_apply`; an approved plan
# asks for the reason first, and the change goes into the plan's history with it.


def _cancel_only(t: Translator, form: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]])


@router.callback_query(PlanCb.filter(F.action == "add"))
async def add_start(
    callback: CallbackQuery,
    callback_data: PlanCb,
    state: FSMContext,
    db: Database,
    person: Person | None,
    t: Translator,
) -> None:
    found = (
        await _found(db, person, pair_id=callback_data.pair_id, side=PairSide.MENTOR)
        if person
        else None
    )
    if found is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    if not plan_editable(found.plan):
        await callback.answer(as_sentence(t.plain("plan-refused-not-editable")), show_alert=True)
        return
    form = await start_form(state, PlanForm.add_title, pair_id=found.pair.id)
    await callback.message.answer(
        t("plan-ask-title", max=MAX_MILESTONE_TITLE), reply_markup=_cancel_only(t, form)
    )
    await callback.answer()


def _title(text: str | None) -> str | None:
    title = " ".join((text or "").split())
    return title if title and len(title) <= MAX_MILESTONE_TITLE else None


@router.message(PlanForm.add_title, FreeText())
async def add_title(
    message: Message, state: FSMContext, db: Database, person: Person, t: Translator
) -> None:
    title = _title(message.text)
    if title is None:
        await message.answer(t("plan-title-too-long", max=MAX_MILESTONE_TITLE))
        return
    data = await state.get_data()
    found = await _found(db, person, pair_id=int(data.get("pair_id", 0)), side=PairSide.MENTOR)
    if found is None:
        await state.clear()
        await message.answer(t("stale-button"))
        return
    await state.update_data(title=title)
    await state.set_state(PlanForm.add_due)
    await message.answer(
        t("plan-ask-due", start=t.date(found.pair.start), end=t.date(found.pair.end)),
        reply_markup=_cancel_only(t, int(data["form"])),
    )


@router.message(PlanForm.add_due, FreeText())
@router.message(PlanForm.edit_due, FreeText())
async def milestone_due(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    due = parse_date(message.text or "")
    if due is None:
        await message.answer(t("date-invalid"))
        return
    data = await state.get_data()
    if await state.get_state() == PlanForm.add_due.state:
        change = {"kind": "add", "pair_id": data.get("pair_id", 0), "title": data.get("title")}
    else:
        change = {"kind": "due", "milestone_id": data.get("milestone_id", 0)}
    await _propose(message, state, db, person, clock, t, {**change, "due": due.isoformat()})


@router.callback_query(MilestoneCb.filter(F.action.in_({"title", "due"})))
async def edit_start(
    callback: CallbackQuery,
    callback_data: MilestoneCb,
    state: FSMContext,
    db: Database,
    person: Person | None,
    t: Translator,
) -> None:
    found = (
        await _found(db, person, milestone_id=callback_data.milestone_id, side=PairSide.MENTOR)
        if person
        else None
    )
    if found is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    if not plan_editable(found.plan):
        await callback.answer(as_sentence(t.plain("plan-refused-not-editable")), show_alert=True)
        return
    title = callback_data.action == "title"
    form = await start_form(
        state,
        PlanForm.edit_title if title else PlanForm.edit_due,
        milestone_id=callback_data.milestone_id,
    )
    prompt = (
        t("plan-ask-title", max=MAX_MILESTONE_TITLE)
        if title
        else t("plan-ask-due", start=t.date(found.pair.start), end=t.date(found.pair.end))
    )
    await callback.message.answer(prompt, reply_markup=_cancel_only(t, form))
    await callback.answer()


@router.message(PlanForm.edit_title, FreeText())
async def edit_title(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    title = _title(message.text)
    if title is None:
        await message.answer(t("plan-title-too-long", max=MAX_MILESTONE_TITLE))
        return
    data = await state.get_data()
    change = {"kind": "title", "milestone_id": data.get("milestone_id", 0), "title": title}
    await _propose(message, state, db, person, clock, t, change)


@router.callback_query(MilestoneCb.filter(F.action == "rm"))
async def remove(
    callback: CallbackQuery,
    callback_data: MilestoneCb,
    state: FSMContext,
    db: Database,
    person: Person | None,
    clock: Clock,
    t: Translator,
) -> None:
    found = (
        await _found(db, person, milestone_id=callback_data.milestone_id, side=PairSide.MENTOR)
        if person
        else None
    )
    if found is None or found.milestone is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    if not milestone_removable(found.milestone) or not plan_editable(found.plan):
        refusal = "milestone-refused-not-removable"
        if not plan_editable(found.plan):
            refusal = "plan-refused-not-editable"
        await callback.answer(as_sentence(t.plain(refusal)), show_alert=True)
        return
    assert person is not None
    await start_form(state, PlanForm.change_reason)
    change = {"kind": "remove", "milestone_id": found.milestone.id}
    await _propose(callback.message, state, db, person, clock, t, change)
    await callback.answer()


async def _propose(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
    change: dict[str, Any],
) -> None:
    """Apply a change now, or, on an approved plan, ask for its reason first."""
    found = await _found(
        db,
        person,
        pair_id=int(change.get("pair_id", 0)),
        milestone_id=int(change.get("milestone_id", 0)),
        side=PairSide.MENTOR,
    )
    if found is None:
        await state.clear()
        await message.answer(t("stale-button"))
        return
    if change_needs_reason(found.plan):
        await state.set_state(PlanForm.change_reason)
        await state.update_data(change=change)
        form = await form_id(state)
        await message.answer(
            t("plan-ask-reason", max=MAX_REASON_LENGTH), reply_markup=_cancel_only(t, form)
        )
        return
    await _apply_and_answer(message, state, db, person, clock, t, change, None)


@router.message(PlanForm.change_reason, FreeText())
async def change_reason(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    reason = " ".join((message.text or "").split())
    if len(reason) > MAX_REASON_LENGTH:
        await message.answer(t("milestone-comment-too-long", max=MAX_REASON_LENGTH))
        return
    change = dict((await state.get_data()).get("change") or {})
    await _apply_and_answer(message, state, db, person, clock, t, change, reason)


async def _apply_and_answer(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
    change: dict[str, Any],
    reason: str | None,
) -> None:
    try:
        answer = await _apply(db, t, person, change, reason, clock.now())
    except LookupError:
        await state.clear()
        await message.answer(t("stale-button"))
        return
    except PlanError as exc:
        if exc.refusal is not DEADLINE_OUTSIDE_PAIR:
            await state.clear()  # a deadline can be typed again; other refusals end the form
        await message.answer(t("plan-refused", reason=Html(t(str(exc.refusal)))))
        return
    await state.clear()
    await message.answer(answer)


async def _apply(
    db: Database,
    t: Translator,
    person: Person,
    change: dict[str, Any],
    reason: str | None,
    now: datetime,
) -> str:
    """Apply a change against fresh state; returns the answer. LookupError: stale."""
    kind = str(change.get("kind"))
    due = date.fromisoformat(change["due"]) if change.get("due") else None
    async with db.transaction() as tx:
        found = await _load(
            tx,
            person,
            pair_id=int(change.get("pair_id", 0)),
            milestone_id=int(change.get("milestone_id", 0)),
        )
        if found is None or found.side is not PairSide.MENTOR:
            raise LookupError("no such plan")
        common: dict[str, Any] = {"author_id": person.id, "now": now, "reason": reason}
        if kind == "add" and due is not None:
            title = str(change["title"])
            await add_milestone(tx, found.plan, found.pair, title, due, **common)
            return t("plan-milestone-added", title=title, due=t.date(due))
        milestone = found.milestone
        if milestone is None:
            raise LookupError("no such milestone")
        if kind == "remove":
            await remove_milestone(tx, found.plan, milestone, **common)
            return t("milestone-removed")
        new_title = change.get("title")
        await edit_milestone(
            tx, found.plan, found.pair, milestone, title=new_title, due=due, **common
        )
        return t("plan-milestone-changed", title=new_title or milestone.title,
                 due=t.date(due or milestone.due))  # fmt: skip


# --- the plan goes to the admins ---------------------------------------------------------------


async def _plan_for_admin(tx: Repos, t: Translator, pair: Pair, plan: Plan) -> str:
    milestones = await tx.plans.milestones(plan.id)
    head = t("plan-for-admin", mentor=pair.mentor_name, mentee=pair.mentee_name)
    lines = [
        t(
            "plan-line", icon="▫️", number=n, title=m.title, due=t.date(m.due), status=""
        ).removesuffix(" · ")
        for n, m in enumerate(milestones, 1)
    ]
    return bounded_lines(lines, lambda n: t("plan-more", count=n), head=head)


@router.callback_query(PlanCb.filter(F.action == "submit"))
async def submit(
    callback: CallbackQuery,
    callback_data: PlanCb,
    db: Database,
    i18n: I18n,
    person: Person | None,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    t: Translator,
) -> None:
    found = (
        await _found(db, person, pair_id=callback_data.pair_id, side=PairSide.MENTOR)
        if person
        else None
    )
    if found is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    now = clock.now()
    try:
        async with db.transaction() as tx:
            plan = await submit_plan(tx, found.plan, now)
            for admin in await tx.people.admins():
                if admin.telegram_id is None or not admin.seen or admin.blocked:
                    continue
                at = i18n.get(admin.language)
                await tx.outbox.enqueue(
                    f"plan:{plan.id}:submitted:{plan.submission}:{admin.id}",
                    admin.id,
                    await _plan_for_admin(tx, at, found.pair, plan),
                    now,
                    personal=True,
                    markup=_json(_plan_decision_buttons(at, found.pair.id, plan.submission)),
                    subject=f"plan:{plan.id}",
                )
    except PlanError as exc:
        await _refused(callback, t, exc)
        return
    sender.wake()
    refreshed = _Found(found.pair, plan, found.side)
    text, markup = await plan_view(db, t, refreshed, 0, _today(clock, settings), settings.tz)
    await callback.message.edit_text(text, reply_markup=markup)
    await callback.answer(t("plan-submitted"))


async def _decide_plan(
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    *,
    pair_id: int,
    sub: int,
    approve: bool,
    admin: Person,
    comment: str | None,
    now: datetime,
) -> Plan:
    async with db.transaction() as tx:
        plan = await tx.plans.for_pair(pair_id)
        pair = await tx.pairs.get(pair_id)
        if plan is None or pair is None:
            raise LookupError("no such plan")
        decided = await decide_plan(tx, plan.id, sub, approve, admin.id, comment, now)
        await tx.outbox.cancel_pending(f"plan:{plan.id}", "decided")
        for someone_id in (pair.mentor_id, pair.mentee_id):
            someone = await tx.people.get(someone_id)
            if someone is None:
                continue
            st = i18n.get(someone.language)
            text_key = "notice-plan-approved" if approve else "notice-plan-returned"
            await tx.outbox.enqueue(
                f"plan:{plan.id}:{decided.status.value}:{sub}:{someone_id}",
                someone_id,
                st(
                    text_key,
                    mentor=pair.mentor_name,
                    mentee=pair.mentee_name,
                    comment=comment or "",
                ),
                now,
                personal=True,
            )
    sender.wake()
    return decided


@router.callback_query(PlanCb.filter(F.action.in_({"ok", "ret"})))
async def plan_decision(
    callback: CallbackQuery,
    callback_data: PlanCb,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    person: Person | None,
    is_admin: bool,
    clock: Clock,
    sender: OutboxSender,
    t: Translator,
) -> None:
    if not is_admin or person is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    async with db.read() as tx:
        plan = await tx.plans.for_pair(callback_data.pair_id)
    if plan is None:
        await _stale(callback, t)
        return
    if plan.status is not PlanStatus.SUBMITTED or plan.submission != callback_data.sub:
        await callback.answer(as_sentence(t.plain("plan-refused-decided")), show_alert=True)
        return
    if callback_data.action == "ret":
        form = await start_form(
            state,
            PlanForm.plan_return_comment,
            pair_id=callback_data.pair_id,
            sub=callback_data.sub,
        )
        await callback.message.answer(
            t("plan-ask-return-comment", max=MAX_COMMENT_LENGTH),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
        )
        await callback.answer()
        return
    try:
        await _decide_plan(
            db, i18n, sender, pair_id=callback_data.pair_id, sub=callback_data.sub,
            approve=True, admin=person, comment=None, now=clock.now(),
        )  # fmt: skip
    except PlanError as exc:
        await _refused(callback, t, exc)
        return
    # The plan above may already fill a message: the decision is a message of its own.
    await callback.message.edit_reply_markup(reply_markup=None)
    await callback.message.answer(t("plan-decided-approved", admin=person.full_name))
    await callback.answer(t("done"))


@router.message(PlanForm.plan_return_comment, FreeText())
async def plan_return_comment(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    person: Person | None,
    is_admin: bool,
    clock: Clock,
    sender: OutboxSender,
    t: Translator,
) -> None:
    comment = (message.text or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        await message.answer(t("milestone-comment-too-long", max=MAX_COMMENT_LENGTH))
        return
    data = await state.get_data()
    await state.clear()
    if not is_admin or person is None:
        await message.answer(t("stale-button"))
        return
    try:
        await _decide_plan(
            db, i18n, sender, pair_id=int(data["pair_id"]), sub=int(data["sub"]),
            approve=False, admin=person, comment=comment, now=clock.now(),
        )  # fmt: skip
    except PlanError as exc:
        await message.answer(t("plan-refused", reason=Html(t(str(exc.refusal)))))
        return
    await message.answer(t("plan-decided-returned", admin=person.full_name))


# --- the mentee reports a milestone done -------------------------------------------------------


@router.callback_query(MilestoneCb.filter(F.action == "done"))
async def report_start(
    callback: CallbackQuery,
    callback_data: MilestoneCb,
    state: FSMContext,
    db: Database,
    person: Person | None,
    t: Translator,
) -> None:
    found = (
        await _found(db, person, milestone_id=callback_data.milestone_id, side=PairSide.MENTEE)
        if person
        else None
    )
    if found is None or found.milestone is None or not isinstance(callback.message, Message):
        await _stale(callback, t)
        return
    if not milestone_submittable(found.milestone):
        await callback.answer(
            as_sentence(t.plain("milestone-refused-not-submittable")), show_alert=True
        )
        return
    form = await start_form(state, PlanForm.report_comment, milestone_id=found.milestone.id)
    await callback.message.answer(
        t("milestone-ask-comment", max=MAX_COMMENT_LENGTH),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
    )
    await callback.answer()


@router.message(PlanForm.report_comment, FreeText())
async def report_comment(message: Message, state: FSMContext, t: Translator) -> None:
    comment = (message.text or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        await message.answer(t("milestone-comment-too-long", max=MAX_COMMENT_LENGTH))
        return
    await state.update_data(comment=comment)
    await state.set_state(PlanForm.report_file)
    data = await state.get_data()
    form = int(data["form"])
    no_file = MilestoneCb(action="nofile", milestone_id=int(data["milestone_id"]), form=form)
    await message.answer(
        t("milestone-ask-file"),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=t("milestone-no-file"), callback_data=no_file.pack())],
                [cancel_button(t, form)],
            ]
        ),
    )


async def _send_report(
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    person: Person,
    milestone_id: int,
    comment: str,
    file_id: str | None,
    file_kind: str | None,
    now: datetime,
) -> Milestone:
    """Record the report and queue it for the mentor with ✅ / ↩️ in one transaction."""
    async with db.transaction() as tx:
        found = await _load(tx, person, milestone_id=milestone_id)
        if found is None or found.side is not PairSide.MENTEE or found.milestone is None:
            raise LookupError("no such milestone")
        milestone = await submit_milestone(tx, found.milestone, comment, file_id, file_kind, now)
        mentor = await tx.people.get(found.pair.mentor_id)
        assert mentor is not None
        mt = i18n.get(mentor.language)
        text = mt(
            "notice-milestone-submitted",
            mentee=found.pair.mentee_name,
            title=milestone.title,
            due=mt.date(milestone.due),
            comment=comment,
        )
        if file_id:
            text += "\n" + mt("notice-milestone-file")
        await tx.outbox.enqueue(
            f"milestone:{milestone.id}:submitted:{milestone.submission}",
            mentor.id,
            text,
            now,
            personal=True,
            markup=_json(_decision_buttons(mt, milestone)),
            subject=f"milestone:{milestone.id}",
        )
    sender.wake()
    return milestone


async def _finish_report(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    person: Person,
    clock: Clock,
    t: Translator,
    file_id: str | None,
    file_kind: str | None,
) -> None:
    data = await state.get_data()
    await state.clear()
    try:
        await _send_report(
            db, i18n, sender, person, int(data["milestone_id"]), str(data["comment"]),
            file_id, file_kind, clock.now(),
        )  # fmt: skip
    except LookupError:
        await message.answer(t("stale-button"))
        return
    except PlanError as exc:
        await message.answer(t("plan-refused", reason=Html(t(str(exc.refusal)))))
        return
    await message.answer(t("milestone-sent"))


@router.message(PlanForm.report_file, F.document)
async def report_document(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    document = message.document
    assert document is not None
    if not document_allowed(document.file_name, document.file_size):
        await message.answer(t("milestone-file-refused"))
        return
    await _finish_report(
        message, state, db, i18n, sender, person, clock, t, document.file_id, "document"
    )


@router.message(PlanForm.report_file, F.photo)
async def report_photo(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    photo = (message.photo or [])[-1]  # the largest size
    if photo.file_size is not None and photo.file_size > MAX_DOCUMENT_BYTES:
        await message.answer(t("milestone-file-refused"))
        return
    await _finish_report(message, state, db, i18n, sender, person, clock, t, photo.file_id, "photo")


@router.message(PlanForm.report_file, FreeText())
async def report_not_a_file(message: Message, t: Translator) -> None:
    await message.answer(t("milestone-ask-file"))


@router.callback_query(
    PlanForm.report_file, MilestoneCb.filter(F.action == "nofile"), OfCurrentForm()
)
async def report_without_file(
    callback: CallbackQuery,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    if not isinstance(callback.message, Message):
        return
    await callback.message.edit_reply_markup(reply_markup=None)
    await _finish_report(callback.message, state, db, i18n, sender, person, clock, t, None, None)
    await callback.answer()


# --- the mentor decides on a report ------------------------------------------------------------


async def _decide_report(
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    person: Person,
    milestone_id: int,
    sub: int,
    accept: bool,
    comment: str | None,
    now: datetime,
) -> Milestone:
    async with db.transaction() as tx:
        found = await _load(tx, person, milestone_id=milestone_id)
        if found is None or found.side is not PairSide.MENTOR:
            raise LookupError("no such milestone")
        milestone = await decide_milestone(tx, milestone_id, sub, accept, comment, now)
        mentee = await tx.people.get(found.pair.mentee_id)
        assert mentee is not None
        et = i18n.get(mentee.language)
        key = "notice-milestone-accepted" if accept else "notice-milestone-returned"
        await tx.outbox.enqueue(
            f"milestone:{milestone.id}:{milestone.status.value}:{sub}",
            mentee.id,
            et(key, title=milestone.title, comment=comment or ""),
            now,
            personal=True,
        )
    sender.wake()
    return milestone


@router.callback_query(MilestoneCb.filter(F.action.in_({"acc", "ret"})))
async def report_decision(
    callback: CallbackQuery,
    callback_data: MilestoneCb,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    person: Person | None,
    clock: Clock,
    t: Translator,
) -> None:
    found = (
        await _found(db, person, milestone_id=callback_data.milestone_id, side=PairSide.MENTOR)
        if person
        else None
    )
    if (
        person is None
        or found is None
        or found.milestone is None
        or not isinstance(callback.message, Message)
    ):
        await _stale(callback, t)
        return
    milestone = found.milestone
    if (
        milestone.status is not MilestoneStatus.SUBMITTED
        or milestone.submission != callback_data.sub
    ):
        await callback.answer(as_sentence(t.plain("milestone-refused-decided")), show_alert=True)
        return
    if callback_data.action == "ret":
        form = await start_form(
            state, PlanForm.return_comment, milestone_id=milestone.id, sub=callback_data.sub
        )
        await callback.message.answer(
            t("milestone-ask-return-comment", max=MAX_COMMENT_LENGTH),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
        )
        await callback.answer()
        return
    try:
        await _decide_report(
            db, i18n, sender, person, milestone.id, callback_data.sub, True, None, clock.now()
        )
    except PlanError as exc:
        await _refused(callback, t, exc)
        return
    await callback.message.edit_reply_markup(reply_markup=None)
    await callback.message.answer(t("milestone-decided-accepted"))
    await callback.answer(t("done"))


@router.message(PlanForm.return_comment, FreeText())
async def report_return_comment(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    sender: OutboxSender,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    comment = (message.text or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        await message.answer(t("milestone-comment-too-long", max=MAX_COMMENT_LENGTH))
        return
    data = await state.get_data()
    await state.clear()
    try:
        await _decide_report(
            db, i18n, sender, person, int(data["milestone_id"]), int(data["sub"]), False,
            comment, clock.now(),
        )  # fmt: skip
    except LookupError:
        await message.answer(t("stale-button"))
        return
    except PlanError as exc:
        await message.answer(t("plan-refused", reason=Html(t(str(exc.refusal)))))
        return
    await message.answer(t("milestone-decided-returned"))


@router.callback_query(MilestoneCb.filter(F.action == "file"))
async def open_file(
    callback: CallbackQuery,
    callback_data: MilestoneCb,
    bot: Bot,
    db: Database,
    person: Person | None,
    t: Translator,
) -> None:
    """The person acting gets the report's file again, by its file_id."""
    found = await _found(db, person, milestone_id=callback_data.milestone_id) if person else None
    if found is None or found.milestone is None or not found.milestone.file_id:
        await _stale(callback, t)
        return
    assert person is not None and person.telegram_id is not None
    if found.milestone.file_kind == "photo":
        await bot.send_photo(person.telegram_id, found.milestone.file_id)
    else:
        await bot.send_document(person.telegram_id, found.milestone.file_id)
    await callback.answer()
