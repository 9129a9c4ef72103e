"""/invite (admin): a personal single-use deep link for a roster person not yet in the bot."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.deep_linking import create_start_link

from bot.config import Settings
from bot.domain.onboarding import create_invite
from bot.i18n import Translator
from handlers.filters import AdminOnly, FreeText, MenuButton
from handlers.forms import OfCurrentForm, form_id, start_form
from handlers.keyboards import PersonPick
from handlers.picker import last_search, people_page, remember_search
from scheduler.clock import Clock
from storage.db import Database
from storage.models import Person

router = Router(name=__name__)
router.message.filter(AdminOnly())
router.callback_query.filter(AdminOnly())

PURPOSE = "invite"


class InviteForm(StatesGroup):
    person = State()


async def _unseen(
    db: Database, t: Translator, page: int, query: str | None, form: int
) -> tuple[str, InlineKeyboardMarkup]:
    return await people_page(
        db,
        t,
        purpose=PURPOSE,
        page=page,
        query=query,
        empty_key="invite-everyone-linked",
        unseen=True,
        form=form,
    )


async def send_invite(
    message: Message,
    bot: Bot,
    db: Database,
    settings: Settings,
    clock: Clock,
    admin: Person,
    t: Translator,
    person_id: int,
) -> bool:
    """Make a link for the person and show it to the admin; False if none can be made."""
    created = await create_invite(db, person_id, admin.id, clock.now(), settings.invite_ttl_days)
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
async def invite_command(message: Message, state: FSMContext, db: Database, t: Translator) -> None:
    form = await start_form(state, InviteForm.person)
    text, markup = await _unseen(db, t, 0, None, form)
    await message.answer(t("invite-choose") + "\n" + text, reply_markup=markup)


@router.message(InviteForm.person, FreeText())
async def search_person(message: Message, state: FSMContext, db: Database, t: Translator) -> None:
    query = await remember_search(state, message.text)
    text, markup = await _unseen(db, t, 0, query, await form_id(state))
    await message.answer(text, reply_markup=markup)


@router.callback_query(InviteForm.person, PersonPick.filter(F.purpose == PURPOSE), OfCurrentForm())
async def pick_person(
    callback: CallbackQuery,
    callback_data: PersonPick,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    clock: Clock,
    person: Person,
    t: Translator,
) -> None:
    if not isinstance(callback.message, Message):
        return
    if callback_data.person_id == 0:
        query = await last_search(state)
        text, markup = await _unseen(db, t, callback_data.page, query, callback_data.form)
        await callback.message.edit_text(text, reply_markup=markup)
    else:
        if await send_invite(
            callback.message, bot, db, settings, clock, person, t, callback_data.person_id
        ):
            await state.clear()
    await callback.answer()
