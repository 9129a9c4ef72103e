"""Taking the buttons away from messages that no longer apply (bot/domain/notify.py `retire`):
once per message, only the ones that went out with buttons, never the acting person's own; what
was not sent yet is cancelled."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.notify import About, retire
from bot.i18n import I18n
from bot.notices import Text
from bot.rendering import render_stored
from storage.db import Database
from storage.models import Role

NOW = datetime(2027, 1, 20, 5, 0, tzinfo=UTC)
BUTTONS = '{"inline_keyboard": [[{"text": "x", "callback_data": "mt:1:0:ok"}]]}'


async def test_buttons_go_once_from_sent_copies_of_others(db: Database, i18n: I18n) -> None:
    async with db.transaction() as tx:
        anna = await tx.people.add(full_name="Иванова Анна", role=Role.MENTOR, now=NOW)
        ilya = await tx.people.add(full_name="Орлов Илья", role=Role.MENTEE, now=NOW)
        for key, person, markup in (
            ("a", anna.id, BUTTONS),  # the actor's own copy
            ("b", ilya.id, BUTTONS),  # the other side's copy: edited
            ("c", ilya.id, None),  # no buttons: nothing to take away
            ("d", ilya.id, BUTTONS),  # not sent yet: cancelled instead
        ):
            await tx.outbox.add_ready_text(
                key, "текст", NOW, person_id=person, markup=markup, subject="meeting:1"
            )
        for row_id in (1, 2, 3):
            await tx.outbox.mark_sent(row_id, NOW, 1, 10 + row_id)
        note = Text("meet-retired-cancelled")
        first = await retire(tx, About.MEETING, 1, note, NOW, except_person=anna.id)
        again = await retire(tx, About.MEETING, 1, note, NOW)
        (cancelled,) = await tx.conn.execute_fetchall("SELECT status FROM outbox WHERE key = 'd'")
        rows = await tx.conn.execute_fetchall(
            "SELECT edit_of, text_key, text_args, markup FROM outbox WHERE method = 'edit'"
        )
    assert (first, again) == (1, 1)  # the second call: only the actor's copy was left
    assert cancelled[0] == "cancelled"  # not sent yet: it goes no more
    assert [row[0] for row in rows] == [2, 1]
    texts = [render_stored(i18n.get("ru"), row[1], row[2]) for row in rows]
    assert all(row[3] is None for row in rows)
    assert all(text.startswith("текст\n\n🚫") for text in texts)
