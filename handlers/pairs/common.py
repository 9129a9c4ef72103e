"""What the pairs journeys share: the forms' states, picking a person, a refusal's text and
the active pair a card's press names."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot.context import Context
from bot.domain.pairing import PairError
from bot.i18n import Html
from handlers.forms import admins_only
from handlers.picker import people_page
from storage.models import Pair, PairStatus, Role


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


admins_only(PairForm, ReassignForm, EndForm)


async def people_to_pick(
    ctx: Context, purpose: str, role: Role, page: int, query: str | None, form: int
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of mentors (with their load) or mentees to pick from, optionally searched."""
    settings = ctx.settings
    return await people_page(
        ctx.db,
        ctx.t,
        purpose=purpose,
        page=page,
        query=query,
        empty_key=f"pair-no-{role.value}s",
        role=role,
        max_mentees=settings.max_mentees_per_mentor if role is Role.MENTOR else None,
        mark_mentored=role is Role.MENTEE,
        form=form,
    )


def notices_sent(ctx: Context) -> str:
    """What became of the notices just queued to a pair's people: sent, or when they will go
    (quiet hours hold them until the morning)."""
    until = ctx.quiet_until()
    if until is None:
        return ctx.t("pair-notices-sent")
    return ctx.t("pair-notices-morning", time=until.strftime("%H:%M"))


def refusal_text(ctx: Context, error: PairError) -> Html:
    return Html(ctx.t(error.refusal.value, max=ctx.settings.max_mentees_per_mentor))


async def load_active_pair(callback: CallbackQuery, ctx: Context, pair_id: int) -> Pair | None:
    async with ctx.db.read() as tx:
        pair = await tx.pairs.get(pair_id)
    if pair is None or pair.status is not PairStatus.ACTIVE:
        await callback.answer(ctx.t("pair-not-active"), show_alert=True)
        return None
    return pair


# "open": from a reminder or the digest, the card comes as a new message and theirs stays.
