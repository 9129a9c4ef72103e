"""A small roster loaded through the project's own import, for tests about what comes after."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.app import App
from bot.domain.roster import parse_roster
from bot.domain.roster_import import ImportSummary, import_roster

ROSTER = """ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ
Иванова Анна Петровна;наставник;2001;ПЦК ИТ;;;;;
Смирнов Алексей Николаевич;наставник;2002;ПЦК электротехники;;;;;
Белов Дмитрий Игоревич;наставник;2003;ООО «Энергосервис»;;;;;
Сидорова Мария Ивановна;наставляемая;3001;ПЦК ИТ;;;;;
Орлов Илья Сергеевич;наставляемый;3002;ПЦК ИТ;;;;;
Зайцева Ксения Андреевна;наставляемая;3003;ПЦК электротехники;;;;;
"""

MENTOR_IVANOVA, MENTOR_SMIRNOV, MENTOR_BELOV = 2001, 2002, 2003
MENTEE_SIDOROVA, MENTEE_ORLOV, MENTEE_ZAITSEVA = 3001, 3002, 3003


async def seed(app: App, text: str = ROSTER) -> ImportSummary:
    summary = await import_roster(
        app.db,
        parse_roster(text.encode("utf-8")),
        now=datetime.now(UTC),
        today=date.today(),
        max_mentees_per_mentor=app.settings.max_mentees_per_mentor,
    )
    assert not summary.errors, summary.errors
    return summary
