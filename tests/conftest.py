"""Shared pytest configuration for unit and end-to-end tests."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import I18n
from storage.db import Database, open_database


def pytest_configure(config: pytest.Config) -> None:
    """Register the suite's markers."""
    config.addinivalue_line(
        "markers",
        "allow_errors: the test expects ERROR log records while the bot runs "
        "(otherwise any such record fails an end-to-end test)",
    )
    config.addinivalue_line(
        "markers",
        "allow_refusals: the test expects Bot API calls that Telegram refuses with 400 "
        "(otherwise any such refusal fails an end-to-end test)",
    )
    config.addinivalue_line(
        "markers",
        "bot_settings(**overrides): settings for the bot that the bot_runner fixture starts",
    )
    config.addinivalue_line(
        "markers",
        "polling_only(reason): the test is about getUpdates itself; its bot_runner never starts"
        " in webhook mode (E2E_MODE=webhook or both); a test that starts its own bot polls",
    )


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database of the test's own."""
    database = await open_database(tmp_path / "t.db")
    yield database
    await database.close()


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n("ru")


# A second language for tests of what is rendered when it is sent: a few keys in "en", the
# rest falling back to the shipped Russian.
ENGLISH_FOR_TESTS = (
    "remind-milestone-day = 📌 Tomorrow, { $due }, is the deadline of «{ $title }».\n"
    "remind-button-open-milestone = 📋 Open the milestone\n"
    "notice-pair-formed-mentee = 🤝 Your mentor is <b>{ $mentor }</b>"
    " ({ $kind }, { $start } – { $end }).{ $order }\n"
    'pair-order = {" "}Order: { $order }\n'
    "pair-kind-pedagogical = teaching\n"
    "pair-no-order = no order\n"
    "access-granted = Access granted. Hello, <b>{ $name }</b>! You are { $role }.\n"
    "role-of-mentor = mentor\n"
    "question-to-mentor = ❓ <b>A question from { $mentee }</b>\n"
    "\n"
    "    { $text }\n"
    "button-answer = 💬 Answer\n"
    "question-copy-answered = ✅ <i>You answered this question.</i>\n"
)


# The digest in English (tests/e2e/test_digest_queued.py): its numbers, hours and buttons.
ENGLISH_DIGEST_FOR_TESTS = """\
digest-title = 📊 <b>Mentoring digest</b> for { $since } — { $until }
digest-total = <b>Total:</b> { $numbers }
digest-numbers = { $pairs } active { $pairs ->
    [one] pair
   *[other] pairs
}; { $meetings } held ({ $hours }); accepted { $accepted }, overdue { $overdue }; asked \
{ $asked }, unanswered { $unanswered }; without meetings { $inactive }.
hours-and-minutes = { $hours } h { $minutes } min
hours-only = { $hours } h
minutes-only = { $minutes } min
digest-attention = ⚠️ <b>Need attention: { $count }</b> (page { $page } of { $pages })
digest-reason-unanswered = unanswered questions: { $count }
digest-reason-inactive = no meetings for { $days } days
digest-button-pair = #{ $number } { $mentee }
"""


@pytest.fixture(scope="session")
def two_languages(tmp_path_factory: pytest.TempPathFactory) -> I18n:
    """The shipped catalogs plus a small English one (tests only)."""
    root = tmp_path_factory.mktemp("locales")
    shutil.copytree(Path(__file__).resolve().parents[1] / "bot" / "locales" / "ru", root / "ru")
    (root / "en").mkdir()
    (root / "en" / "reminders.ftl").write_text(ENGLISH_FOR_TESTS, encoding="utf-8")
    (root / "en" / "digest.ftl").write_text(ENGLISH_DIGEST_FOR_TESTS, encoding="utf-8")
    return I18n("ru", root)
