"""The weekly digest stays one message with at most a page of buttons however big the
programme: 300 pairs in 40 departments with long names, every pair needing attention; kept by
catalog key, it is bounded when it is rendered, in whatever language."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.attention import Limits
from bot.domain.bounded import MESSAGE_LIMIT, text_length
from bot.domain.digest import (
    ATTENTION_PAGE,
    Concern,
    Digest,
    build_digest,
    concern_page,
    concerned,
    digest_page,
    pages,
)
from bot.i18n import I18n, Translator
from bot.notices import args_json, buttons_json
from bot.rendering import render, render_buttons, render_stored
from handlers.links import LINKS
from storage.db import Database

TZ = ZoneInfo("Asia/Bishkek")
NOW = datetime(2027, 1, 25, 3, 0, tzinfo=UTC)  # Monday 09:00 in Bishkek
PAIRS = 300
DEPARTMENTS = 40


async def _programme(db: Database) -> None:
    stamp = "2026-09-01T00:00:00+00:00"
    long = "Предметно-цикловая комиссия общепрофессиональных дисциплин и профессиональных модулей"
    async with db.transaction() as tx:
        people = []
        pairs = []
        plans = []
        milestones = []
        questions = []
        for n in range(PAIRS):
            mentor, mentee = 2 * n + 1, 2 * n + 2
            department = f"{long} №{n % DEPARTMENTS}"
            for person, role in ((mentor, "mentor"), (mentee, "mentee")):
                name = f"Константинопольская-Преображенская Анастасия-Виктория {person}"
                people.append((person, name, name.casefold(), role, department, stamp, stamp))
            pairs.append((n + 1, mentor, mentee, "2026-09-01", "2027-06-30", stamp))
            plans.append((n + 1, n + 1, stamp, stamp))
            milestones.append((n + 1, n + 1, 1, "Этап", "2027-01-10"))
            questions.append((n + 1, "Вопрос", "2027-01-20T00:00:00+00:00"))
        await tx.conn.executemany(
            "INSERT INTO people (id, full_name, name_key, role, department, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            people,
        )
        await tx.conn.executemany(
            "INSERT INTO pairs (id, mentor_id, mentee_id, kind, start_date, end_date, created_at)"
            " VALUES (?, ?, ?, 'pedagogical', ?, ?, ?)",
            pairs,
        )
        await tx.conn.executemany(
            "INSERT INTO plans (id, pair_id, created_at, updated_at) VALUES (?, ?, ?, ?)", plans
        )
        await tx.conn.executemany(
            "INSERT INTO milestones (id, plan_id, position, title, due_date)"
            " VALUES (?, ?, ?, ?, ?)",
            milestones,
        )
        await tx.conn.executemany(
            "INSERT INTO questions (pair_id, text, asked_at) VALUES (?, ?, ?)", questions
        )


async def test_a_digest_of_300_pairs_in_40_departments_fits_one_message_and_pages(
    db: Database, i18n: I18n
) -> None:
    await _programme(db)
    async with db.read() as tx:
        digest = await build_digest(tx, NOW, TZ, Limits())
    assert digest.total.pairs == PAIRS
    assert digest.total.overdue == PAIRS
    assert digest.total.unanswered == PAIRS
    assert digest.total.inactive == PAIRS
    assert len(digest.departments) == DEPARTMENTS
    assert len(digest.attention) == PAIRS
    t = i18n.get("ru")
    assert pages(digest) == (PAIRS + ATTENTION_PAGE - 1) // ATTENTION_PAGE
    for page in (0, 1, pages(digest) - 1):
        text = _assert_one_message(t, digest, page)
        assert "Всего:" in text and "300 активных пар" in text
        assert "и ещё" in text  # departments that did not fit are counted, not dropped


def _assert_one_message(t: Translator, digest: Digest, page: int) -> str:
    """The page as the sender renders it from the outbox: one message, ≤ 10 short buttons."""
    text, rows = digest_page(digest, TZ, page, LINKS)
    rendered = render_stored(t, text.key, args_json(text.args))
    assert rendered == render(t, text)  # what /digest shows now is what the sender sends
    assert text_length(rendered) <= MESSAGE_LIMIT
    stored = buttons_json(rows)
    assert stored is not None
    shown = json.loads(render_buttons(t, stored))["inline_keyboard"]
    buttons = [button for row in shown for button in row]
    assert len(buttons) <= ATTENTION_PAGE + 2
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    return rendered


# A language whose digest texts are three times as long as the Russian ones: the departments
# get what the rest leaves when rendered, so no fixed budget measured on Russian can overflow.
WORDY = (
    "digest-title = {} 📊 <b>Digest</b> { $since } — { $until }\n"
    "digest-total = {} <b>Total:</b> { $numbers }\n"
    "digest-department = {} <b>{ $name }:</b> { $numbers }\n"
    "digest-numbers = {} { $pairs } pairs; { $meetings } meetings ({ $hours }); accepted"
    " { $accepted }, overdue { $overdue }; asked { $asked }, unanswered { $unanswered };"
    " without meetings { $inactive }.\n"
    "digest-attention-line = {} { $number }. { $mentor } — { $mentee }: { $reasons }\n"
)


PADDING = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, " * 3


@pytest.fixture
def wordy(tmp_path: Path) -> I18n:
    root = tmp_path / "locales"
    shutil.copytree(Path(__file__).resolve().parents[2] / "bot" / "locales" / "ru", root / "ru")
    (root / "xx").mkdir()
    (root / "xx" / "digest.ftl").write_text(WORDY.replace("{}", PADDING), encoding="utf-8")
    return I18n("ru", root)


async def test_a_digest_in_a_wordier_language_still_fits_one_message(
    db: Database, i18n: I18n, wordy: I18n
) -> None:
    await _programme(db)
    async with db.read() as tx:
        digest = await build_digest(tx, NOW, TZ, Limits())
    for page in (0, pages(digest) - 1):
        russian = _assert_one_message(i18n.get("ru"), digest, page)
        text = _assert_one_message(wordy.get("xx"), digest, page)
        assert text.startswith("Lorem ipsum") and "📊 <b>Digest</b>" in text
        assert "… и ещё" in text  # the Russian "more" texts: the wordy catalog lacks them
        # Fewer departments shown, more counted: their share is what the rest leaves.
        assert 0 < text.count("Предметно-цикловая") < russian.count("Предметно-цикловая")


async def test_overdue_and_inactive_of_300_pairs_page_within_one_message(
    db: Database, i18n: I18n
) -> None:
    await _programme(db)
    async with db.read() as tx:
        digest = await build_digest(tx, NOW, TZ, Limits())
    t = i18n.get("ru")
    for concern in Concern:
        assert len(concerned(digest, concern)) == PAIRS
        last = (PAIRS + ATTENTION_PAGE - 1) // ATTENTION_PAGE - 1
        for page in (0, 1, last, last + 5):  # a page past the end shows the last one
            text, rows = concern_page(digest, concern, page, LINKS)
            rendered = render(t, text)
            assert text_length(rendered) <= MESSAGE_LIMIT
            assert f"из {last + 1})" in rendered
            shown = [button for row in rows for button in row]
            assert len(shown) <= ATTENTION_PAGE + 2
            assert all(len((b.data or "").encode()) <= 64 for b in shown)
