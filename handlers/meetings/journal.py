"""/journal (mentor and mentee): the held meetings of a pair in the college journal's columns,
with the pair's hours in total and per month; a mentor with several pairs chooses one."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.bounded import bounded_lines, clip
from bot.domain.meeting_rules import duration_text, local_day, minutes_per_month, total_minutes
from bot.i18n import Html, Translator
from bot.rendering import render
from handlers.filters import Member, MenuButton
from handlers.keyboards import KeyboardBuilder, PairCard, WhichPair, page_slice, pager
from handlers.pair_choice import chosen_pair, pair_choice, pairs_to_choose
from storage.db import Database
from storage.models import Meeting, Pair, Person, Role

router = Router(name=__name__)
router.message.filter(Member(Role.MENTOR, Role.MENTEE))
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))


def hours_text(t: Translator, minutes: int) -> str:
    """«2 часа 30 минут», «1 час», «45 минут» — with Russian plural forms from the catalog."""
    return render(t, duration_text(minutes), html=False)


JOURNAL_FIELD_CHARS = 300


class JournalPage(CallbackData, prefix="jr"):
    pair_id: int
    page: int = 0


async def journal_page(
    db: Database, t: Translator, settings: Settings, pair: Pair, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The pair's held meetings (the college journal's columns), hours in total and per
    month, one page of entries, bounded to one message."""
    async with db.read() as tx:
        held = await tx.meetings.held_of_pairs([pair.id])
    builder = KeyboardBuilder()
    text = _journal_text(
        t, settings, pair, held, page, builder, lambda n: JournalPage(pair_id=pair.id, page=n)
    )
    pages = builder.as_markup()
    return text, pages if pages.inline_keyboard else None


def _journal_text(
    t: Translator,
    settings: Settings,
    pair: Pair,
    held: list[Meeting],
    page: int,
    builder: KeyboardBuilder,
    page_data: Callable[[int], CallbackData],
    mentors: dict[int, str] | None = None,
) -> str:
    """The journal's text; its pager goes into `builder`. With `mentors` (pair id → mentor,
    a reassigned pair's chain) each entry names its mentor."""
    head = t(
        "journal-head",
        mentor=pair.mentor_name,
        mentee=pair.mentee_name,
        count=Html(t("meetings-count", count=len(held))),
        hours=hours_text(t, total_minutes(held)),
    )
    if not held:
        return head + "\n\n" + t("journal-empty")
    months = [
        t(
            "journal-month",
            month=t.plain(f"month-{month}"),
            year=str(year),
            hours=hours_text(t, minutes),
        )
        for (year, month), minutes in minutes_per_month(held, settings.tz).items()
    ]
    head = bounded_lines(months, lambda n: t("journal-more", count=n), head=head, budget=1500)
    shown, page = page_slice(held, page)
    entries = []
    for meeting in shown:
        entry = t(
            "journal-entry",
            date=t.date(local_day(meeting.starts_at, settings.tz)),
            format=t.plain(f"meet-format-{meeting.format.value}"),
            topic=clip(meeting.topic, JOURNAL_FIELD_CHARS),
            content=clip(meeting.content or "—", JOURNAL_FIELD_CHARS),
            result=clip(meeting.result or "—", JOURNAL_FIELD_CHARS),
            task=clip(meeting.task or "—", JOURNAL_FIELD_CHARS),
        )
        if mentors is not None:
            entry += "\n" + t("journal-entry-mentor", mentor=mentors.get(meeting.pair_id, "—"))
        entries.append(entry)
    text = bounded_lines(entries, lambda n: t("journal-more", count=n), head=head, sep="\n\n")
    pager(builder, t, page, len(held), lambda n: page_data(n).pack())
    return text


@router.message(Command("journal"))
@router.message(MenuButton("menu-journal"))
async def journal_command(
    message: Message, db: Database, settings: Settings, t: Translator, person: Person
) -> None:
    pairs = await pairs_to_choose(db, person)
    if not pairs:
        await message.answer(t("pair-choice-no-pair"))
        return
    if len(pairs) > 1:
        await message.answer(
            t("journal-choose-pair"), reply_markup=pair_choice(t, pairs, person, "journal")
        )
        return
    text, markup = await journal_page(db, t, settings, pairs[0], 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(WhichPair.filter(F.purpose == "journal"))
@router.callback_query(JournalPage.filter())
async def journal_pressed(
    callback: CallbackQuery,
    callback_data: WhichPair | JournalPage,
    db: Database,
    settings: Settings,
    t: Translator,
    person: Person,
) -> None:
    if not isinstance(callback.message, Message):
        return
    if isinstance(callback_data, WhichPair) and callback_data.pair_id == 0:
        pairs = await pairs_to_choose(db, person)
        choice = pair_choice(t, pairs, person, "journal", page=callback_data.page)
        await callback.message.edit_reply_markup(reply_markup=choice)
        await callback.answer()
        return
    pair = await chosen_pair(db, person, callback_data.pair_id)
    if pair is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    page = callback_data.page if isinstance(callback_data, JournalPage) else 0
    text, markup = await journal_page(db, t, settings, pair, page)
    await callback.answer()
    if isinstance(callback_data, WhichPair):
        await callback.message.answer(text, reply_markup=markup)
    else:
        await callback.message.edit_text(text, reply_markup=markup)


# --- an admin opens a pair's journal from its card (read-only) --------------------------------

admin_router = Router(name=f"{__name__}.admin")
CHAIN_LIMIT = 50  # reassignments followed back; a pair has a handful at most


class PairJournal(CallbackData, prefix="ja"):
    """The journal of a pair (and the pairs it continues), opened from the admin's card."""

    pair_id: int
    page: int = 0


async def admin_journal_page(
    db: Database, t: Translator, settings: Settings, pair: Pair, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The journal of the pair and of the pairs it continues (earlier mentors of a reassigned
    mentee), paged, with the way back to the pair's card."""
    async with db.read() as tx:
        chain = [pair]
        while chain[-1].previous_pair_id is not None and len(chain) < CHAIN_LIMIT:
            earlier = await tx.pairs.get(chain[-1].previous_pair_id)
            if earlier is None:
                break
            chain.append(earlier)
        held = await tx.meetings.held_of_pairs([p.id for p in chain])
    mentors = {p.id: p.mentor_name for p in chain} if len(chain) > 1 else None
    builder = KeyboardBuilder()
    text = _journal_text(
        t,
        settings,
        pair,
        held,
        page,
        builder,
        lambda n: PairJournal(pair_id=pair.id, page=n),
        mentors,
    )
    builder.row(
        InlineKeyboardButton(
            text=t("journal-back-to-card"), callback_data=PairCard(pair_id=pair.id).pack()
        )
    )
    return text, builder.as_markup()


def journal_button(t: Translator, pair: Pair) -> InlineKeyboardButton:
    """The «📒 Журнал» button on an admin's pair card."""
    return InlineKeyboardButton(
        text=t("pair-journal"), callback_data=PairJournal(pair_id=pair.id).pack()
    )


@admin_router.callback_query(PairJournal.filter())
async def admin_journal_pressed(
    callback: CallbackQuery,
    callback_data: PairJournal,
    db: Database,
    settings: Settings,
    t: Translator,
    is_admin: bool,
) -> None:
    if not is_admin:
        await callback.answer(t("admin-only"), show_alert=True)
        return
    async with db.read() as tx:
        pair = await tx.pairs.get(callback_data.pair_id)
    if pair is None or not isinstance(callback.message, Message):
        await callback.answer(t("stale-button"), show_alert=True)
        return
    text, markup = await admin_journal_page(db, t, settings, pair, callback_data.page)
    await callback.answer()
    await callback.message.edit_text(text, reply_markup=markup)
