"""The rules of questions: who may answer or close one, the state it must be in, input bounds;
and the storage's transitions, which refuse a second answer or a second close."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.domain.notify import Attachment
from bot.domain.questions import (
    MAX_CAPTION_TEXT_LENGTH,
    MAX_FILE_BYTES,
    MAX_TEXT_LENGTH,
    QuestionRefusal,
    check_answer,
    check_content,
    check_resolve,
)
from handlers.keyboards import QuestionAction
from storage.db import Database
from storage.models import FileKind, Pair, PairKind, PairStatus, Question, QuestionStatus, Role

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
MENTOR, MENTEE, STRANGER = 1, 2, 3
PAIR = Pair(
    id=10,
    mentor_id=MENTOR,
    mentee_id=MENTEE,
    kind=PairKind.PEDAGOGICAL,
    start=date(2026, 9, 1),
    end=date(2027, 6, 30),
    order_ref=None,
    status=PairStatus.ACTIVE,
    close_reason=None,
    previous_pair_id=None,
    mentor_name="Иванова",
    mentee_name="Сидорова",
)
QUESTION = Question(
    id=5,
    pair_id=PAIR.id,
    mentor_id=MENTOR,
    mentee_id=MENTEE,
    text="?",
    file_id=None,
    file_kind=None,
    ask_message_id=7,
    status=QuestionStatus.OPEN,
    asked_at=NOW,
    answered_at=None,
    resolved_at=None,
)


def test_only_the_mentor_of_the_pair_answers_an_open_question() -> None:
    assert check_answer(QUESTION, PAIR, MENTOR) is None
    assert check_answer(QUESTION, PAIR, MENTEE) is QuestionRefusal.NOT_YOURS
    assert check_answer(QUESTION, PAIR, STRANGER) is QuestionRefusal.NOT_YOURS
    assert check_answer(QUESTION, None, MENTOR) is QuestionRefusal.NOT_YOURS


def test_an_answered_or_resolved_question_or_an_ended_pair_takes_no_answer() -> None:
    answered = replace(QUESTION, status=QuestionStatus.ANSWERED)
    resolved = replace(QUESTION, status=QuestionStatus.RESOLVED)
    ended = replace(PAIR, status=PairStatus.ENDED)
    assert check_answer(answered, PAIR, MENTOR) is QuestionRefusal.ANSWERED
    assert check_answer(resolved, PAIR, MENTOR) is QuestionRefusal.RESOLVED
    assert check_answer(QUESTION, ended, MENTOR) is QuestionRefusal.PAIR_NOT_ACTIVE


def test_only_the_mentee_resolves_an_open_or_answered_question_once() -> None:
    assert check_resolve(QUESTION, MENTEE) is None
    assert check_resolve(replace(QUESTION, status=QuestionStatus.ANSWERED), MENTEE) is None
    assert check_resolve(QUESTION, MENTOR) is QuestionRefusal.NOT_YOURS
    resolved = replace(QUESTION, status=QuestionStatus.RESOLVED)
    assert check_resolve(resolved, MENTEE) is QuestionRefusal.RESOLVED_BY_YOU


def test_content_needs_text_within_bounds_and_a_sensible_file() -> None:
    photo = Attachment("f", FileKind.PHOTO, 1000)
    assert check_content("  ", None) is QuestionRefusal.EMPTY
    assert check_content("", photo) is QuestionRefusal.EMPTY
    assert check_content("x" * MAX_TEXT_LENGTH, None) is None
    assert check_content("x" * (MAX_TEXT_LENGTH + 1), None) is QuestionRefusal.TOO_LONG
    assert check_content("x" * MAX_CAPTION_TEXT_LENGTH, photo) is None
    assert check_content("x" * (MAX_CAPTION_TEXT_LENGTH + 1), photo) is QuestionRefusal.TOO_LONG
    big = Attachment("f", FileKind.DOCUMENT, MAX_FILE_BYTES + 1)
    assert check_content("x", big) is QuestionRefusal.FILE_TOO_BIG
    assert check_content("x", Attachment("f", FileKind.DOCUMENT, None)) is None


def test_the_longest_question_button_fits_64_bytes() -> None:
    for action in ("answer", "resolve", "page"):
        data = QuestionAction(action=action, question_id=2**63 - 1, page=100_000).pack()
        assert len(data.encode()) <= 64


async def test_storage_moves_open_answered_resolved_once(db: Database) -> None:
    async with db.transaction() as tx:
        mentor = await tx.people.add(full_name="Иванова", role=Role.MENTOR, now=NOW)
        mentee = await tx.people.add(full_name="Сидорова", role=Role.MENTEE, now=NOW)
        pair = await tx.pairs.add(
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            kind=PairKind.PEDAGOGICAL,
            start=date(2026, 9, 1),
            end=date(2027, 6, 30),
            order_ref=None,
            now=NOW,
        )
        first = await tx.questions.add(
            pair_id=pair.id, text="1", file_id=None, file_kind=None, ask_message_id=1, now=NOW
        )
        second = await tx.questions.add(
            pair_id=pair.id,
            text="2",
            file_id="p",
            file_kind=FileKind.PHOTO,
            ask_message_id=2,
            now=NOW,
        )
        answer = {"by": mentor.id, "text": "a", "file_id": None, "file_kind": None, "now": NOW}
        assert await tx.questions.mark_answered(first.id, **answer)
        assert not await tx.questions.mark_answered(first.id, **answer)
        assert await tx.questions.mark_resolved(first.id, NOW)
        assert not await tx.questions.mark_resolved(first.id, NOW)
        assert not await tx.questions.mark_answered(first.id, **answer)
        listed, total = await tx.questions.open_for_mentor(mentor.id)
    assert (total, [q.id for q in listed]) == (1, [second.id])
    assert listed[0].file_kind is FileKind.PHOTO


def test_a_question_is_measured_as_telegram_counts_it() -> None:
    # An emoji is one character for Python and two UTF-16 units for Telegram.
    assert check_content("🙂" * (MAX_TEXT_LENGTH // 2), None) is None
    assert check_content("🙂" * (MAX_TEXT_LENGTH // 2 + 1), None) is QuestionRefusal.TOO_LONG
    assert check_content("<" * MAX_TEXT_LENGTH, None) is None  # escaped, still one each
