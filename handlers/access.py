"""An admin decides an access request: approve with a role, approve as a roster person, decline.
The first admin's decision wins; every admin's copy of the request is updated."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.access import closing_text
from bot.domain.notify import About, is_copy
from bot.domain.onboarding import Decision, approve, decline
from bot.i18n import Translator
from bot.rendering import render
from handlers.filters import AdminOnly, FreeText, shown
from handlers.forms import Draft, OfCurrentForm, admins_only, form_id, load_draft, start_draft
from handlers.keyboards import AccessDecision, PersonPick
from handlers.picker import last_search, people_page, remember_search
from handlers.start import request_buttons, request_text
from storage.models import AccessRequest, RequestStatus, Role

log = logging.getLogger(__name__)
router = Router(name=__name__)
router.callback_query.filter(AdminOnly())
router.message.filter(AdminOnly())

LINK_PURPOSE = "link"


class LinkForm(StatesGroup):
    person = State()  # choosing the roster person the request belongs to


admins_only(LinkForm)


class LinkDraft(Draft):
    """The access request to link to a roster person, and the search typed to find them."""

    request_id: int
    query: str | None = None  # picker.QUERY_KEY: remember_search/last_search keep it


def _role_buttons(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    def button(text: str, action: str, value: str = "") -> InlineKeyboardButton:
        data = AccessDecision(request_id=request_id, action=action, value=value).pack()
        return InlineKeyboardButton(text=text, callback_data=data)

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(t("role-mentee"), "role", Role.MENTEE.value)],
            [button(t("role-mentor"), "role", Role.MENTOR.value)],
            # Admin rights are the keys to everyone's data: one more tap to confirm.
            [button(t("role-admin"), "admin")],
            [button(t("button-link-to-roster"), "list")],
            [button(t("button-back"), "back")],
        ]
    )


def _confirm_admin_buttons(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    def button(key: str, action: str, value: str = "") -> list[InlineKeyboardButton]:
        data = AccessDecision(request_id=request_id, action=action, value=value).pack()
        return [InlineKeyboardButton(text=t(key), callback_data=data)]

    return InlineKeyboardMarkup(
        inline_keyboard=[
            button("access-confirm-admin", "role", Role.ADMIN.value),
            button("button-back", "approve"),
        ]
    )


async def _load_pending(
    callback: CallbackQuery, ctx: Context, request_id: int, *, on_card: bool = True
) -> AccessRequest | None:
    """The request a press is about, while it is pending; else the press is refused, and the
    request's card it was on (`on_card`: not the list) says how the request ended."""
    async with ctx.db.read() as tx:
        request = await tx.requests.get(request_id)
    if request is None:
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return None
    if request.status is not RequestStatus.PENDING:
        await callback.answer(ctx.t("access-already-decided"), show_alert=True)
        if on_card:
            await _close_if_settled(shown(callback), ctx, request_id)
        return None
    return request


@router.callback_query(AccessDecision.filter(F.action == "show"))
async def show_request(
    callback: CallbackQuery, callback_data: AccessDecision, ctx: Context
) -> None:
    """A request from the list, as a message of its own with ✅ / ❌ (the list stays)."""
    request = await _load_pending(callback, ctx, callback_data.request_id, on_card=False)
    if request is None:
        return
    async with ctx.db.read() as tx:
        text = await request_text(tx, ctx.t, request)
    await shown(callback).answer(text, reply_markup=request_buttons(ctx.t, request.id))
    await callback.answer()


@router.callback_query(AccessDecision.filter(F.action.in_({"approve", "back"})))
async def ask_role(callback: CallbackQuery, callback_data: AccessDecision, ctx: Context) -> None:
    request = await _load_pending(callback, ctx, callback_data.request_id)
    if request is None:
        return
    message, t = shown(callback), ctx.t
    if callback_data.action == "back":
        async with ctx.db.read() as tx:
            text = await request_text(tx, t, request)
        await message.edit_text(text, reply_markup=request_buttons(t, request.id))
    else:
        await message.edit_text(
            t("access-choose-role", name=request.display_name),
            reply_markup=_role_buttons(t, request.id),
        )
    await _close_if_settled(message, ctx, request.id, redrawn=True)
    await callback.answer()


@router.callback_query(AccessDecision.filter(F.action == "admin"))
async def confirm_admin(
    callback: CallbackQuery, callback_data: AccessDecision, ctx: Context
) -> None:
    request = await _load_pending(callback, ctx, callback_data.request_id)
    if request is None:
        return
    message = shown(callback)
    await message.edit_text(
        ctx.t("access-confirm-admin-question", name=request.display_name),
        reply_markup=_confirm_admin_buttons(ctx.t, request.id),
    )
    await _close_if_settled(message, ctx, request.id, redrawn=True)
    await callback.answer()


async def _close_if_settled(
    message: Message, ctx: Context, request_id: int, *, redrawn: bool = False
) -> None:
    """Once the request is settled, the message pressed says how it ended and offers no
    decision. A copy the outbox sent is closed by the outbox (close_copies), unless this press
    has just `redrawn` it with buttons: another admin may have decided meanwhile and the
    closing edit landed first. A card opened from the list is the handlers' own to close."""
    async with ctx.db.read() as tx:
        request = await tx.requests.get(request_id)
        if request is None or request.status is RequestStatus.PENDING:
            return
        chat_id, message_id = message.chat.id, message.message_id
        if not redrawn and await is_copy(tx, About.ACCESS_REQUEST, request_id, chat_id, message_id):
            return
        text = await closing_text(tx, request)
    await message.edit_text(render(ctx.t, text))


@router.callback_query(AccessDecision.filter(F.action == "role"))
async def approve_with_role(
    callback: CallbackQuery, callback_data: AccessDecision, ctx: Context
) -> None:
    try:
        role = Role(callback_data.value)
    except ValueError:
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return
    decision = await approve(ctx.db, callback_data.request_id, ctx.me, ctx.now(), role=role)
    await _after_decision(callback, ctx, decision)
    await _close_if_settled(shown(callback), ctx, callback_data.request_id)


@router.callback_query(AccessDecision.filter(F.action == "decline"))
async def decline_request(
    callback: CallbackQuery, callback_data: AccessDecision, ctx: Context
) -> None:
    decision = await decline(ctx.db, callback_data.request_id, ctx.me, ctx.now())
    await _after_decision(callback, ctx, decision)
    await _close_if_settled(shown(callback), ctx, callback_data.request_id)


@router.callback_query(AccessDecision.filter(F.action == "list"))
async def choose_roster_person(
    callback: CallbackQuery, callback_data: AccessDecision, state: FSMContext, ctx: Context
) -> None:
    request = await _load_pending(callback, ctx, callback_data.request_id)
    if request is None:
        return
    message = shown(callback)
    draft = await start_draft(state, LinkForm.person, LinkDraft(request_id=request.id))
    text, markup = await _unseen_page(ctx, 0, None, draft.form)
    await message.answer(
        ctx.t("access-choose-person", name=request.display_name) + "\n" + text,
        reply_markup=markup,
    )
    await callback.answer()


async def _unseen_page(
    ctx: Context, page: int, query: str | None, form: int
) -> tuple[str, InlineKeyboardMarkup]:
    return await people_page(
        ctx.db,
        ctx.t,
        purpose=LINK_PURPOSE,
        page=page,
        query=query,
        empty_key="access-no-unlinked",
        unseen=True,
        form=form,
    )


@router.message(LinkForm.person, FreeText())
async def search_roster_person(message: Message, state: FSMContext, ctx: Context) -> None:
    query = await remember_search(state, message.text)
    text, markup = await _unseen_page(ctx, 0, query, await form_id(state))
    await message.answer(text, reply_markup=markup)


@router.callback_query(
    LinkForm.person, PersonPick.filter(F.purpose == LINK_PURPOSE), OfCurrentForm()
)
async def link_to_roster_person(
    callback: CallbackQuery,
    callback_data: PersonPick,
    state: FSMContext,
    ctx: Context,
) -> None:
    message = shown(callback)
    if callback_data.person_id == 0:
        query = await last_search(state)
        text, markup = await _unseen_page(ctx, callback_data.page, query, callback_data.form)
        await message.edit_text(text, reply_markup=markup)
        await callback.answer()
        return
    request_id = (await load_draft(state, LinkDraft)).request_id
    decision = await approve(ctx.db, request_id, ctx.me, ctx.now(), link_to=callback_data.person_id)
    if decision is not None and decision.error is None:
        await state.clear()
    await _after_decision(callback, ctx, decision)


async def _after_decision(callback: CallbackQuery, ctx: Context, decision: Decision | None) -> None:
    """The decision is saved, and the requester's answer and the closing of every admin's copy
    are queued with it: from here on only this admin's own screen is at stake."""
    t = ctx.t
    if decision is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    ctx.told()  # a refusal may have settled the request too (its account got in meanwhile)
    if decision.error is not None:
        await callback.answer(t(decision.error.value), show_alert=True)
        return
    # Their command menu comes with the greeting of the /start where they accept the consent
    # text (handlers/consent.py): until then the bot-wide one is theirs.
    await callback.answer(t("done"))
