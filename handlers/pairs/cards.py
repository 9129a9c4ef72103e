"""/pairs: the active pairs (those whose plan waits first) and a pair's card: how the pair is
doing, and the way to its plan, its journal and the changes."""

from __future__ import annotations

from datetime import tzinfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.bounded import bounded_lines, clip
from bot.domain.overview import PairOverview, pair_overview, progress_bar
from bot.domain.rules import local_today
from bot.i18n import Html, Translator
from handlers.filters import AdminOnly, MenuButton, shown
from handlers.keyboards import (
    KeyboardBuilder,
    PairCard,
    PairReportCb,
    PairsDepartments,
    PairsList,
    PlanCb,
    department_picker,
    fetch_page,
    find_department,
    pager,
)
from handlers.meetings.journal import journal_button
from handlers.mentees import overview_text
from handlers.plan.common import ADMIN_VIEW
from storage.models import Pair, PairKind, PairStatus

router = Router(name=__name__)
router.message.filter(AdminOnly())
router.callback_query.filter(AdminOnly())


HISTORY_LINES = 10  # the newest entries; the card counts the rest and fits one message
HISTORY_REASON_CHARS = 150


# --- /pairs: the active pairs and a pair's card ----------------------------------------------


STATUS_FILTERS = ("active", "completed", "ended", "all")
KIND_FILTERS = ("", PairKind.PEDAGOGICAL.value, PairKind.BUSINESS.value)


async def _pairs_page(ctx: Context, query: PairsList) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the pairs by status (active by default), kind and the mentee's department;
    those whose plan awaits approval are marked and come first."""
    t = ctx.t
    status = query.status if query.status in STATUS_FILTERS else "active"
    kind = query.kind if query.kind in KIND_FILTERS else ""
    # Off the event loop: a page is sorted out of every pair (~20 ms at 10 000).
    async with ctx.db.bulk_read() as tx:
        departments = await tx.pairs.mentee_departments()
        department = find_department(departments, query.dept) if query.dept else None
        pairs, total, page = await fetch_page(
            lambda offset, limit: tx.pairs.list_filtered(
                status=None if status == "all" else status,
                kind=kind or None,
                department=department,
                offset=offset,
                limit=limit,
            ),
            query.page,
        )
        awaiting = await tx.plans.awaiting_approval([pair.id for pair in pairs])
        awaiting_total = await tx.plans.awaiting_approval_count()
        overviews = [await pair_overview(tx, pair, ctx.today(), ctx.now()) for pair in pairs]
    dept = query.dept if department is not None else ""
    shown = PairsList(status=status, kind=kind, dept=dept)
    builder = KeyboardBuilder()
    builder.row(
        *(
            InlineKeyboardButton(
                text=("• " if value == status else "") + t(f"pairs-filter-{value}"),
                callback_data=shown.model_copy(update={"status": value}).pack(),
            )
            for value in STATUS_FILTERS
        )
    )
    builder.row(
        *(
            InlineKeyboardButton(
                text=("• " if value == kind else "") + t(f"pairs-filter-kind-{value or 'all'}"),
                callback_data=shown.model_copy(update={"kind": value}).pack(),
            )
            for value in KIND_FILTERS
        )
    )
    if departments:
        builder.row(
            InlineKeyboardButton(
                text=t.plain(
                    "people-filter-department",
                    department=department or t("people-all-departments"),
                ),
                callback_data=PairsDepartments(status=status, kind=kind).pack(),
            )
        )
    for pair in pairs:
        key = "pair-button-awaiting" if pair.id in awaiting else "pair-button"
        builder.row(
            InlineKeyboardButton(
                text=t.plain(key, mentee=pair.mentee_name, mentor=pair.mentor_name),
                callback_data=PairCard(pair_id=pair.id).pack(),
            )
        )
    pager(builder, t, page, total, lambda n: shown.model_copy(update={"page": n}).pack())
    filtered = status != "active" or kind or department is not None
    if not total:
        return t("pairs-none-filtered" if filtered else "pairs-none"), builder.as_markup()
    title = (
        t(
            "pairs-title-filtered",
            count=total,
            status=t(f"pairs-filter-{status}"),
            kind=t(f"pairs-filter-kind-{kind or 'all'}"),
            department=department or t("people-all-departments"),
        )
        if filtered
        else t("pairs-title", count=total)
    )
    if awaiting_total and status == "active":
        title = t("pairs-awaiting", count=awaiting_total) + "\n" + title
    lines = [_progress_line(t, seen, ctx.tz) for seen in overviews]
    return "\n".join([title, *lines]), builder.as_markup()


def _progress_line(t: Translator, seen: PairOverview, tz: tzinfo) -> str:
    """«Сидорова М. И. ← Иванова А. П.: ▓▓▓░░ 6/10 · последняя встреча 01.12.2026»."""
    last = (
        t("pairs-last-held", date=t.date(seen.last_held.starts_at.astimezone(tz).date()))
        if seen.last_held is not None
        else t("pairs-no-meetings")
    )
    return t(
        "pairs-line",
        mentee=seen.pair.mentee_name,
        mentor=seen.pair.mentor_name,
        bar=progress_bar(seen.accepted, seen.milestones),
        accepted=seen.accepted,
        total=seen.milestones,
        last=Html(last),
    )


@router.message(Command("pairs"))
@router.message(MenuButton("menu-pairs"))
async def list_pairs(message: Message, state: FSMContext, ctx: Context) -> None:
    await state.clear()
    text, markup = await _pairs_page(ctx, PairsList())
    await message.answer(text, reply_markup=markup)


@router.callback_query(PairsList.filter())
async def pairs_page(callback: CallbackQuery, callback_data: PairsList, ctx: Context) -> None:
    """A page, or a filter changed; a forged value reads as no filter."""
    text, markup = await _pairs_page(ctx, callback_data)
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(PairsDepartments.filter())
async def pairs_departments(
    callback: CallbackQuery, callback_data: PairsDepartments, ctx: Context
) -> None:
    """The mentees' departments to filter by, a page at a time; «all» clears the filter."""
    async with ctx.db.read() as tx:
        departments = await tx.pairs.mentee_departments()
    query = PairsList(status=callback_data.status, kind=callback_data.kind)
    markup = department_picker(
        ctx.t,
        departments,
        callback_data.page,
        lambda code: query.model_copy(update={"dept": code}).pack(),
        lambda n: callback_data.model_copy(update={"page": n}).pack(),
        head=[
            InlineKeyboardButton(
                text=ctx.t("people-all-departments"),
                callback_data=query.model_copy(update={"dept": ""}).pack(),
            )
        ],
    )
    await shown(callback).edit_text(ctx.t("pairs-choose-department"), reply_markup=markup)
    await callback.answer()


def _card_text(
    t: Translator,
    pair: Pair,
    history: list[Pair],
    overview: str = "",
    *,
    plan_awaiting: bool = False,
) -> str:
    head = t(
        "pair-card",
        mentor=pair.mentor_name,
        mentee=pair.mentee_name,
        kind=t(f"pair-kind-{pair.kind.value}"),
        start=t.date(pair.start),
        end=t.date(pair.end),
        order=pair.order_ref or "—",
        status=t(f"pair-status-{pair.status.value}"),
    )
    if overview:
        head += "\n" + overview
    if plan_awaiting:
        head += "\n" + t("pair-plan-awaiting")
    earlier = [p for p in history if p.id != pair.id]
    if not earlier:
        return head
    lines = [
        "• "
        + t(
            "pair-history-line",
            mentor=old.mentor_name,
            kind=t(f"pair-kind-{old.kind.value}"),
            start=t.date(old.start),
            status=t(f"pair-status-{old.status.value}"),
            reason=clip(old.close_reason or "—", HISTORY_REASON_CHARS),
        )
        for old in earlier
    ]
    return bounded_lines(
        lines,
        lambda n: t("pair-history-more", count=n),
        head=head + "\n" + t("pair-history"),
        max_lines=HISTORY_LINES,
        keep="last",
    )


def _card_buttons(t: Translator, pair: Pair) -> InlineKeyboardMarkup:
    def button(key: str, action: str) -> list[InlineKeyboardButton]:
        return [
            InlineKeyboardButton(
                text=t(key), callback_data=PairCard(pair_id=pair.id, action=action).pack()
            )
        ]

    rows = []
    if pair.status is PairStatus.ACTIVE:
        rows = [
            button("pair-reassign", "reassign"),
            button("pair-end-early", "end"),
            button("pair-complete", "complete"),
            button("pair-ask-feedback", "feedback"),
        ]
    # The plan, read only, for a pair of any status: its own row.
    plan = PlanCb(action=ADMIN_VIEW, pair_id=pair.id).pack()
    rows.append([InlineKeyboardButton(text=t("plan-open-from-card"), callback_data=plan)])
    rows.append([journal_button(t, pair)])  # any pair, active or not: read-only
    report = PairReportCb(pair_id=pair.id).pack()
    rows.append([InlineKeyboardButton(text=t("pair-report-button"), callback_data=report)])
    rows.append([InlineKeyboardButton(text=t("button-back"), callback_data=PairsList().pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


@router.callback_query(PairCard.filter(F.action.in_({"show", "open"})))
async def show_pair(
    callback: CallbackQuery, callback_data: PairCard, state: FSMContext, ctx: Context
) -> None:
    await state.clear()
    t, now = ctx.t, ctx.now()
    async with ctx.db.read() as tx:
        pair = await tx.pairs.get(callback_data.pair_id)
        history = await tx.pairs.history(pair.mentee_id) if pair else []
        doing = await pair_overview(tx, pair, local_today(now, ctx.tz), now) if pair else None
        awaiting = await tx.plans.awaiting_approval([pair.id]) if pair else set()
    if pair is None or doing is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    same_kind = [p for p in history if p.kind is pair.kind]
    overview = overview_text(t, doing, ctx.tz)
    text = _card_text(t, pair, same_kind, overview, plan_awaiting=bool(awaiting))
    if callback_data.action == "open":
        await shown(callback).answer(text, reply_markup=_card_buttons(t, pair))
    else:
        await shown(callback).edit_text(text, reply_markup=_card_buttons(t, pair))
    await callback.answer()
