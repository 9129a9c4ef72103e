"""/start (greeting, invite links, access requests), /help and «my pairs»."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.access import request_notice, share_request, share_waiting_with
from bot.domain.onboarding import StartOutcome, TelegramAccount, display_name, recognise
from bot.domain.rules import CONSENT_VERSION, needs_consent
from bot.i18n import Html, Translator
from bot.notices import Button, Text
from bot.rendering import render
from handlers.filters import Member, MenuButton
from handlers.guide import guide_buttons
from handlers.keyboards import AccessDecision, ConsentCb, main_menu
from handlers.links import LINKS
from handlers.menu import ChatMenus, commands_for, role_title, with_pair_lines
from storage.models import AccessRequest, Person, Role
from storage.repos import Repos

router = Router(name=__name__)


@router.message(CommandStart())
async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    menus: ChatMenus,
    raw_state: str | None,
    ctx: Context,
) -> None:
    if raw_state is not None:
        await state.clear()  # /start leaves any form
    user = message.from_user
    assert user is not None
    account = TelegramAccount(user.id, user.username, display_name(user.first_name, user.last_name))
    now = ctx.now()

    async def share(tx: Repos, request: AccessRequest) -> int:
        return await share_request(tx, request, now, decision_buttons, LINKS)

    person = ctx.person
    result = await recognise(
        ctx.db, account, payload=command.args, now=now, known=person, share_request=share
    )
    outcome = result.outcome
    if result.person is not None and outcome is not StartOutcome.DEACTIVATED:
        known = result.person
        t = ctx.i18n.get(known.language)
        if needs_consent(known):
            # Linked to show them what is stored and why; nothing else until they accept.
            await ask_consent(message, t)
            ctx.told()  # a request they had sent is settled: the admins' copies say so
            return
        if outcome is StartOutcome.INVITE_FOR_SOMEONE_ELSE:
            await message.answer(t("start-invite-for-someone-else"))
        rights = ctx.is_admin or known.has_admin_rights
        await greet(message, ctx, menus, known, rights, now)
        if outcome is not StartOutcome.KNOWN or person is None or not person.seen:
            # A request they had sent is settled: the admins' copies say so; and what was held
            # for them until they opened the bot goes now.
            ctx.told()
        return
    if outcome in (StartOutcome.REQUEST_NEW, StartOutcome.REQUEST_PENDING):
        ctx.told()  # the request's copies for the admins were queued with it
    await message.answer(ctx.t(f"start-{outcome.value}"))


async def greet(
    message: Message,
    ctx: Context,
    menus: ChatMenus,
    person: Person,
    is_admin: bool,
    now: datetime,
) -> None:
    """The greeting of a person known to the programme, in their language and with the rights
    they have now (which may differ from the update's, before they were recognised)."""
    t = ctx.i18n.get(person.language)
    async with ctx.db.read() as tx:
        pairs = await tx.pairs.active_for_person(person.id)
    head = [t("start-greeting", name=person.full_name, role=role_title(t, person, is_admin))]
    tail = [t("start-admin-hint")] if is_admin else []
    tail.append(t("start-help-hint"))
    text = "\n".join(head + tail)
    if person.role in (Role.MENTOR, Role.MENTEE):
        if pairs:
            head.append(t(f"start-your-pairs-{person.role.value}"))
            text = with_pair_lines(t, "\n".join(head), pairs, person, tail="\n".join(tail))
        else:
            text = "\n".join([*head, t(f"start-no-pairs-{person.role.value}"), *tail])
    await message.answer(text, reply_markup=main_menu(t, person, is_admin))
    menus.request(person, is_admin)
    if is_admin:
        # Requests that came while they had not opened the bot, or that could not reach them.
        async with ctx.db.transaction() as tx:
            queued = await share_waiting_with(tx, person, now, decision_buttons, LINKS)
        if queued:
            ctx.told()


def consent_message(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The consent text (what is stored, why, who sees it) with ✅ / ❌ (handlers/consent.py)."""

    def button(key: str, act: str) -> InlineKeyboardButton:
        data = ConsentCb(act=act, version=CONSENT_VERSION).pack()
        return InlineKeyboardButton(text=t(key), callback_data=data)

    markup = InlineKeyboardMarkup(
        inline_keyboard=[[button("consent-yes", "yes")], [button("consent-no", "no")]]
    )
    return t("consent-text", version=CONSENT_VERSION), markup


async def ask_consent(message: Message, t: Translator) -> None:
    text, markup = consent_message(t)
    await message.answer(text, reply_markup=markup)


def decision_buttons(request: AccessRequest) -> list[list[Button]]:
    """✅ / ❌ on every admin's copy of a request."""

    def button(key: str, action: str) -> Button:
        return Button(Text(key), data=AccessDecision(request_id=request.id, action=action).pack())

    return [[button("button-approve", "approve"), button("button-decline", "decline")]]


async def request_text(tx: Repos, t: Translator, request: AccessRequest) -> str:
    """The request as admins see it (the copy queued for each admin says the same)."""
    return render(t, await request_notice(tx, request))


def request_buttons(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    def button(key: str, action: str) -> InlineKeyboardButton:
        data = AccessDecision(request_id=request_id, action=action).pack()
        return InlineKeyboardButton(text=t(key), callback_data=data)

    return InlineKeyboardMarkup(
        inline_keyboard=[[button("button-approve", "approve"), button("button-decline", "decline")]]
    )


@router.message(Command("help"))
@router.message(MenuButton("menu-help"))
async def help_command(message: Message, ctx: Context) -> None:
    t = ctx.t
    if ctx.person is None and not ctx.is_admin:
        await message.answer(t("help-stranger"))
        return
    if needs_consent(ctx.person):
        await ask_consent(message, t)  # what they need to know first
        return
    names = commands_for(ctx.person, ctx.is_admin)
    lines = [t("help-title")]
    lines.extend(Html(f"/{name} — ") + t(f"command-{name}") for name in names)
    role = ctx.person.role if ctx.person is not None else None
    guides = guide_buttons(t, role, ctx.is_admin)
    if guides:
        lines.append(t("help-guide"))
    # The menu keyboard stays from /start; the buttons open the reader's own guide.
    markup = InlineKeyboardMarkup(inline_keyboard=[[button] for button in guides])
    await message.answer("\n".join(lines), reply_markup=markup if guides else None)


@router.message(MenuButton("menu-my-pairs"), Member(Role.MENTOR, Role.MENTEE))
async def my_pairs(message: Message, ctx: Context) -> None:
    me, t = ctx.me, ctx.t
    async with ctx.db.read() as tx:
        pairs = await tx.pairs.active_for_person(me.id)
    if not pairs:
        await message.answer(t(f"start-no-pairs-{me.role.value}"))
        return
    await message.answer(with_pair_lines(t, t(f"start-your-pairs-{me.role.value}"), pairs, me))
