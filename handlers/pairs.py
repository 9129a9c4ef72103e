"""Pairs (admin): /pair forms a pair step by step; /pairs lists the active ones, and a pair's
card reassigns the mentor, ends the pair early or completes it. History is never overwritten."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.bounded import bounded_lines
from bot.domain.dates import parse_date
from bot.domain.overview import pair_overview
from bot.domain.pairing import PairError, close_pair, create_pair, reassign_mentor
from bot.domain.rules import (
    MAX_ORDER_LENGTH,
    MAX_REASON_LENGTH,
    default_end_is_cut,
    default_pair_end,
    local_today,
)
from bot.i18n import Html, I18n, Translator, as_sentence
from handlers.filters import AdminOnly, FreeText, MenuButton
from handlers.forms import FORM_KEY, OfCurrentForm, form_id, start_form
from handlers.keyboards import (
    Choice,
    KeyboardBuilder,
    PairCard,
    PairsList,
    PersonPick,
    cancel_button,
    fetch_page,
    pager,
)
from handlers.meetings.journal import journal_button
from handlers.mentees import overview_text
from handlers.menu import pair_line
from handlers.picker import QUERY_KEY, last_search, people_page, remember_search
from handlers.plan.common import ADMIN_VIEW, PlanCb
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import Pair, PairKind, PairStatus, Person, Role

router = Router(name=__name__)
router.message.filter(AdminOnly())
router.callback_query.filter(AdminOnly())


HISTORY_LINES = 10  # the newest entries; the card counts the rest and fits one message
HISTORY_REASON_CHARS = 150


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class PairForm(StatesGroup):
    mentor = State()
    mentee = State()
    kind = State()
    start = State()
    end = State()
    order = State()
    confirm = State()


class ReassignForm(StatesGroup):
    mentor = State()
    reason = State()


class EndForm(StatesGroup):
    reason = State()


def _choice_markup(
    t: Translator, form: int, *choices: tuple[str, str, str]
) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=text, callback_data=Choice(step=step, value=value, form=form).pack()
            )
        ]
        for step, value, text in choices
    ]
    rows.append([cancel_button(t, form)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _people_page(
    db: Database,
    t: Translator,
    settings: Settings,
    purpose: str,
    role: Role,
    page: int,
    query: str | None,
    form: int,
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of mentors (with their load) or mentees to pick from, optionally searched."""
    return await people_page(
        db,
        t,
        purpose=purpose,
        page=page,
        query=query,
        empty_key=f"pair-no-{role.value}s",
        role=role,
        max_mentees=settings.max_mentees_per_mentor if role is Role.MENTOR else None,
        form=form,
    )


def _refusal(t: Translator, error: PairError, settings: Settings) -> Html:
    return Html(t(error.refusal.value, max=settings.max_mentees_per_mentor))


async def _summary(db: Database, t: Translator, data: dict[str, Any]) -> str:
    async with db.read() as tx:
        mentor = await tx.people.get(int(data["mentor_id"]))
        mentee = await tx.people.get(int(data["mentee_id"]))
    return t(
        "pair-summary",
        mentor=mentor.full_name if mentor else "—",
        mentee=mentee.full_name if mentee else "—",
        kind=t(f"pair-kind-{data['kind']}"),
        start=t.date(date.fromisoformat(data["start"])),
        end=t.date(date.fromisoformat(data["end"])),
        order=data.get("order") or t("pair-no-order"),
    )


# --- /pair: forming a pair -------------------------------------------------------------------


@router.message(Command("pair"))
@router.message(MenuButton("menu-new-pair"))
async def new_pair(
    message: Message, state: FSMContext, db: Database, settings: Settings, t: Translator
) -> None:
    form = await start_form(state, PairForm.mentor)
    text, markup = await _people_page(db, t, settings, "mentor", Role.MENTOR, 0, None, form)
    await message.answer(t("pair-step-mentor") + "\n" + text, reply_markup=markup)


@router.message(PairForm.mentor, FreeText())
@router.message(PairForm.mentee, FreeText())
async def search_pair_person(
    message: Message, state: FSMContext, db: Database, settings: Settings, t: Translator
) -> None:
    mentor_step = await state.get_state() == PairForm.mentor.state
    purpose, role = ("mentor", Role.MENTOR) if mentor_step else ("mentee", Role.MENTEE)
    query = await remember_search(state, message.text)
    form = await form_id(state)
    text, markup = await _people_page(db, t, settings, purpose, role, 0, query, form)
    await message.answer(text, reply_markup=markup)


@router.callback_query(PairForm.mentor, PersonPick.filter(F.purpose == "mentor"), OfCurrentForm())
@router.callback_query(PairForm.mentee, PersonPick.filter(F.purpose == "mentee"), OfCurrentForm())
async def pick_pair_person(
    callback: CallbackQuery,
    callback_data: PersonPick,
    state: FSMContext,
    db: Database,
    settings: Settings,
    t: Translator,
) -> None:
    if not isinstance(callback.message, Message):
        return
    role = Role.MENTOR if callback_data.purpose == "mentor" else Role.MENTEE
    form = callback_data.form
    if callback_data.person_id == 0:  # another page of the list
        text, markup = await _people_page(
            db,
            t,
            settings,
            callback_data.purpose,
            role,
            callback_data.page,
            await last_search(state),
            form,
        )
        await callback.message.edit_text(text, reply_markup=markup)
        await callback.answer()
        return
    async with db.read() as tx:
        chosen = await tx.people.get(callback_data.person_id)
        load = await tx.pairs.active_mentee_count(chosen.id) if chosen else 0
    if chosen is None or not chosen.active or chosen.role is not role:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    if role is Role.MENTOR:
        if load >= settings.max_mentees_per_mentor:
            await callback.answer(
                as_sentence(t("pair-refused-mentor-full", max=settings.max_mentees_per_mentor)),
                show_alert=True,
            )
            return
        await state.update_data({"mentor_id": chosen.id, QUERY_KEY: None})
        await state.set_state(PairForm.mentee)
        text, markup = await _people_page(db, t, settings, "mentee", Role.MENTEE, 0, None, form)
        await callback.message.edit_text(
            t("pair-chosen-mentor", name=chosen.full_name)
            + "\n"
            + t("pair-step-mentee")
            + "\n"
            + text,
            reply_markup=markup,
        )
    else:
        await state.update_data(mentee_id=chosen.id)
        await state.set_state(PairForm.kind)
        await callback.message.edit_text(
            t("pair-chosen-mentee", name=chosen.full_name) + "\n" + t("pair-step-kind"),
            reply_markup=_choice_markup(
                t,
                form,
                ("kind", PairKind.PEDAGOGICAL.value, t("pair-kind-pedagogical")),
                ("kind", PairKind.BUSINESS.value, t("pair-kind-business")),
            ),
        )
    await callback.answer()


@router.callback_query(PairForm.kind, Choice.filter(F.step == "kind"), OfCurrentForm())
async def pick_kind(
    callback: CallbackQuery,
    callback_data: Choice,
    state: FSMContext,
    db: Database,
    settings: Settings,
    clock: Clock,
    t: Translator,
) -> None:
    if not isinstance(callback.message, Message):
        return
    try:
        kind = PairKind(callback_data.value)
    except ValueError:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    data = await state.get_data()
    async with db.read() as tx:
        existing = await tx.pairs.active_of_kind(int(data["mentee_id"]), kind)
    if existing is not None:
        await callback.answer(as_sentence(t("pair-refused-mentee-has-kind")), show_alert=True)
        return
    await state.update_data(kind=kind.value)
    await state.set_state(PairForm.start)
    today = local_today(clock.now(), settings.tz)
    await callback.message.edit_text(
        t("pair-step-start"),
        reply_markup=_choice_markup(
            t,
            callback_data.form,
            ("start", today.isoformat(), t("pair-start-today", date=t.date(today))),
        ),
    )
    await callback.answer()


def _offered_end(start: date) -> tuple[date, str]:
    """The end the form offers and its label: a year on, or the last date the form accepts
    when a year on is past it."""
    return default_pair_end(start), "pair-end-latest" if default_end_is_cut(
        start
    ) else "pair-end-year"


async def _ask_end(message: Message, state: FSMContext, t: Translator, start: date) -> None:
    await state.update_data(start=start.isoformat())
    await state.set_state(PairForm.end)
    end, label = _offered_end(start)
    await message.answer(
        t("pair-step-end", start=t.date(start)),
        reply_markup=_choice_markup(
            t, await form_id(state), ("end", end.isoformat(), t(label, date=t.date(end)))
        ),
    )


async def _ask_order(message: Message, state: FSMContext, t: Translator, end: date) -> None:
    data = await state.get_data()
    if end < date.fromisoformat(data["start"]):
        await message.answer(as_sentence(t("pair-refused-end-before-start")))
        return
    await state.update_data(end=end.isoformat())
    await state.set_state(PairForm.order)
    await message.answer(
        t("pair-step-order"),
        reply_markup=_choice_markup(t, data[FORM_KEY], ("order", "", t("pair-no-order"))),
    )


async def _ask_confirm(
    message: Message, state: FSMContext, db: Database, t: Translator, order: str
) -> None:
    await state.update_data(order=order)
    await state.set_state(PairForm.confirm)
    data = await state.get_data()
    await message.answer(
        await _summary(db, t, data),
        reply_markup=_choice_markup(t, data[FORM_KEY], ("confirm", "yes", t("pair-create"))),
    )


@router.callback_query(PairForm.start, Choice.filter(F.step == "start"), OfCurrentForm())
@router.callback_query(PairForm.end, Choice.filter(F.step == "end"), OfCurrentForm())
async def pick_date(
    callback: CallbackQuery, callback_data: Choice, state: FSMContext, t: Translator
) -> None:
    if not isinstance(callback.message, Message):
        return
    chosen = parse_date(callback_data.value)
    if chosen is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    await callback.message.edit_reply_markup(reply_markup=None)
    await callback.answer()
    if callback_data.step == "start":
        await _ask_end(callback.message, state, t, chosen)
    else:
        await _ask_order(callback.message, state, t, chosen)


@router.message(PairForm.start, FreeText())
@router.message(PairForm.end, FreeText())
async def type_date(message: Message, state: FSMContext, t: Translator) -> None:
    chosen = parse_date(message.text or "")
    if chosen is None:
        await message.answer(t("date-invalid"))
        return
    if await state.get_state() == PairForm.start.state:
        await _ask_end(message, state, t, chosen)
    else:
        await _ask_order(message, state, t, chosen)


@router.message(PairForm.order, FreeText())
async def type_order(message: Message, state: FSMContext, db: Database, t: Translator) -> None:
    order = (message.text or "").strip()
    if len(order) > MAX_ORDER_LENGTH:
        await message.answer(t("too-long", limit=MAX_ORDER_LENGTH))
        return
    await _ask_confirm(message, state, db, t, order)


@router.callback_query(PairForm.order, Choice.filter(F.step == "order"), OfCurrentForm())
async def skip_order(
    callback: CallbackQuery, state: FSMContext, db: Database, t: Translator
) -> None:
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
        await _ask_confirm(callback.message, state, db, t, "")
    await callback.answer()


@router.callback_query(PairForm.confirm, Choice.filter(F.step == "confirm"), OfCurrentForm())
async def confirm_pair(
    callback: CallbackQuery,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
) -> None:
    if not isinstance(callback.message, Message):
        return
    data = await state.get_data()
    try:
        async with db.transaction() as tx:
            pair = await create_pair(
                tx,
                mentor_id=int(data["mentor_id"]),
                mentee_id=int(data["mentee_id"]),
                kind=PairKind(data["kind"]),
                start=date.fromisoformat(data["start"]),
                end=date.fromisoformat(data["end"]),
                order_ref=data.get("order") or None,
                now=clock.now(),
                max_mentees_per_mentor=settings.max_mentees_per_mentor,
                created_by=person.id,
                template=settings.template,
            )
    except PairError as exc:
        await state.clear()
        await callback.message.edit_text(
            t(
                "pair-not-created",
                reason=_refusal(t, exc, settings),
            )
        )
        await callback.answer()
        return
    await state.clear()
    sender.wake()
    await callback.message.edit_text(t("pair-created", pair=pair_line(t, pair)))
    await callback.answer(t("done"))


# --- /pairs: the active pairs and a pair's card ----------------------------------------------


async def _pairs_page(db: Database, t: Translator, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the active pairs; those whose plan awaits approval are marked and come first."""
    # Off the event loop: a page is sorted out of every active pair (~20 ms at 10 000).
    async with db.bulk_read() as tx:
        pairs, total, page = await fetch_page(
            lambda offset, limit: tx.pairs.list_active(offset=offset, limit=limit), page
        )
        awaiting = await tx.plans.awaiting_approval([pair.id for pair in pairs])
        awaiting_total = await tx.plans.awaiting_approval_count()
    builder = KeyboardBuilder()
    for pair in pairs:
        key = "pair-button-awaiting" if pair.id in awaiting else "pair-button"
        builder.row(
            InlineKeyboardButton(
                text=t.plain(key, mentee=pair.mentee_name, mentor=pair.mentor_name),
                callback_data=PairCard(pair_id=pair.id).pack(),
            )
        )
    pager(builder, t, page, total, lambda n: PairsList(page=n).pack())
    if not total:
        return t("pairs-none"), builder.as_markup()
    title = t("pairs-title", count=total)
    if awaiting_total:
        title = t("pairs-awaiting", count=awaiting_total) + "\n" + title
    return title, builder.as_markup()


@router.message(Command("pairs"))
@router.message(MenuButton("menu-pairs"))
async def list_pairs(message: Message, state: FSMContext, db: Database, t: Translator) -> None:
    await state.clear()
    text, markup = await _pairs_page(db, t, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(PairsList.filter())
async def pairs_page(
    callback: CallbackQuery, callback_data: PairsList, db: Database, t: Translator
) -> None:
    if isinstance(callback.message, Message):
        text, markup = await _pairs_page(db, t, callback_data.page)
        await callback.message.edit_text(text, reply_markup=markup)
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
        order=pair.order_ref or t("pair-no-order"),
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
            reason=_clip(old.close_reason or "—", HISTORY_REASON_CHARS),
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
        ]
    # The plan, read only, for a pair of any status: its own row.
    plan = PlanCb(action=ADMIN_VIEW, pair_id=pair.id).pack()
    rows.append([InlineKeyboardButton(text=t("plan-open-from-card"), callback_data=plan)])
    rows.append([journal_button(t, pair)])  # any pair, active or not: read-only
    rows.append([InlineKeyboardButton(text=t("button-back"), callback_data=PairsList().pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _load_active_pair(
    callback: CallbackQuery, db: Database, t: Translator, pair_id: int
) -> Pair | None:
    async with db.read() as tx:
        pair = await tx.pairs.get(pair_id)
    if pair is None or pair.status is not PairStatus.ACTIVE:
        await callback.answer(t("pair-not-active"), show_alert=True)
        return None
    return pair


# "open": from a reminder or the digest, the card comes as a new message and theirs stays.
@router.callback_query(PairCard.filter(F.action.in_({"show", "open"})))
async def show_pair(
    callback: CallbackQuery,
    callback_data: PairCard,
    state: FSMContext,
    db: Database,
    settings: Settings,
    clock: Clock,
    t: Translator,
) -> None:
    await state.clear()
    now = clock.now()
    async with db.read() as tx:
        pair = await tx.pairs.get(callback_data.pair_id)
        history = await tx.pairs.history(pair.mentee_id) if pair else []
        doing = await pair_overview(tx, pair, local_today(now, settings.tz), now) if pair else None
        awaiting = await tx.plans.awaiting_approval([pair.id]) if pair else set()
    if pair is None or doing is None or not isinstance(callback.message, Message):
        await callback.answer(t("stale-button"), show_alert=True)
        return
    same_kind = [p for p in history if p.kind is pair.kind]
    overview = overview_text(t, doing, settings.tz)
    text = _card_text(t, pair, same_kind, overview, plan_awaiting=bool(awaiting))
    if callback_data.action == "open":
        await callback.message.answer(text, reply_markup=_card_buttons(t, pair))
    else:
        await callback.message.edit_text(text, reply_markup=_card_buttons(t, pair))
    await callback.answer()


@router.callback_query(PairCard.filter(F.action == "reassign"))
async def start_reassign(
    callback: CallbackQuery,
    callback_data: PairCard,
    state: FSMContext,
    db: Database,
    settings: Settings,
    t: Translator,
) -> None:
    pair = await _load_active_pair(callback, db, t, callback_data.pair_id)
    if pair is None or not isinstance(callback.message, Message):
        return
    form = await start_form(state, ReassignForm.mentor, pair_id=pair.id)
    text, markup = await _people_page(db, t, settings, "newmentor", Role.MENTOR, 0, None, form)
    await callback.message.answer(
        t("pair-reassign-step-mentor", mentee=pair.mentee_name, mentor=pair.mentor_name)
        + "\n"
        + text,
        reply_markup=markup,
    )
    await callback.answer()


@router.message(ReassignForm.mentor, FreeText())
async def search_new_mentor(
    message: Message, state: FSMContext, db: Database, settings: Settings, t: Translator
) -> None:
    query = await remember_search(state, message.text)
    form = await form_id(state)
    text, markup = await _people_page(db, t, settings, "newmentor", Role.MENTOR, 0, query, form)
    await message.answer(text, reply_markup=markup)


@router.callback_query(
    ReassignForm.mentor, PersonPick.filter(F.purpose == "newmentor"), OfCurrentForm()
)
async def pick_new_mentor(
    callback: CallbackQuery,
    callback_data: PersonPick,
    state: FSMContext,
    db: Database,
    settings: Settings,
    t: Translator,
) -> None:
    if not isinstance(callback.message, Message):
        return
    if callback_data.person_id == 0:
        text, markup = await _people_page(
            db,
            t,
            settings,
            "newmentor",
            Role.MENTOR,
            callback_data.page,
            await last_search(state),
            callback_data.form,
        )
        await callback.message.edit_text(text, reply_markup=markup)
        await callback.answer()
        return
    async with db.read() as tx:
        mentor = await tx.people.get(callback_data.person_id)
    if mentor is None or not mentor.active or mentor.role is not Role.MENTOR:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    await state.update_data(new_mentor_id=mentor.id)
    await state.set_state(ReassignForm.reason)
    await callback.message.edit_text(
        t("pair-reassign-step-reason", mentor=mentor.full_name),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, callback_data.form)]]),
    )
    await callback.answer()


async def _reason(message: Message, t: Translator) -> str | None:
    """The typed reason, or None after telling the admin what is wrong with it."""
    reason = " ".join((message.text or "").split())
    if not reason:
        await message.answer(t("reason-empty"))
        return None
    if len(reason) > MAX_REASON_LENGTH:
        await message.answer(t("too-long", limit=MAX_REASON_LENGTH))
        return None
    return reason


@router.message(ReassignForm.reason, FreeText())
async def reassign_with_reason(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
) -> None:
    reason = await _reason(message, t)
    if reason is None:
        return
    data = await state.get_data()
    now = clock.now()
    try:
        async with db.transaction() as tx:
            pair = await reassign_mentor(
                tx,
                pair_id=int(data["pair_id"]),
                new_mentor_id=int(data["new_mentor_id"]),
                reason=reason,
                today=local_today(now, settings.tz),
                now=now,
                max_mentees_per_mentor=settings.max_mentees_per_mentor,
                tz=settings.tz,
                changed_by=person.id,
            )
    except PairError as exc:
        await message.answer(
            t(
                "pair-not-changed",
                reason=_refusal(t, exc, settings),
            )
        )
        await state.clear()
        return
    except LookupError:
        await message.answer(t("pair-not-active"))
        await state.clear()
        return
    await state.clear()
    sender.wake()
    await message.answer(t("pair-reassigned", pair=pair_line(t, pair)))


@router.callback_query(PairCard.filter(F.action == "end"))
async def start_end(
    callback: CallbackQuery, callback_data: PairCard, state: FSMContext, db: Database, t: Translator
) -> None:
    pair = await _load_active_pair(callback, db, t, callback_data.pair_id)
    if pair is None or not isinstance(callback.message, Message):
        return
    form = await start_form(state, EndForm.reason, pair_id=pair.id)
    await callback.message.answer(
        t("pair-end-step-reason", pair=pair_line(t, pair)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
    )
    await callback.answer()


@router.message(EndForm.reason, FreeText())
async def end_with_reason(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    t: Translator,
) -> None:
    reason = await _reason(message, t)
    if reason is None:
        return
    data = await state.get_data()
    await state.clear()
    try:
        async with db.transaction() as tx:
            pair = await close_pair(
                tx,
                pair_id=int(data["pair_id"]),
                status=PairStatus.ENDED,
                reason=reason,
                now=clock.now(),
                tz=settings.tz,
            )
    except LookupError:
        await message.answer(t("pair-not-active"))
        return
    sender.wake()
    await message.answer(t("pair-ended", pair=pair_line(t, pair)))


@router.callback_query(PairCard.filter(F.action == "complete"))
async def ask_complete(
    callback: CallbackQuery, callback_data: PairCard, db: Database, t: Translator
) -> None:
    pair = await _load_active_pair(callback, db, t, callback_data.pair_id)
    if pair is None or not isinstance(callback.message, Message):
        return
    yes = PairCard(pair_id=pair.id, action="confirm").pack()
    back = PairCard(pair_id=pair.id).pack()
    await callback.message.edit_text(
        t("pair-complete-confirm", pair=pair_line(t, pair)),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=t("pair-complete-yes"), callback_data=yes)],
                [InlineKeyboardButton(text=t("button-back"), callback_data=back)],
            ]
        ),
    )
    await callback.answer()


@router.callback_query(PairCard.filter(F.action == "confirm"))
async def complete(
    callback: CallbackQuery,
    callback_data: PairCard,
    db: Database,
    i18n: I18n,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    t: Translator,
) -> None:
    try:
        async with db.transaction() as tx:
            pair = await close_pair(
                tx,
                pair_id=callback_data.pair_id,
                status=PairStatus.COMPLETED,
                reason=None,
                now=clock.now(),
                tz=settings.tz,
            )
    except LookupError:
        await callback.answer(t("pair-not-active"), show_alert=True)
        return
    sender.wake()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(t("pair-completed", pair=pair_line(t, pair)))
    await callback.answer(t("done"))
