"""/stats through the real app on the digest's seeded programme, with a pair ended early, a
completed one, lesson visits both ways, an open lesson and an answered question: the right
figures overall and per department, the same as the digest's for the same week, one
department on its own, the chart as a PNG photo; bad arguments answered; refused to mentors
and mentees."""

from __future__ import annotations

from datetime import timedelta

import pytest
import test_digest
from conftest import BotRunner
from people import TelegramUser
from test_reminders import _app

from scheduler.clock import ManualClock
from storage.models import to_db_time

# /stats and the files are made in a child process: starting it on a busy machine takes a while.
CHILD = 30.0

people = test_digest.people


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(test_digest.MONDAY - timedelta(hours=1))


async def _more(bot_runner: BotRunner) -> None:
    """Смирнов–Зайцева ended early in November, Белов–Орлов completed in December (both
    business); Белов–Зайцева: the mentor at her lesson, she at his, and an open lesson; one of
    Орлов's questions answered in 2 hours, the other still open."""
    app = _app(bot_runner)
    now = app.clock.now()
    async with app.db.transaction() as tx:
        ids = {
            row[0]: row[1]
            for row in await tx.conn.execute_fetchall("SELECT full_name, id FROM people")
        }
        for mentor, mentee, status, closed in (
            ("Смирнов Алексей Николаевич", "Зайцева Ксения Андреевна", "ended", "2026-11-02"),
            ("Белов Дмитрий Игоревич", "Орлов Илья Сергеевич", "completed", "2026-12-20"),
        ):
            await tx.conn.execute(
                "INSERT INTO pairs (mentor_id, mentee_id, kind, start_date, end_date, status,"
                " closed_at, created_at) VALUES (?, ?, 'business', '2026-09-01', '2026-12-31',"
                " ?, ?, '2026-09-01T03:00:00+00:00')",
                (ids[mentor], ids[mentee], status, f"{closed}T05:00:00+00:00"),
            )
        third = (
            await tx.conn.execute_fetchall(
                "SELECT id FROM pairs WHERE mentee_id = ? AND status = 'active'",
                (ids["Зайцева Ксения Андреевна"],),
            )
        )[0][0]
        for days, fmt in ((30, "mentor_visit"), (31, "mentee_visit"), (32, "open_lesson")):
            await tx.conn.execute(
                "INSERT INTO meetings (pair_id, proposed_by, starts_at, duration_min, format,"
                " topic, status, created_at, updated_at)"
                " VALUES (?, ?, ?, 45, ?, 'Урок', 'held', ?, ?)",
                (
                    third,
                    ids["Белов Дмитрий Игоревич"],
                    to_db_time(now - timedelta(days=days)),
                    fmt,
                    to_db_time(now),
                    to_db_time(now),
                ),
            )
        await tx.conn.execute(
            "UPDATE questions SET status = 'answered', answer_text = 'Да',"
            " answered_at = ? WHERE asked_at = ?",
            (to_db_time(now - timedelta(hours=46)), to_db_time(now - timedelta(hours=48))),
        )


async def test_stats_shows_the_programme_overall_and_per_department(
    bot_runner: BotRunner, people: dict[str, TelegramUser]
) -> None:
    await _more(bot_runner)
    admin = people["admin"]
    admin.send("/stats")
    text = (await admin.wait_message("Наставничество за", timeout=CHILD))["text"]
    assert "Наставничество за 01.09.2026 — 25.01.2027" in text
    assert (
        "Всего\n• пары: 3 активные, 1 завершена, 1 прекращена досрочно"
        "\n• план: в срок 0 из 1 этапа (0 %)"
        "\n• проведено встреч: 5 (5 часов 15 минут)"
        "\n• посещения уроков: наставник у наставляемого — 1, наставляемый у наставника — 1"
        "\n• открытых уроков: 1"
        "\n• задано вопросов: 2, ответ в среднем (медиана) через 2 часа\n" in text
    )
    assert (
        "ПЦК ИТ\n• пары: 2 активные, 1 завершена\n• план: в срок 0 из 1 этапа (0 %)"
        "\n• проведено встреч: 1 (1 час 30 минут)"
        "\n• задано вопросов: 2, ответ в среднем (медиана) через 2 часа" in text
    )
    assert (
        "ПЦК электротехники\n• пары: 1 активная, 1 прекращена досрочно"
        "\n• проведено встреч: 4 (3 часа 45 минут)" in text
    )

    chart = await admin.wait_message("Встречи по неделям и выполнение плана", timeout=CHILD)
    assert chart["photo"][-1]["width"] == 1000  # a PNG the size it was drawn
    png = admin.photos()[-1].data
    assert png.startswith(b"\x89PNG") and len(admin.photos()) == 1

    # The year to the pairs' end: the accepted milestone (due in June) counts, on time.
    admin.send("/stats 01.09.2026 30.06.2027 пцк  электротехники")
    text = (await admin.wait_message("ПЦК электротехники: наставничество", timeout=CHILD))["text"]
    assert "за 01.09.2026 — 30.06.2027" in text
    assert "• план: в срок 1 из 1 этапа (100 %)" in text
    assert "ПЦК ИТ" not in text


async def test_stats_for_the_digests_week_gives_the_digests_figures(
    people: dict[str, TelegramUser],
) -> None:
    admin = people["admin"]
    admin.send("/digest")
    digest = (await admin.wait_message("Сводка по наставничеству"))["text"]
    assert "Всего: 3 активные пары\n• проведено встреч: 1 (1 час 30 минут)" in digest
    assert "• задано вопросов: 2\n" in digest
    admin.send("/stats 19.01.2027 25.01.2027")
    text = (await admin.wait_message("Наставничество за", timeout=CHILD))["text"]
    assert "Всего\n• пары: 3 активные\n" in text
    assert "• проведено встреч: 1 (1 час 30 минут)" in text
    assert "• задано вопросов: 2, ответов пока нет" in text


async def test_stats_answers_bad_arguments_and_is_refused_to_others(
    people: dict[str, TelegramUser],
) -> None:
    admin = people["admin"]
    for args, answer in (
        ("01.09.2026", "Напишите период двумя датами"),
        ("31.12.2026 01.09.2026", "Первая дата периода позже второй"),
        ("01.09.2026 31.13.2026", "Напишите период двумя датами"),
        ("31.12.9999 01.01.2027", "Напишите период двумя датами"),
        ("Химия <b>", "ПЦК «Химия &lt;b&gt;» не нашлась. Есть: «ПЦК ИТ», «ПЦК электротехники»"),
    ):
        admin.send(f"/stats {args}")
        await admin.wait_message(answer.replace("&lt;", "<").replace("&gt;", ">"), timeout=CHILD)
    for who in (people["mentor"], people["mentee"]):
        who.send("/stats")
        await who.wait_message("только администраторам")
        assert not any("Наставничество за" in (m.get("text") or "") for m in who.messages())
