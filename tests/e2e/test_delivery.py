"""The outbox sender: a notice survives a flood wait and is sent once, also across a restart;
a person who blocked the bot is marked so, and unmarked when they come back."""

from __future__ import annotations

from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_SIDOROVA, MENTOR_IVANOVA, seed
from test_pairs import form_pair
from waiting import eventually


async def outbox(runner: BotRunner) -> dict[str, str]:
    async with runner.app.db.read() as tx:
        async with tx.conn.execute("SELECT key, status FROM outbox") as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}


def notices_to(user: TelegramUser, text: str) -> int:
    return sum(text in message["text"] for message in user.messages())


async def test_a_notice_is_retried_after_429_and_sent_once(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)
    fake_api.fail_next(
        "sendMessage", MENTOR_IVANOVA, 429, "Too Many Requests: retry after 1", retry_after=1
    )

    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)

    await mentor.wait_message("Вы назначены наставником")
    refused = [
        r
        for r in fake_api.calls("sendMessage")
        if not r.ok and r.params["chat_id"] == MENTOR_IVANOVA
    ]
    assert len(refused) == 1
    await bot_runner.restart()
    await bot_runner.settle()
    assert notices_to(mentor, "Вы назначены наставником") == 1
    assert set((await outbox(bot_runner)).values()) == {"sent"}


async def test_a_person_who_blocked_the_bot_is_marked_and_comes_back(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)
    fake_api.block(MENTEE_SIDOROVA)

    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    await mentor.wait_message("Вы назначены наставником")

    async def mentee_blocked() -> bool:
        async with bot_runner.app.db.read() as tx:
            person = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
        return person is not None and person.blocked

    await eventually(mentee_blocked, what="the mentee marked as having blocked the bot")
    assert sorted((await outbox(bot_runner)).values()) == ["failed", "sent"]

    fake_api.unblock(MENTEE_SIDOROVA)
    mentee.send("/start")
    await mentee.wait_message("Здравствуйте")
    assert not await mentee_blocked()
