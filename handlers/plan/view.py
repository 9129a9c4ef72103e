"""/plan: the plan of a pair and a milestone's card, as the mentee and the mentor see them."""

from __future__ import annotations

from datetime import date, tzinfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.bounded import bounded_lines, clip
from bot.domain.plans import (
    Found,
    milestone_removable,
    milestone_submittable,
    plan_editable,
    plan_submittable,
    progress,
    shown_status,
)
from bot.domain.rules import PairSide
from bot.i18n import Translator
from handlers.filters import Member, MenuButton, shown
from handlers.keyboards import (
    VIEW,
    KeyboardBuilder,
    MilestoneCb,
    PairCard,
    PlanCb,
    WhichPair,
    page_slice,
    pager,
)
from handlers.pair_choice import pair_choice, pairs_to_choose
from handlers.plan.common import ADMIN_FILE, ADMIN_VIEW, decision_row, find_plan, stale
from storage.models import (
    Milestone,
    MilestoneStatus,
    Pair,
    Plan,
    PlanChange,
    PlanHistoryEntry,
    PlanStatus,
    Role,
)

# A plan of a year has about ten steps: one page holds it whole (a 9-step plan paged at 8 hid
# its last step); the buttons stay far below Telegram's 100.
PLAN_PAGE = 15

router = Router(name=__name__)

TITLE_CHARS_ON_BUTTON = 40
COMMENT_CHARS_IN_CARD = 600
HISTORY_LINES = 3  # the newest changes after approval on the plan's page
HISTORY_REASON_CHARS = 150

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
        head += "\n" + t("plan-returned-comment", comment=clip(plan.comment, 500))
    return head


def _history(t: Translator, history: list[PlanHistoryEntry], total: int, tz: tzinfo) -> str:
    """The newest changes after approval, each with its reason; earlier ones are counted."""
    lines = [
        t(
            f"plan-history-{entry.change.value}",
            title=clip(entry.title, TITLE_CHARS_ON_BUTTON),
            old=_shown_value(t, entry.change, entry.old),
            new=_shown_value(t, entry.change, entry.new),
            reason=clip(entry.reason, HISTORY_REASON_CHARS),
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
    return clip(value or "", TITLE_CHARS_ON_BUTTON)


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


async def plan_view(ctx: Context, found: Found, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the plan as it stands today: its head, the milestones of the page and a button
    to each; an admin's view (no side) has no buttons that change anything and leads back to
    the card."""
    t, today, tz = ctx.t, ctx.today(), ctx.tz
    show_action, open_action = ("show", "open") if found.side else (ADMIN_VIEW, ADMIN_VIEW)
    async with ctx.db.read() as tx:
        milestones = await tx.plans.milestones(found.plan.id)
        history, changes = await tx.plans.history(found.plan.id, HISTORY_LINES)
    shown, page = page_slice(milestones, page, PLAN_PAGE)
    first = page * PLAN_PAGE + 1
    lines = [_plan_line(t, first + n, m, today) for n, m in enumerate(shown)]
    head = _plan_head(t, found.pair, found.plan, milestones)
    if history:
        head += "\n" + _history(t, history, changes, tz)
    text = (
        bounded_lines(lines, lambda n: t("plan-more", count=n), head=head)
        if lines
        else head + "\n" + t("plan-empty")
    )
    builder = KeyboardBuilder()
    for n, milestone in enumerate(shown):
        label = t.plain(
            "plan-milestone-button",
            number=first + n,
            title=clip(milestone.title, TITLE_CHARS_ON_BUTTON),
        )
        data = MilestoneCb(action=open_action, milestone_id=milestone.id).pack()
        builder.row(InlineKeyboardButton(text=label, callback_data=data))
    pair_id = found.pair.id
    pager(
        builder,
        t,
        page,
        len(milestones),
        lambda n: PlanCb(action=show_action, pair_id=pair_id, page=n).pack(),
        PLAN_PAGE,
    )
    if found.side is None:
        if found.plan.status is PlanStatus.SUBMITTED:  # an admin decides here too
            builder.row(*decision_row(t, found.plan, view=True))
        data = PairCard(pair_id=pair_id).pack()
        builder.row(InlineKeyboardButton(text=t("plan-back-to-pair"), callback_data=data))
    if found.side is PairSide.MENTOR:
        if plan_editable(found.plan):
            data = PlanCb(action="add", pair_id=pair_id).pack()
            builder.row(InlineKeyboardButton(text=t("plan-add"), callback_data=data))
        if plan_submittable(found.plan) and milestones:
            data = PlanCb(action="submit", pair_id=pair_id).pack()
            builder.row(InlineKeyboardButton(text=t("plan-submit"), callback_data=data))
    return text, builder.as_markup()


def milestone_card(
    t: Translator, found: Found, milestone: Milestone, today: date
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
            t("milestone-card-report", comment=clip(milestone.comment, COMMENT_CHARS_IN_CARD))
        )
    if milestone.file_id:
        lines.append(t("milestone-card-file"))
    if milestone.mentor_comment:
        lines.append(
            t(
                "milestone-card-mentor-comment",
                comment=clip(milestone.mentor_comment, COMMENT_CHARS_IN_CARD),
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
    file_action, show_action = ("file", "show") if found.side else (ADMIN_FILE, ADMIN_VIEW)
    if milestone.file_id:
        buttons.append(
            (t("milestone-open-file"), MilestoneCb(action=file_action, milestone_id=mid))
        )
    buttons.append((t("plan-back"), PlanCb(action=show_action, pair_id=found.pair.id)))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data.pack())] for text, data in buttons
        ]
    )
    return "\n".join(lines), markup


# --- /plan ------------------------------------------------------------------------------------


@router.message(Command("plan"), Member(Role.MENTOR, Role.MENTEE))
@router.message(MenuButton("menu-plan"), Member(Role.MENTOR, Role.MENTEE))
async def plan_command(message: Message, state: FSMContext, ctx: Context) -> None:
    await state.clear()
    me, t = ctx.me, ctx.t
    pairs = await pairs_to_choose(ctx.db, me)
    if not pairs:
        await message.answer(t("pair-choice-no-pair"))
        return
    if len(pairs) > 1:
        await message.answer(t("plan-choose-pair"), reply_markup=pair_choice(t, pairs, me, "plan"))
        return
    found = await find_plan(ctx.db, me, pair_id=pairs[0].id)
    if found is None:
        await message.answer(t("plan-no-plan"))
        return
    text, markup = await plan_view(ctx, found, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(WhichPair.filter(F.purpose == "plan"))
async def plan_pair_chosen(callback: CallbackQuery, callback_data: WhichPair, ctx: Context) -> None:
    person, t = ctx.person, ctx.t
    if person is None:
        await stale(callback, t)
        return
    message = shown(callback)
    if callback_data.pair_id == 0:  # another page of the pairs
        pairs = await pairs_to_choose(ctx.db, person)
        markup = pair_choice(t, pairs, person, "plan", page=callback_data.page)
        await message.edit_reply_markup(reply_markup=markup)
        await callback.answer()
        return
    # find_plan checks it as chosen_pair
    found = await find_plan(ctx.db, person, pair_id=callback_data.pair_id)
    if found is None:
        await stale(callback, t)
        return
    text, markup = await plan_view(ctx, found, 0)
    await message.edit_text(text, reply_markup=markup)
    await callback.answer()


# "show"/"open" turn the pages of the plan in place; "view" (a notice's button) opens the plan
# or the milestone as a new message, so the notice, and whatever else it says, stays.
@router.callback_query(PlanCb.filter(F.action.in_({"show", VIEW})))
async def plan_page(callback: CallbackQuery, callback_data: PlanCb, ctx: Context) -> None:
    person = ctx.person
    found = await find_plan(ctx.db, person, pair_id=callback_data.pair_id)
    if found is None:
        await stale(callback, ctx.t)
        return
    text, markup = await plan_view(ctx, found, callback_data.page)
    await _show(callback, callback_data.action == VIEW, text, markup)


@router.callback_query(MilestoneCb.filter(F.action.in_({"open", VIEW})))
async def open_milestone(callback: CallbackQuery, callback_data: MilestoneCb, ctx: Context) -> None:
    person = ctx.person
    found = await find_plan(ctx.db, person, milestone_id=callback_data.milestone_id)
    if found is None or found.milestone is None:
        await stale(callback, ctx.t)
        return
    text, markup = milestone_card(ctx.t, found, found.milestone, ctx.today())
    await _show(callback, callback_data.action == VIEW, text, markup)


async def _show(
    callback: CallbackQuery, as_new: bool, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    message = shown(callback)
    if as_new:
        await message.answer(text, reply_markup=markup)
    else:
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()
