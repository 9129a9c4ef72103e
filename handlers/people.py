"""/people (admin): the roster as a paged list with filters by role and department, and a
person's card to change their role or department, grant admin rights, send an invite link,
or deactivate someone who left (their history stays)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain import fields
from bot.domain.fields import FieldError
from bot.domain.rules import is_admin
from bot.domain.staff import (
    StaffRefusal,
    anonymise,
    change_role,
    is_anonymised,
    rename,
    set_active,
    set_admin_rights,
    set_department,
    set_gender,
)
from bot.i18n import Translator
from handlers.filters import AdminOnly, FreeText, MenuButton, shown
from handlers.forms import Draft, OfCurrentForm, admins_only, load_draft, start_draft
from handlers.invite import send_invite
from handlers.keyboards import (
    DepartmentPick,
    KeyboardBuilder,
    PeopleList,
    PersonCard,
    cancel_button,
    department_picker,
    fetch_page,
    find_department,
    pager,
)
from handlers.menu import refresh_commands, role_title, with_pair_lines
from storage.models import Role
from storage.names import Gender, gender_from_name

router = Router(name=__name__)
router.message.filter(AdminOnly())
router.callback_query.filter(AdminOnly())

ROLE_FILTERS = ("", Role.MENTOR.value, Role.MENTEE.value, Role.ADMIN.value)


class DepartmentForm(StatesGroup):
    name = State()


admins_only(DepartmentForm)


class DepartmentDraft(Draft):
    """Whose department is being set."""

    person_id: int


class NameForm(StatesGroup):
    name = State()


admins_only(NameForm)


class NameDraft(Draft):
    """Whose name is being corrected."""

    person_id: int


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


async def _list_view(ctx: Context, query: PeopleList) -> tuple[str, InlineKeyboardMarkup]:
    t = ctx.t
    async with ctx.db.read() as tx:
        departments = await tx.people.departments()
        department = find_department(departments, query.dept) if query.dept else None
        role = Role(query.role) if query.role in ROLE_FILTERS[1:] else None
        people, total, page = await fetch_page(
            lambda offset, limit: tx.people.page(
                role=role, department=department, active=None, offset=offset, limit=limit
            ),
            query.page,
        )
    dept = query.dept if department is not None else ""
    builder = KeyboardBuilder()
    builder.row(
        *(
            _button(
                ("• " if value == (role.value if role else "") else "")
                + t(f"people-filter-{value or 'all'}"),
                PeopleList(role=value, dept=dept).pack(),
            )
            for value in ROLE_FILTERS
        )
    )
    builder.row(
        _button(
            t.plain(
                "people-filter-department", department=department or t("people-all-departments")
            ),
            PeopleList(role=query.role, dept=dept, action="depts").pack(),
        )
    )
    for person in people:
        mark = "" if person.active else "🚫 "
        linked = "" if person.seen else " ⏳"
        builder.row(
            _button(
                f"{mark}{person.full_name} · {t(f'role-short-{person.role.value}')}{linked}",
                PersonCard(person_id=person.id).pack(),
            )
        )
    pager(
        builder,
        t,
        page,
        total,
        lambda n: PeopleList(role=query.role, dept=dept, page=n).pack(),
    )
    text = t("people-title", count=total) if total else t("people-none")
    return text + "\n" + t("people-legend"), builder.as_markup()


@router.message(Command("people"))
@router.message(MenuButton("menu-people"))
async def people_command(message: Message, state: FSMContext, ctx: Context) -> None:
    await state.clear()
    text, markup = await _list_view(ctx, PeopleList())
    await message.answer(text, reply_markup=markup)


@router.callback_query(PeopleList.filter(F.action == "list"))
async def people_page(callback: CallbackQuery, callback_data: PeopleList, ctx: Context) -> None:
    text, markup = await _list_view(ctx, callback_data)
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(PeopleList.filter(F.action == "depts"))
async def choose_department_filter(
    callback: CallbackQuery, callback_data: PeopleList, ctx: Context
) -> None:
    t = ctx.t
    async with ctx.db.read() as tx:
        departments = await tx.people.departments()
    role, current = callback_data.role, callback_data.dept
    markup = department_picker(
        t,
        departments,
        callback_data.page,
        lambda code: PeopleList(role=role, dept=code).pack(),
        lambda n: PeopleList(role=role, dept=current, page=n, action="depts").pack(),
        head=[_button(t("people-all-departments"), PeopleList(role=role).pack())],
    )
    await shown(callback).edit_text(t("people-choose-department"), reply_markup=markup)
    await callback.answer()


# --- a person's card -------------------------------------------------------------------------


async def _card(ctx: Context, person_id: int) -> tuple[str, InlineKeyboardMarkup] | None:
    """The card of a person as the admin acting (ctx.me) sees it."""
    t = ctx.t
    async with ctx.db.read() as tx:
        person = await tx.people.get(person_id)
        pairs = await tx.pairs.active_for_person(person_id) if person else []
    if person is None:
        return None
    if person.username:
        telegram = f"@{person.username}"
    elif person.telegram_id is not None:
        telegram = t("person-telegram-id", telegram_id=str(person.telegram_id))
    else:
        telegram = t("person-telegram-unknown")
    if not person.seen:
        telegram = t("person-not-seen", telegram=telegram, name=person.full_name)
    head = [
        t(
            "person-card",
            name=person.full_name,
            role=role_title(t, person, person.has_admin_rights or person.is_admin),
            department=person.department or "—",
            telegram=telegram,
            status=t("person-active")
            if person.active
            else t("person-inactive", name=person.full_name),
        )
    ]
    name_tells = gender_from_name(person.full_name) is not None
    if not name_tells:  # the texts need it and the name does not tell it: the admin does
        head.append(t("person-gender", gender=person.gender.value if person.gender else "none"))
    if person.consent_withdrawn_at is not None:
        withdrawn = t.date(person.consent_withdrawn_at.astimezone(ctx.tz).date())
        head.append(t("person-consent-withdrawn", date=withdrawn))
    if pairs:
        head.append(t("person-pairs"))
    text = with_pair_lines(t, "\n".join(head), pairs)

    def action(key: str, name: str, value: str = "") -> list[InlineKeyboardButton]:
        return [_button(t(key), PersonCard(person_id=person.id, action=name, value=value).pack())]

    rows = [action("person-change-role", "roles"), action("person-change-department", "dept")]
    rows.append(action("person-rename", "name"))
    if not name_tells:
        rows.append(
            [
                _button(t(key), PersonCard(person_id=person.id, action="gender", value=g).pack())
                for key, g in (("person-set-female", "f"), ("person-set-male", "m"))
                if person.gender is None or person.gender.value != g
            ]
        )
    if person.role is not Role.ADMIN:
        if person.is_admin:
            rows.append(action("person-revoke-admin", "admin", "0"))
        else:
            rows.append(action("person-grant-admin", "admin", "1"))
    if not person.seen and person.active:
        rows.append(action("person-invite", "invite"))
    if person.active:
        if person.id != ctx.me.id:
            rows.append(action("person-deactivate", "active", "0"))
    elif not is_anonymised(person):
        rows.append(action("person-reactivate", "active", "1"))
        rows.append(action("person-anonymise", "anon"))
    rows.append([_button(t("button-back"), PeopleList().pack())])
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def _show_card(
    callback: CallbackQuery, ctx: Context, person_id: int, note: str = "", *, new: bool = False
) -> None:
    """The card in place of the message pressed on, or (`new`) as a message of its own."""
    card = await _card(ctx, person_id)
    if card is None:
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return
    text, markup = card
    if new:
        await shown(callback).answer(text, reply_markup=markup)
    else:
        await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer(note)


# "open": from a notice (a withdrawn consent), the card comes as a new message and it stays.
@router.callback_query(PersonCard.filter(F.action.in_({"show", "open"})))
async def show_person(
    callback: CallbackQuery, callback_data: PersonCard, state: FSMContext, ctx: Context
) -> None:
    await state.clear()
    new = callback_data.action == "open"
    await _show_card(callback, ctx, callback_data.person_id, new=new)


@router.callback_query(PersonCard.filter(F.action == "roles"))
async def offer_roles(callback: CallbackQuery, callback_data: PersonCard, ctx: Context) -> None:
    t = ctx.t
    rows = [
        [
            _button(
                t(f"role-{role.value}"),
                PersonCard(
                    person_id=callback_data.person_id, action="role", value=role.value
                ).pack(),
            )
        ]
        for role in Role
    ]
    rows.append([_button(t("button-back"), PersonCard(person_id=callback_data.person_id).pack())])
    await shown(callback).edit_text(
        t("person-choose-role"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )
    await callback.answer()


@router.callback_query(PersonCard.filter(F.action.in_({"role", "admin", "active", "gender"})))
async def change_person(
    callback: CallbackQuery, callback_data: PersonCard, bot: Bot, ctx: Context
) -> None:
    """The card's one-tap changes: a new role, admin rights on/off, left/back, the gender."""
    target, value, now = callback_data.person_id, callback_data.value, ctx.now()
    db = ctx.db
    if callback_data.action == "gender":
        if value not in {gender.value for gender in Gender}:
            await callback.answer(ctx.t("stale-button"), show_alert=True)
            return
        refusal = await set_gender(db, target, Gender(value), now)
    elif callback_data.action == "role":
        if value not in {role.value for role in Role}:
            await callback.answer(ctx.t("stale-button"), show_alert=True)
            return
        refusal = await change_role(db, target, Role(value), ctx.me, now)
    elif callback_data.action == "admin":
        refusal = await set_admin_rights(db, target, value == "1", ctx.me, now)
    else:
        refusal = await set_active(db, target, value == "1", ctx.me, now)
    if refusal is not None:
        await callback.answer(ctx.t(refusal.value), show_alert=True)
        return
    await _show_card(callback, ctx, target, ctx.t("done"))
    async with db.read() as tx:
        changed = await tx.people.get(target)
    if changed is not None and changed.seen:
        # Their command menu follows the new role or rights at once, not at their next /start.
        rights = is_admin(changed, changed.telegram_id, ctx.settings.admin_ids)
        await refresh_commands(bot, db, ctx.i18n, changed, rights)


@router.callback_query(PersonCard.filter(F.action == "anon"))
async def anonymise_person(
    callback: CallbackQuery, callback_data: PersonCard, state: FSMContext, bot: Bot, ctx: Context
) -> None:
    """🕶 on the card of someone who left: a confirmation naming what goes, then the erasure."""
    target, t = callback_data.person_id, ctx.t
    if callback_data.value != "1":
        async with ctx.db.read() as tx:
            person = await tx.people.get(target)
        if person is None or is_anonymised(person):
            await callback.answer(t("stale-button"), show_alert=True)
            return
        if person.active:
            await callback.answer(t(StaffRefusal.STILL_ACTIVE.value), show_alert=True)
            return
        rows = [
            [
                _button(
                    t("person-anonymise-yes"),
                    PersonCard(person_id=target, action="anon", value="1").pack(),
                )
            ],
            [_button(t("button-back"), PersonCard(person_id=target).pack())],
        ]
        await shown(callback).edit_text(
            t("person-anonymise-question", name=person.full_name),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
        )
        await callback.answer()
        return
    async with ctx.db.read() as tx:
        before = await tx.people.get(target)
    refusal = await anonymise(ctx.db, target, ctx.me, ctx.now())
    if refusal is not None:
        await callback.answer(t(refusal.value), show_alert=True)
        return
    if before is not None and before.telegram_id is not None:
        # A form they had open in the bot is forgotten with the rest.
        key = StorageKey(
            bot_id=bot.id,
            chat_id=before.telegram_id,
            user_id=before.telegram_id,
        )
        await state.storage.set_state(key, None)
        await state.storage.set_data(key, {})
    await _show_card(callback, ctx, target, t("person-anonymised"))


@router.callback_query(PersonCard.filter(F.action == "invite"))
async def invite_from_card(
    callback: CallbackQuery, callback_data: PersonCard, bot: Bot, ctx: Context
) -> None:
    await send_invite(shown(callback), bot, ctx, callback_data.person_id)
    await callback.answer()


def _department_choice(
    t: Translator, departments: list[str], page: int, form: int
) -> InlineKeyboardMarkup:
    return department_picker(
        t,
        departments,
        page,
        lambda code: DepartmentPick(code=code, form=form).pack(),
        lambda n: DepartmentPick(page=n, form=form).pack(),
        tail=[cancel_button(t, form)],
    )


@router.callback_query(PersonCard.filter(F.action == "dept"))
async def ask_department(
    callback: CallbackQuery, callback_data: PersonCard, state: FSMContext, ctx: Context
) -> None:
    async with ctx.db.read() as tx:
        departments = await tx.people.departments()
    draft = DepartmentDraft(person_id=callback_data.person_id)
    form = (await start_draft(state, DepartmentForm.name, draft)).form
    await shown(callback).edit_text(
        ctx.t("person-ask-department"), reply_markup=_department_choice(ctx.t, departments, 0, form)
    )
    await callback.answer()


@router.callback_query(DepartmentForm.name, DepartmentPick.filter(), OfCurrentForm())
async def pick_department(
    callback: CallbackQuery, callback_data: DepartmentPick, state: FSMContext, ctx: Context
) -> None:
    t = ctx.t
    async with ctx.db.read() as tx:
        departments = await tx.people.departments()
    if not callback_data.code:  # another page of the list
        markup = _department_choice(t, departments, callback_data.page, callback_data.form)
        await shown(callback).edit_reply_markup(reply_markup=markup)
        await callback.answer()
        return
    department = find_department(departments, callback_data.code)
    if department is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    person_id = (await load_draft(state, DepartmentDraft)).person_id
    await state.clear()
    refusal = await set_department(ctx.db, person_id, department, ctx.now())
    if refusal is not None:
        await callback.answer(t(refusal.value), show_alert=True)
        return
    await _show_card(callback, ctx, person_id, t("done"))


@router.message(DepartmentForm.name, FreeText())
async def type_department(message: Message, state: FSMContext, ctx: Context) -> None:
    t = ctx.t
    try:
        name = fields.department(message.text)
    except FieldError as error:
        await message.answer(t(error.key, **error.values))
        return
    person_id = (await load_draft(state, DepartmentDraft)).person_id
    await state.clear()
    refusal = await set_department(ctx.db, person_id, name or None, ctx.now())
    await _typed_change_done(message, ctx, person_id, refusal)


async def _typed_change_done(
    message: Message, ctx: Context, person_id: int, refusal: StaffRefusal | None
) -> None:
    """After a change typed into a form: why it was refused, or the card as it is now."""
    if refusal is not None:
        await message.answer(ctx.t(refusal.value))
        return
    card = await _card(ctx, person_id)
    if card is not None:
        await message.answer(card[0], reply_markup=card[1])


@router.callback_query(PersonCard.filter(F.action == "name"))
async def ask_name(
    callback: CallbackQuery, callback_data: PersonCard, state: FSMContext, ctx: Context
) -> None:
    async with ctx.db.read() as tx:
        person = await tx.people.get(callback_data.person_id)
    if person is None:
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return
    form = (await start_draft(state, NameForm.name, NameDraft(person_id=person.id))).form
    await shown(callback).edit_text(
        ctx.t("person-ask-name", name=person.full_name),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(ctx.t, form)]]),
    )
    await callback.answer()


@router.message(NameForm.name, FreeText())
async def type_name(message: Message, state: FSMContext, ctx: Context) -> None:
    t = ctx.t
    try:
        name = fields.full_name(message.text)
    except FieldError as error:
        await message.answer(t(error.key, **error.values))
        return
    person_id = (await load_draft(state, NameDraft)).person_id
    await state.clear()
    refusal = await rename(ctx.db, person_id, name, ctx.now())
    await _typed_change_done(message, ctx, person_id, refusal)
