"""The scheduled digest is queued by catalog key and rendered when it is sent: queued at night
for an admin who switches to English before the morning, it arrives in English, its numbers
and buttons included; the outbox row keeps keys and numbers, no text. A digest queued as ready
text before (an old row) is still sent as it was queued."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import seed
from test_digest import MONDAY, _programme
from test_reminders import _app

from bot.domain.attention import Limits
from bot.domain.digest import build_digest, digest_page, firing_key
from bot.i18n import I18n
from bot.notices import JOINED
from bot.rendering import render, render_keyboard
from handlers.links import LINKS
from scheduler.clock import ManualClock
from scheduler.cron import crontab_trigger, previous_fire

NIGHT = MONDAY.replace(hour=22)  # quiet hours (21:00-08:00): the digest waits for the morning
MORNING = MONDAY + timedelta(days=1, hours=-1, seconds=30)  # Tuesday 08:00:30


@pytest.fixture
def bot_i18n(two_languages: I18n) -> I18n:
    return two_languages  # tests/conftest.py: a few digest texts in English


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(NIGHT)


@pytest.fixture
async def admin_ready(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> TelegramUser:
    app = _app(bot_runner)
    await seed(app)
    await start_everyone(admin)
    await _programme(app)
    return admin


async def _outbox_row(bot_runner: BotRunner, admin: TelegramUser) -> tuple[int, list[object]]:
    app = _app(bot_runner)
    async with app.db.read() as tx:
        person = await tx.people.by_telegram_id(admin.id)
        assert person is not None
        rows = await tx.conn.execute_fetchall(
            "SELECT key, status, text, markup, text_key, text_args, buttons FROM outbox"
            " WHERE subject = 'digest' AND upload_id IS NULL"
        )
    assert len(rows) == 1
    return person.id, list(rows[0])


async def test_a_digest_queued_at_night_follows_the_admins_switch_to_english(
    bot_runner: BotRunner, admin_ready: TelegramUser, bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    assert app.scheduler.digest is not None
    assert await app.scheduler.digest() == 2  # the digest and its chart

    person_id, (key, status, text, markup, text_key, text_args, buttons) = await _outbox_row(
        bot_runner, admin_ready
    )
    trigger = crontab_trigger(app.settings.digest_cron, app.settings.tz)
    fired = previous_fire(trigger, bot_clock.now())
    assert fired is not None
    assert key == f"remind:digest:{firing_key(fired, app.settings.tz)}:{person_id}"
    assert status == "pending" and text == "" and markup is None
    assert text_key == JOINED  # keys and numbers: no rendered text in the row
    for key_kept in ("digest-title", "digest-numbers", "digest-department", "hours-and-minutes"):
        assert key_kept in text_args
    for rendered in ("Сводка", "Всего", "активн", "1 час 30 минут", "<b>"):
        assert rendered not in text_args
    assert "digest-button-pair" in buttons and "Орлов" in buttons  # a name is data, not text

    async with app.db.transaction() as tx:
        await tx.people.update(person_id, bot_clock.now(), language="en")
    bot_clock.set(MORNING)
    app.sender.wake()

    digest = await admin_ready.wait_message("Mentoring digest", since=0)
    assert digest["text"].startswith("📊 Mentoring digest for 18.01.2027 — 25.01.2027\n")
    assert (
        "Total: 3 active pairs; 1 held (1 h 30 min); accepted 1, overdue 1; asked 2,"
        " unanswered 1; without meetings 2." in digest["text"]
    )
    assert (
        "1. Смирнов Алексей Николаевич — Орлов Илья Сергеевич: unanswered questions: 1"
        " · no meetings for 146 days" in digest["text"]
    )
    assert "ПЦК ИТ: 2 active pairs" in digest["text"]  # a key missing in English: Russian frame
    assert admin_ready.inline_buttons(digest) == [
        "#1 Орлов Илья Сергеевич",
        "#2 Сидорова Мария Ивановна",
        "#3 Зайцева Ксения Андреевна",
    ]
    assert not any("Сводка" in (m.get("text") or "") for m in admin_ready.messages())
    admin_ready.press("#2 Сидорова Мария Ивановна", digest)
    await admin_ready.wait_message("Сидорова Мария Ивановна")

    admin_ready.send("/digest")  # on demand: rendered now, in the admin's language
    shown = await admin_ready.wait_message("Need attention: 3")
    assert shown["message_id"] != digest["message_id"]
    assert "Total: 3 active pairs" in shown["text"]


async def test_a_digest_queued_as_ready_text_before_is_still_sent_as_queued(
    bot_runner: BotRunner, admin_ready: TelegramUser, bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    async with app.db.transaction() as tx:
        person = await tx.people.by_telegram_id(admin_ready.id)
        assert person is not None
        digest = await build_digest(tx, bot_clock.now(), app.settings.tz, Limits())
        text, buttons = digest_page(digest, app.settings.tz, 0, LINKS)
        t = app.i18n.get("ru")
        # A row as the digest was queued before it was kept by key: ready HTML and markup.
        assert await tx.outbox.add_ready_text(
            f"remind:digest:2027-W04:{person.id}",  # the key per week rows had then
            render(t, text),
            bot_clock.now(),
            person_id=person.id,
            markup=render_keyboard(t, buttons),
            subject="digest",
        )
        await tx.people.update(person.id, bot_clock.now(), language="en")
    bot_clock.set(MORNING)
    app.sender.wake()

    sent = await admin_ready.wait_message("Сводка по наставничеству", since=0)
    assert "Всего: 3 активные пары\n• проведено встреч: 1 (1 час 30 минут)" in sent["text"]
    assert admin_ready.inline_buttons(sent) == [
        "1. Орлов Илья Сергеевич",
        "2. Сидорова Мария Ивановна",
        "3. Зайцева Ксения Андреевна",
    ]
    _, row = await _outbox_row(bot_runner, admin_ready)
    assert row[1] == "sent" and row[4] is None
    assert json.loads(row[3])["inline_keyboard"][0][0]["text"] == "1. Орлов Илья Сергеевич"
