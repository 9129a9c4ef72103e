"""/mydata, for everyone: what the bot stores about the person, as a short message and as a
JSON file with every row (their own data and that of the pairs they are a party to; of the
questionnaires only their own answers). Someone not in the programme sees their access request,
or that nothing is stored. Someone who accepted the consent text may withdraw it from here
(handlers/consent.py)."""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message

from bot.context import Context
from bot.domain.rules import has_consent
from bot.i18n import Translator
from handlers.consent import withdrawal_offer
from storage.models import from_db_time

router = Router(name=__name__)


@router.message(Command("mydata"))
async def my_data(message: Message, state: FSMContext, ctx: Context) -> None:
    await state.clear()
    user = message.from_user
    if user is None:
        return
    async with ctx.db.read() as tx:
        if ctx.person is not None:
            data = await tx.personal_data.of_person(ctx.person.id)
        else:
            data = {"access_request": await tx.personal_data.access_request(user.id)}
    if ctx.person is None and not data["access_request"]:
        await message.answer(ctx.t("mydata-nothing"))
        return
    if ctx.person is None:
        request = data["access_request"][0]
        await message.answer(ctx.t("mydata-request", name=request["display_name"]))
    else:
        person = data["person"][0]
        await message.answer(
            ctx.t(
                "mydata-summary",
                name=person["full_name"],
                role=ctx.t.plain(f"role-{person['role']}"),
                department=person["department"] or "—",
                username=f"@{person['username']}" if person["username"] else "—",
                telegram=person["telegram_id"] or "—",
                since=(person["created_at"] or "")[:10],
                pairs=len(data["pairs"]),
                milestones=len(data["plan"]),
                meetings=len(data["meetings"]),
                questions=len(data["questions"]),
                forms=len(data["questionnaires"]),
                off=len(data["reminders_off"]),
                messages=len(data["messages_queued"]),
                consent=_consent_state(ctx.t, person, has_consent(ctx.person), ctx.tz),
            ),
            reply_markup=withdrawal_offer(ctx.t) if has_consent(ctx.person) else None,
        )
    file = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    await message.answer_document(
        BufferedInputFile(file, filename="mydata.json"), caption=ctx.t("mydata-file")
    )


def _consent_state(t: Translator, person: dict[str, Any], accepted: bool, tz: tzinfo) -> str:
    """Accepted on a date, withdrawn on a date, or not given (the people row as stored)."""

    def local_date(moment: str) -> str:
        return t.date(from_db_time(moment).astimezone(tz).date())

    if person["consent_withdrawn_at"]:
        return t("mydata-consent-withdrawn", date=local_date(person["consent_withdrawn_at"]))
    if accepted and person["consent_at"]:
        return t("mydata-consent-accepted", date=local_date(person["consent_at"]))
    return t("mydata-consent-none")
