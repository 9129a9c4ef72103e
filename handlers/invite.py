"""/invite (admin): a personal single-use deep link for a roster person not yet in the bot."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.deep_linking import create_start_link

from bot.context import Context
from bot.domain.onboarding import create_invite
from handlers.filters import AdminOnly, FreeText, MenuButton, shown
from handlers.forms import Draft, OfCurrentForm, admins_only, form_id, start_draft
from handlers.keyboards import PersonPick
from handlers.picker import last_search, people_page, remember_search

router = Router(name=__name__)
router.message.filter(AdminOnly())
router.callback_query.filter(AdminOnly())

PURPOSE = "invite"


class InviteForm(StatesGroup):
    person = State()


admins_only(InviteForm)


class InviteDraft(Draft):
    """The search typed to find whom to invite."""

    query: str | None = None  # picker.QUERY_KEY: remember_search/last_search keep it


async def _unseen(
    ctx: Context, page: int, query: str | None, form: int
) -> tuple[str, InlineKeyboardMarkup]:
    return await people_page(
        ctx.db,
        ctx.t,
        purpose=PURPOSE,
        page=page,
        query=query,
        empty_key="invite-everyone-linked",
        unseen=True,
        form=form,
    )


async def send_invite(message: Message, bot: Bot, ctx: Context, person_id: int) -> bool:
    """Make a link for the person and show it to the admin acting (ctx.me); False if none can
    be made."""
    db, settings, t = ctx.db, ctx.settings, ctx.t
    created = await create_invite(db, person_id, ctx.me.id, ctx.now(), settings.invite_ttl_days)
    async with db.read() as tx:
        person = await tx.people.get(person_id)
    if created is None or person is None:
        await message.answer(t("invite-impossible"))
        return False
    token, expires = created
    link = await create_start_link(bot, token)
    await message.answer(
        t(
            "invite-link",
            name=person.full_name,
            link=link,
            expires=t.date(expires.astimezone(settings.tz).date()),
        )
    )
    return True


@router.message(Command("invite"))
@router.message(MenuButton("menu-invite"))
async def invite_command(message: Message, state: FSMContext, ctx: Context) -> None:
    draft = await start_draft(state, InviteForm.person, InviteDraft())
    text, markup = await _unseen(ctx, 0, None, draft.form)
    await message.answer(ctx.t("invite-choose") + "\n" + text, reply_markup=markup)


@router.message(InviteForm.person, FreeText())
async def search_person(message: Message, state: FSMContext, ctx: Context) -> None:
    query = await remember_search(state, message.text)
    text, markup = await _unseen(ctx, 0, query, await form_id(state))
    await message.answer(text, reply_markup=markup)


@router.callback_query(InviteForm.person, PersonPick.filter(F.purpose == PURPOSE), OfCurrentForm())
async def pick_person(
    callback: CallbackQuery,
    callback_data: PersonPick,
    state: FSMContext,
    bot: Bot,
    ctx: Context,
) -> None:
    message = shown(callback)
    if callback_data.person_id == 0:
        query = await last_search(state)
        text, markup = await _unseen(ctx, callback_data.page, query, callback_data.form)
        await message.edit_text(text, reply_markup=markup)
    else:
        if await send_invite(message, bot, ctx, callback_data.person_id):
            await state.clear()
    await callback.answer()
