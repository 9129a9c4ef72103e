"""Everything that falls due for one person at the same moment arrives as one message with its
buttons (two deadlines tomorrow and an overdue milestone at 09:00), not one message each; the
buttons open what they name as a new message, so the rest of the message stays."""

from __future__ import annotations

import pytest
import test_reminders
from conftest import BotRunner
from people import TelegramUser
from test_reminders import NOW, _app, _at, _count, _with

from scheduler.clock import ManualClock

people = test_reminders.people  # two pairs, everyone has opened the bot


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(NOW)


async def test_a_mornings_reminders_come_as_one_message_with_every_button(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    mentee, mentor = people["mentee"], people["mentor"]
    app = _app(bot_runner)
    async with app.db.transaction() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT m.id, m.title FROM milestones m JOIN plans p ON p.id = m.plan_id"
            " JOIN pairs a ON a.id = p.pair_id JOIN people e ON e.id = a.mentee_id"
            " WHERE e.telegram_id = ? ORDER BY m.id LIMIT 3",
            (mentee.id,),
        )
        (first, _), (second, _), (late, late_title) = list(rows)
        for milestone, due in ((first, "2027-01-22"), (second, "2027-01-22"), (late, "2027-01-20")):
            await tx.conn.execute(
                "UPDATE milestones SET due_date = ? WHERE id = ?", (due, milestone)
            )

    await _at(bot_runner, bot_clock, 2027, 1, 21, 8, 59)
    assert _count(mentee, "Завтра, 22.01.2027") == 0
    await _at(bot_runner, bot_clock, 2027, 1, 21, 9, 0, 30)

    morning = _with(mentee, "просрочен")
    assert _count(mentee, "Завтра, 22.01.2027") == 1  # both deadlines in that one message
    assert morning["text"].count("Завтра, 22.01.2027") == 2
    parts = morning["text"].split("\n\n")
    assert [part.split(" ")[0] for part in parts] == ["1️⃣", "2️⃣", "3️⃣"]
    assert mentee.inline_buttons(morning) == [
        "1️⃣ 📋 Открыть этап",
        "2️⃣ 📋 Открыть этап",
        "3️⃣ 📋 Открыть этап",
    ]
    # The mentor has one thing that morning: a message of its own, unmarked.
    alone = _with(mentor, "просрочен")
    assert not alone["text"].startswith("1️⃣")
    assert mentor.inline_buttons(alone) == ["📋 Открыть этап"]

    # A button opens its milestone below; the morning's message keeps all it said.
    third = next(n for n, part in enumerate(parts) if "просрочен" in part)
    mentee.press(mentee.inline_buttons(morning)[third], morning)
    card = await mentee.wait_message(late_title)
    assert card["message_id"] != morning["message_id"]
    (kept,) = [m for m in mentee.messages() if m["message_id"] == morning["message_id"]]
    assert kept["text"] == morning["text"]
    assert mentee.inline_buttons(kept) == mentee.inline_buttons(morning)
