"""What to say, kept as a catalog key and rendered when sent (bot/notices.py), and the outbox
rows that keep it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.domain.bounded import MESSAGE_LIMIT, text_length
from bot.domain.notify import Notice, NoticeKind, tell_all
from bot.i18n import Html, I18n
from bot.notices import REST, Button, Lines, Text, args_json, buttons_json, joined
from bot.rendering import render, render_buttons, render_keyboard, render_stored
from storage.db import Database
from storage.models import Role

NOW = datetime(2027, 1, 20, 4, 0, tzinfo=UTC)


def test_a_stored_text_renders_with_plural_forms_and_escaped_arguments(i18n: I18n) -> None:
    stored = args_json({"title": "КТП <черновик>", "due": "20.01.2027", "days": 3})
    text = render_stored(i18n.get("ru"), "remind-milestone-overdue", stored)
    assert "«КТП &lt;черновик&gt;»" in text
    assert "прошло 3 дня" in text
    five = render_stored(i18n.get("ru"), "remind-milestone-overdue", args_json({"days": 5}))
    assert "прошло 5 дней" in five


def test_a_nested_catalog_text_is_rendered_in_the_same_language(i18n: I18n) -> None:
    meeting = Text(
        "meet-description",
        {
            "date": "25.01.2027",
            "time": "15:00",
            "format": Text("meet-format-consultation"),
            "topic": "A & B",
        },
    )
    stored = args_json({"other": "Иванова Анна", "meeting": meeting})
    text = render_stored(i18n.get("ru"), "remind-meeting-day", stored)
    assert text == (
        "📅 Завтра встреча с Ивановой Анной: 25.01.2027 в 15:00, консультация: «A &amp; B»."
    )


def test_buttons_keep_label_keys_and_render_labels_plain(i18n: I18n) -> None:
    stored = buttons_json(
        [
            [Button(Text("remind-button-open-milestone"), data="ml:open:5:0:0")],
            [Button(Text("meet-button-held"), url="https://example.org/a?b=1&c=2")],
        ]
    )
    assert stored is not None and "remind-button-open-milestone" in stored
    keyboard = json.loads(render_buttons(i18n.get("ru"), stored))["inline_keyboard"]
    assert keyboard == [
        [{"text": "📋 Открыть этап", "callback_data": "ml:open:5:0:0"}],
        [{"text": "✅ Состоялась", "url": "https://example.org/a?b=1&c=2"}],
    ]
    assert buttons_json([]) is None


def test_a_button_needs_exactly_one_action() -> None:
    with pytest.raises(ValueError):
        Button(Text("meet-button-held"))
    with pytest.raises(ValueError):
        Button(Text("meet-button-held"), data="x", url="https://example.org")


def test_the_same_row_renders_in_each_language(two_languages: I18n) -> None:
    stored = args_json({"title": "КТП", "due": "21.01.2027"})
    ru = render_stored(two_languages.get("ru"), "remind-milestone-day", stored)
    en = render_stored(two_languages.get("en"), "remind-milestone-day", stored)
    assert ru.startswith("📌 Завтра, 21.01.2027")
    assert en.startswith("📌 Tomorrow, 21.01.2027")
    # A key the language lacks falls back to the default language.
    assert render_stored(two_languages.get("en"), "meet-button-held", None) == "✅ Состоялась"


async def test_a_keyed_row_is_queued_once_and_due_with_the_recipients_language(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        person = await tx.people.add(
            full_name="Сидорова Мария", role=Role.MENTEE, now=NOW, telegram_id=42
        )
        await tx.people.mark_seen(person.id, NOW)
        notice = Notice(
            NoticeKind.MILESTONE_DAY,
            to=person.id,
            text=Text("remind-milestone-day", {"title": "КТП", "due": "21.01.2027"}),
            of=(7, "20270121T0300"),
            about=7,
            buttons=[[Button(Text("remind-button-open-milestone"), data="d")]],
        )
        assert await tell_all(tx, [notice, notice], NOW) == 1
        assert await tell_all(tx, [notice], NOW) == 0
        await tx.people.update(person.id, NOW, language="en")
    async with db.read() as tx:
        (due,) = await tx.outbox.due(NOW)
    assert due.text_key == "remind-milestone-day" and due.text == ""
    assert due.language == "en" and due.personal is False
    assert due.buttons is not None and "remind-button-open-milestone" in due.buttons


def test_lines_are_bounded_to_one_message_when_rendered(i18n: I18n) -> None:
    lines = [
        Text("plan-line-no-status", {"icon": "▫️", "number": n, "title": "Т" * 200, "due": "1"})
        for n in range(1, 61)
    ]
    head = Text("plan-for-admin", {"mentor": "А & Б", "mentee": "В"})
    whole = joined(Lines(head, lines, "plan-more"))
    text = render_stored(i18n.get("ru"), whole.key, args_json(whole.args))
    assert text_length(text) <= MESSAGE_LIMIT
    assert text.startswith("<b>План на утверждение</b>") and "А &amp; Б" in text
    assert text.splitlines()[-1].startswith("… и ещё ") and text.endswith(" этапа")


def test_ready_html_kept_for_an_old_row_is_not_escaped_again(i18n: I18n) -> None:
    text = joined(Html("<b>было</b>"), Text("access-denied"), sep="\n\n")
    rendered = render_stored(i18n.get("ru"), text.key, args_json(text.args))
    assert rendered.startswith("<b>было</b>\n\nАдминистратор отклонил")


def test_a_long_text_and_a_note_are_joined_whole(i18n: I18n) -> None:
    question = Text("question-to-mentor", {"mentee": "Орлов", "text": "в" * 900})
    edit = joined(question, Text("question-copy-answered"), sep="\n\n")
    rendered = render_stored(i18n.get("ru"), edit.key, args_json(edit.args))
    assert rendered.endswith("в" * 900 + "\n\n✅ <i>Вы ответили на этот вопрос.</i>")


def _plan_lines(count: int, title_chars: int) -> list[Text]:
    return [
        Text(
            "plan-line-no-status",
            {"icon": "▫️", "number": n, "title": "Т" * title_chars, "due": "1"},
        )
        for n in range(1, count + 1)
    ]


def test_lines_queued_before_budget_and_sep_existed_still_render(i18n: I18n) -> None:
    # A row as queued before Lines had a budget and a separator of their own.
    old = (
        '{"sep": "\\n", "0": {"$lines": {"head": {"$text": "plan-for-admin", "args":'
        ' {"mentor": "А", "mentee": "В"}}, "lines": [{"$text": "plan-line-no-status", "args":'
        ' {"icon": "▫️", "number": 1, "title": "КТП", "due": "1"}}], "more": "plan-more"}}}'
    )
    head = Text("plan-for-admin", {"mentor": "А", "mentee": "В"})
    line = Text("plan-line-no-status", {"icon": "▫️", "number": 1, "title": "КТП", "due": "1"})
    whole = joined(Lines(head, [line], "plan-more"))
    assert json.loads(args_json(whole.args)) == json.loads(old)  # defaults keep that shape
    t = i18n.get("ru")
    assert render_stored(t, whole.key, old) == render(t, whole)
    assert render_stored(t, whole.key, old).endswith("Наставляемый: В\n▫️ 1. КТП — до 1")


def test_lines_take_their_own_budget_and_separator(i18n: I18n) -> None:
    lines = Lines(None, _plan_lines(30, 50), "plan-more", budget=500, sep="\n\n")
    text = render_stored(i18n.get("ru"), joined().key, args_json(joined(lines).args))
    assert 400 < text_length(text) <= 500
    assert "\n\n" in text and text.split("\n\n")[-1].startswith("… и ещё ")


def test_lines_of_the_rest_get_what_the_other_parts_leave(i18n: I18n) -> None:
    t = i18n.get("ru")
    big = Text("question-to-mentor", {"mentee": "Орлов", "text": "в" * 900})
    rest = Lines(None, _plan_lines(80, 100), "plan-more", budget=REST, sep="\n\n")
    for parts in ((big, rest), (big, rest, big), (rest, big, big, big)):
        whole = joined(*parts, sep="\n\n")
        text = render_stored(t, whole.key, args_json(whole.args))
        assert text == render(t, whole)
        assert MESSAGE_LIMIT - 200 < text_length(text) <= MESSAGE_LIMIT
        assert text.count("в" * 900) == len(parts) - 1  # the other parts whole
    with pytest.raises(ValueError):
        render(t, joined(rest, big, rest))
    # Only a joined text knows what its other parts take: inside another text REST is refused.
    with pytest.raises(ValueError, match="belong directly in joined"):
        render(t, Text("question-to-mentor", {"mentee": "Орлов", "text": rest}))
    # A kept message with a note added below it (bot/domain/copies.py) still fits.
    noted = joined(joined(big, rest, sep="\n\n"), big, sep="\n\n")
    assert MESSAGE_LIMIT - 200 < text_length(render(t, noted)) <= MESSAGE_LIMIT
    assert render(t, noted).count("в" * 900) == 2


def test_buttons_shown_now_render_as_the_queued_ones(i18n: I18n) -> None:
    rows = [[Button(Text("remind-button-open-milestone"), data="ml:open:5:0:0")]]
    stored = buttons_json(rows)
    assert stored is not None
    t = i18n.get("ru")
    assert render_keyboard(t, rows) == render_buttons(t, stored)


def test_hours_and_minutes_kept_in_a_notice_are_counted_when_it_is_rendered() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.i18n import I18n
    from bot.notices import HoursSince, MinutesUntil, Waited, args_json
    from bot.rendering import render_stored
    from storage.names import PersonName

    asked = datetime(2027, 1, 25, 22, 0, tzinfo=UTC)
    t = I18n("ru").get("ru")
    question = args_json(
        {"mentee": PersonName("Сидорова Мария Ивановна"), "text": "?", "hours": HoursSince(asked)}
    )
    at_queue = render_stored(t, "remind-question", question, asked + timedelta(hours=24))
    at_send = render_stored(t, "remind-question", question, asked + timedelta(hours=34, minutes=5))
    assert "ждёт ответа 24 часа" in at_queue and "ждёт ответа 34 часа" in at_send
    waits = args_json(
        {"mentee": PersonName("Сидорова Мария Ивановна"), "text": "?", "waited": Waited(asked)}
    )
    hours = render_stored(t, "remind-question-waits", waits, asked + timedelta(hours=47))
    days = render_stored(t, "remind-question-waits", waits, asked + timedelta(hours=73))
    assert "ждёт ответа 47 часов" in hours and "ждёт ответа 3 дня" in days  # days past two
    meeting = args_json(
        {
            "other": PersonName("Иванова Анна Петровна"),
            "meeting": "—",
            "minutes": MinutesUntil(asked),
        }
    )
    hour = render_stored(
        t, "remind-meeting-hour", meeting, asked - timedelta(minutes=59, seconds=30)
    )
    soon = render_stored(t, "remind-meeting-hour", meeting, asked - timedelta(minutes=31))
    assert hour.startswith("⏰ Через час встреча с Ивановой Анной Петровной")
    assert soon.startswith("⏰ Через 30 минут встреча")
