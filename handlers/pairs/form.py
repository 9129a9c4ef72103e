"""/pair: an admin forms a pair step by step (mentor, mentee, kind, start, end, order) and
confirms it; both people are told."""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain import fields
from bot.domain.fields import FieldError
from bot.domain.pairing import PairError, create_pair
from bot.domain.rules import default_end_is_cut, default_pair_end
from bot.i18n import Html, Translator, as_sentence
from handlers.filters import AdminOnly, FreeText, MenuButton, shown
from handlers.forms import Draft, OfCurrentForm, form_id, load_draft, save_draft, start_draft
from handlers.keyboards import Choice, PersonPick, cancel_button
from handlers.links import LINKS
from handlers.menu import pair_line
from handlers.pairs.common import PairForm, notices_sent, people_to_pick, refusal_text
from handlers.picker import last_search, remember_search
from storage.models import PairKind, Role

router = Router(name=__name__)
router.message.filter(AdminOnly())
router.callback_query.filter(AdminOnly())


class PairDraft(Draft):
    """A pair so far, as the director's order gives it; `query`: the search typed at the step
    of choosing a person (handlers/picker.py keeps it)."""

    mentor_id: int | None = None
    mentee_id: int | None = None
    kind: PairKind | None = None
    start: date | None = None
    end: date | None = None
    order: str | None = None
    query: str | None = None


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


async def _summary(ctx: Context, draft: PairDraft) -> str:
    t = ctx.t
    assert draft.kind and draft.start and draft.end
    async with ctx.db.read() as tx:
        mentor = await tx.people.get(draft.mentor_id or 0)
        mentee = await tx.people.get(draft.mentee_id or 0)
    return t(
        "pair-summary",
        mentor=mentor.full_name if mentor else "—",
        mentee=mentee.full_name if mentee else "—",
        kind=t(f"pair-kind-{draft.kind.value}"),
        start=t.date(draft.start),
        end=t.date(draft.end),
        order=draft.order or "—",
    )


# --- /pair: forming a pair -------------------------------------------------------------------


@router.message(Command("pair"))
@router.message(MenuButton("menu-new-pair"))
async def new_pair(message: Message, state: FSMContext, ctx: Context) -> None:
    draft = await start_draft(state, PairForm.mentor, PairDraft())
    text, markup = await people_to_pick(ctx, "mentor", Role.MENTOR, 0, None, draft.form)
    await message.answer(ctx.t("pair-step-mentor") + "\n" + text, reply_markup=markup)


@router.message(PairForm.mentor, FreeText())
@router.message(PairForm.mentee, FreeText())
async def search_pair_person(message: Message, state: FSMContext, ctx: Context) -> None:
    mentor_step = await state.get_state() == PairForm.mentor.state
    purpose, role = ("mentor", Role.MENTOR) if mentor_step else ("mentee", Role.MENTEE)
    query = await remember_search(state, message.text)
    form = await form_id(state)
    text, markup = await people_to_pick(ctx, purpose, role, 0, query, form)
    await message.answer(text, reply_markup=markup)


@router.callback_query(PairForm.mentor, PersonPick.filter(F.purpose == "mentor"), OfCurrentForm())
@router.callback_query(PairForm.mentee, PersonPick.filter(F.purpose == "mentee"), OfCurrentForm())
async def pick_pair_person(
    callback: CallbackQuery, callback_data: PersonPick, state: FSMContext, ctx: Context
) -> None:
    message, t, settings = shown(callback), ctx.t, ctx.settings
    role = Role.MENTOR if callback_data.purpose == "mentor" else Role.MENTEE
    form = callback_data.form
    if callback_data.person_id == 0:  # another page of the list
        text, markup = await people_to_pick(
            ctx, callback_data.purpose, role, callback_data.page, await last_search(state), form
        )
        await message.edit_text(text, reply_markup=markup)
        await callback.answer()
        return
    async with ctx.db.read() as tx:
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
        draft = await load_draft(state, PairDraft)
        await save_draft(state, draft.model_copy(update={"mentor_id": chosen.id, "query": None}))
        await state.set_state(PairForm.mentee)
        text, markup = await people_to_pick(ctx, "mentee", Role.MENTEE, 0, None, form)
        await message.edit_text(
            t("pair-chosen-mentor", name=chosen.full_name)
            + "\n"
            + t("pair-step-mentee")
            + "\n"
            + text,
            reply_markup=markup,
        )
    else:
        draft = await load_draft(state, PairDraft)
        await save_draft(state, draft.model_copy(update={"mentee_id": chosen.id}))
        await state.set_state(PairForm.kind)
        await message.edit_text(
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
    callback: CallbackQuery, callback_data: Choice, state: FSMContext, ctx: Context
) -> None:
    message, t = shown(callback), ctx.t
    try:
        kind = PairKind(callback_data.value)
    except ValueError:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    draft = await load_draft(state, PairDraft)
    async with ctx.db.read() as tx:
        existing = await tx.pairs.active_of_kind(draft.mentee_id or 0, kind)
    if existing is not None:
        await callback.answer(as_sentence(t("pair-refused-mentee-has-kind")), show_alert=True)
        return
    await save_draft(state, draft.model_copy(update={"kind": kind}))
    await state.set_state(PairForm.start)
    today = ctx.today()
    await message.edit_text(
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


async def _ask_end(message: Message, state: FSMContext, ctx: Context, start: date) -> None:
    t = ctx.t
    draft = await load_draft(state, PairDraft)
    await save_draft(state, draft.model_copy(update={"start": start}))
    await state.set_state(PairForm.end)
    end, label = _offered_end(start)
    await message.answer(
        t("pair-step-end", start=t.date(start)),
        reply_markup=_choice_markup(
            t, draft.form, ("end", end.isoformat(), t(label, date=t.date(end)))
        ),
    )


async def _ask_order(message: Message, state: FSMContext, ctx: Context, end: date) -> None:
    t = ctx.t
    draft = await load_draft(state, PairDraft)
    if draft.start is None or end < draft.start:
        await message.answer(as_sentence(t("pair-refused-end-before-start")))
        return
    await save_draft(state, draft.model_copy(update={"end": end}))
    await state.set_state(PairForm.order)
    await message.answer(
        t("pair-step-order"),
        reply_markup=_choice_markup(t, draft.form, ("order", "", t("pair-no-order"))),
    )


async def _ask_confirm(message: Message, state: FSMContext, ctx: Context, order: str) -> None:
    draft = (await load_draft(state, PairDraft)).model_copy(update={"order": order})
    await save_draft(state, draft)
    await state.set_state(PairForm.confirm)
    await message.answer(
        await _summary(ctx, draft),
        reply_markup=_choice_markup(ctx.t, draft.form, ("confirm", "yes", ctx.t("pair-create"))),
    )


@router.callback_query(PairForm.start, Choice.filter(F.step == "start"), OfCurrentForm())
@router.callback_query(PairForm.end, Choice.filter(F.step == "end"), OfCurrentForm())
async def pick_date(
    callback: CallbackQuery, callback_data: Choice, state: FSMContext, ctx: Context
) -> None:
    message = shown(callback)
    try:
        chosen = fields.a_date(callback_data.value)
    except FieldError:  # a button's date that is no date: forged
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return
    await message.edit_reply_markup(reply_markup=None)
    await callback.answer()
    if callback_data.step == "start":
        await _ask_end(message, state, ctx, chosen)
    else:
        await _ask_order(message, state, ctx, chosen)


@router.message(PairForm.start, FreeText())
@router.message(PairForm.end, FreeText())
async def type_date(message: Message, state: FSMContext, ctx: Context) -> None:
    try:
        chosen = fields.a_date(message.text)
    except FieldError as error:
        await message.answer(ctx.t(error.key, **error.values))
        return
    if await state.get_state() == PairForm.start.state:
        await _ask_end(message, state, ctx, chosen)
    else:
        await _ask_order(message, state, ctx, chosen)


@router.message(PairForm.order, FreeText())
async def type_order(message: Message, state: FSMContext, ctx: Context) -> None:
    try:
        order = fields.order_ref(message.text)
    except FieldError as error:
        await message.answer(ctx.t(error.key, **error.values))
        return
    await _ask_confirm(message, state, ctx, order)


@router.callback_query(PairForm.order, Choice.filter(F.step == "order"), OfCurrentForm())
async def skip_order(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    message = shown(callback)
    await message.edit_reply_markup(reply_markup=None)
    await _ask_confirm(message, state, ctx, "")
    await callback.answer()


@router.callback_query(PairForm.confirm, Choice.filter(F.step == "confirm"), OfCurrentForm())
async def confirm_pair(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    message, t, settings = shown(callback), ctx.t, ctx.settings
    draft = await load_draft(state, PairDraft)
    assert draft.mentor_id and draft.mentee_id and draft.kind and draft.start and draft.end
    try:
        async with ctx.db.transaction() as tx:
            pair = await create_pair(
                tx,
                mentor_id=draft.mentor_id,
                mentee_id=draft.mentee_id,
                kind=draft.kind,
                start=draft.start,
                end=draft.end,
                order_ref=draft.order or None,
                now=ctx.now(),
                max_mentees_per_mentor=settings.max_mentees_per_mentor,
                created_by=ctx.me.id,
                template=settings.template,
                links=LINKS,
            )
    except PairError as exc:
        await state.clear()
        await message.edit_text(t("pair-not-created", reason=refusal_text(ctx, exc)))
        await callback.answer()
        return
    await state.clear()
    ctx.told()
    notices = Html(notices_sent(ctx))
    await message.edit_text(t("pair-created", pair=pair_line(t, pair), notices=notices))
    await callback.answer(t("done"))
