"""The guides in docs/ speak the bot's own words: each names, by its /settings label, every
reminder /settings shows its reader's role, and none it does not; they are written in Russian."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain.notify import NoticeKind
from bot.domain.reminder_settings import kinds_for
from bot.i18n import I18n
from storage.models import Person, Role

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _person(role: Role) -> Person:
    return Person(
        id=1,
        full_name="Иванова Анна",
        role=role,
        is_admin=False,
        department=None,
        username=None,
        telegram_id=1,
        language=None,
        active=True,
        blocked=False,
        seen=True,
    )


SHOWN = {
    "mentee": kinds_for(_person(Role.MENTEE), is_admin=False),
    "mentor": kinds_for(_person(Role.MENTOR), is_admin=False),
    "admin": kinds_for(None, is_admin=True),
}


@pytest.mark.parametrize("guide", sorted(SHOWN))
def test_a_guide_names_the_reminders_its_readers_settings_show(guide: str) -> None:
    t = I18n("ru").get("ru")
    text = (DOCS / f"{guide}.md").read_text(encoding="utf-8")
    labels = {kind: t.plain(kind.label) for kind in NoticeKind if kind.switchable}
    assert SHOWN[guide], guide
    for kind in SHOWN[guide]:
        assert labels[kind] in text, f"{guide}.md does not name {labels[kind]!r} ({kind})"
    for kind, label in labels.items():
        if kind not in SHOWN[guide]:
            assert f"«{label.strip('«»')}»" not in text, f"{guide}.md names {label!r}: not theirs"


@pytest.mark.parametrize("guide", sorted(SHOWN))
def test_a_guide_is_written_in_russian(guide: str) -> None:
    text = (DOCS / f"{guide}.md").read_text(encoding="utf-8")
    prose = re.sub(r"`[^`]*`", "", text)  # commands and settings keep their Latin names
    cyrillic = len(re.findall(r"[а-яё]", prose, re.IGNORECASE))
    latin = len(re.findall(r"[a-z]", prose, re.IGNORECASE))
    assert cyrillic > 20 * latin, (guide, cyrillic, latin)
