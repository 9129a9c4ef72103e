"""Notices due for one person at one moment rendered as one message: marked parts and buttons,
within Telegram's limits whatever comes due."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.domain.bounded import MESSAGE_LIMIT, text_length
from bot.i18n import I18n
from bot.notices import Button, Text
from bot.rendering import BUNDLE_BUTTONS, BUNDLE_MARKS, render, render_bundle

NOW = datetime(2027, 1, 21, 3, 0, tzinfo=UTC)


def _deadline(n: int, title: str = "Посетить урок") -> tuple[Text, list[list[Button]]]:
    text = Text("remind-milestone-day", {"title": f"{title} {n}", "due": "22.01.2027"})
    return text, [[Button(Text("remind-button-open-milestone"), data=f"ml:view:{n}:0:0")]]


def test_one_notice_goes_as_it_is(i18n: I18n) -> None:
    t = i18n.get("ru")
    text, buttons = _deadline(1)
    bundled = render_bundle(t, [(text, buttons)], NOW)
    assert bundled.text == render(t, text, now=NOW)
    assert bundled.count == 1
    assert json.loads(bundled.markup or "")["inline_keyboard"][0][0]["text"] == "📋 Открыть этап"


def test_several_are_marked_and_keep_their_buttons_apart(i18n: I18n) -> None:
    bundled = render_bundle(i18n.get("ru"), [_deadline(1), _deadline(2)], NOW)
    assert bundled.count == 2
    first, second = bundled.text.split("\n\n")
    assert first.startswith("1️⃣ 📌 Завтра") and "Посетить урок 1" in first
    assert second.startswith("2️⃣ 📌 Завтра") and "Посетить урок 2" in second
    rows = json.loads(bundled.markup or "")["inline_keyboard"]
    assert [(b["text"], b["callback_data"]) for row in rows for b in row] == [
        ("1️⃣ 📋 Открыть этап", "ml:view:1:0:0"),
        ("2️⃣ 📋 Открыть этап", "ml:view:2:0:0"),
    ]


def test_what_does_not_fit_one_message_is_left_for_the_next(i18n: I18n) -> None:
    t = i18n.get("ru")
    # Ten marks at most; long titles fill the message before that.
    many = [_deadline(n, "Т" * 900) for n in range(30)]
    bundled = render_bundle(t, many, NOW)
    assert 1 < bundled.count < len(BUNDLE_MARKS)
    assert text_length(bundled.text) <= MESSAGE_LIMIT
    short = render_bundle(t, [_deadline(n) for n in range(30)], NOW)
    assert short.count == len(BUNDLE_MARKS)
    # Buttons: never over Telegram's hundred.
    wide = [(text, [[buttons[0][0]] * 8] * 2) for text, buttons in many[:10]]
    buttons = render_bundle(
        t, [(Text("remind-milestone-day", {"title": "x", "due": "d"}), b) for _, b in wide], NOW
    )
    keyboard = json.loads(buttons.markup or "")["inline_keyboard"]
    assert sum(map(len, keyboard)) <= BUNDLE_BUTTONS
    assert buttons.count == BUNDLE_BUTTONS // 16


def test_answering_a_meeting_in_a_bundle_keeps_the_other_parts_buttons() -> None:
    from aiogram.types import Message

    from handlers.meetings.common import other_buttons

    def button(text: str, data: str) -> dict[str, str]:
        return {"text": text, "callback_data": data}

    message = Message.model_validate(
        {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "reply_markup": {
                "inline_keyboard": [
                    [button("1️⃣ ✅ Состоялась", "mt:7:2:held")],
                    [button("1️⃣ ❌ Не состоялась", "mt:7:2:notheld")],
                    [button("2️⃣ 📋 Открыть этап", "ml:view:5:0:0")],
                    [button("3️⃣ ✅ Состоялась", "mt:8:1:held")],
                ]
            },
        }
    )
    others = other_buttons(message, 7)
    assert others is not None
    assert [row[0].callback_data for row in others.inline_keyboard] == [
        "ml:view:5:0:0",
        "mt:8:1:held",
    ]
    alone = message.model_copy(
        update={"reply_markup": others.model_copy(update={"inline_keyboard": []})}
    )
    assert other_buttons(alone, 7) is None
