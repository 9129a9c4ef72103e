"""my_chat_member: Telegram says a person blocked the bot or unblocked it."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated

from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database

log = logging.getLogger(__name__)
router = Router(name=__name__)

# In a private chat the bot is "kicked" once the person blocks it, a "member" once they unblock
# it (or start it for the first time).
_BLOCKED = {ChatMemberStatus.KICKED}
_UNBLOCKED = {ChatMemberStatus.MEMBER}


@router.my_chat_member(F.chat.type == ChatType.PRIVATE)
async def blocked_or_unblocked(
    event: ChatMemberUpdated, db: Database, clock: Clock, sender: OutboxSender
) -> None:
    status = event.new_chat_member.status
    if status not in _BLOCKED | _UNBLOCKED:
        return
    # Only the person's own chat says so: the update's author is the person themself.
    async with db.transaction() as tx:
        person = await tx.people.by_telegram_id(event.chat.id)
        if person is None:
            return  # a stranger: nothing is pushed to them anyway
        if status in _BLOCKED:
            await tx.people.mark_blocked(person.id, clock.now())
            changed = True
        else:
            changed = await tx.people.mark_unblocked(person.id)
    if changed:
        log.info(
            "person %s %s the bot",
            person.id,
            "blocked" if status in _BLOCKED else "unblocked",
        )
    if status in _UNBLOCKED:
        sender.wake()  # what was queued since, and not yet skipped, may go now
