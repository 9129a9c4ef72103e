"""Questions: a mentee asks their mentor, the mentor answers, the mentee closes the question.

A question is `open → answered → resolved`; the mentee may also close an open one. Only an
open question can be answered (once: a follow-up is a new question), only by the mentor of its
pair while the pair is active; only the pair's mentee resolves it. Both messages are between
people: queued in the outbox in the transaction that records them, sent at once."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum

from bot.domain.bounded import text_length
from bot.domain.fields import visible
from bot.domain.notify import (
    About,
    Attachment,
    Notice,
    NoticeKind,
    cancel_about,
    retire,
    tell,
)
from bot.domain.rules import PairSide, side_in_pair
from bot.notices import Button, Text
from storage.models import Pair, PairStatus, Question, QuestionStatus
from storage.repos import Repos

# A question or an answer as text: with the header it stays within one message (4096).
MAX_TEXT_LENGTH = 3500
# With a file the text is its caption: with the header (names ≤ 200) within 1024.
MAX_CAPTION_TEXT_LENGTH = 700
# Kept by Telegram and sent on by file_id; 20 MB is what a bot may download, for an export.
MAX_FILE_BYTES = 20 * 1024 * 1024
EXCERPT_LENGTH = 80


class QuestionRefusal(StrEnum):
    """Why a question cannot be asked, answered or closed; each is also its text key."""

    EMPTY = "question-refused-empty"
    TOO_LONG = "question-refused-too-long"
    FILE_TOO_BIG = "question-refused-file-too-big"
    NOT_YOURS = "question-refused-not-yours"
    PAIR_NOT_ACTIVE = "question-refused-pair-not-active"
    ANSWERED = "question-refused-answered"
    RESOLVED = "question-refused-resolved"
    RESOLVED_BY_YOU = "question-refused-resolved-by-you"


class QuestionError(Exception):
    def __init__(self, refusal: QuestionRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def text_limit(attachment: Attachment | None) -> int:
    return MAX_CAPTION_TEXT_LENGTH if attachment else MAX_TEXT_LENGTH


def check_content(text: str, attachment: Attachment | None) -> QuestionRefusal | None:
    """A question or an answer: some text (a file alone says nothing; nor do characters that
    cannot be seen), bounded, a file of a sensible size."""
    if not visible(text):
        return QuestionRefusal.EMPTY
    if text_length(html.escape(text)) > text_limit(attachment):  # as Telegram counts it
        return QuestionRefusal.TOO_LONG
    if attachment and attachment.size is not None and attachment.size > MAX_FILE_BYTES:
        return QuestionRefusal.FILE_TOO_BIG
    return None


def check_answer(question: Question, pair: Pair | None, person_id: int) -> QuestionRefusal | None:
    """Only the mentor of the question's pair, while it is active, answers an open question."""
    if pair is None or side_in_pair(pair, person_id) is not PairSide.MENTOR:
        return QuestionRefusal.NOT_YOURS
    if question.status is QuestionStatus.RESOLVED:
        return QuestionRefusal.RESOLVED
    if question.status is QuestionStatus.ANSWERED:
        return QuestionRefusal.ANSWERED
    if pair.status is not PairStatus.ACTIVE:
        return QuestionRefusal.PAIR_NOT_ACTIVE
    return None


def check_resolve(question: Question, person_id: int) -> QuestionRefusal | None:
    """The mentee who asked closes their question, open or answered, even after the pair."""
    if question.mentee_id != person_id:
        return QuestionRefusal.NOT_YOURS
    if question.status is QuestionStatus.RESOLVED:
        return QuestionRefusal.RESOLVED_BY_YOU
    return None


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


Buttons = Callable[[int], Sequence[Sequence[Button]]]  # question id → rows of buttons


async def ask_question(
    tx: Repos,
    *,
    pair: Pair,
    mentee_id: int,
    text: str,
    attachment: Attachment | None,
    ask_message_id: int | None,
    now: datetime,
    buttons: Buttons,
) -> Question:
    """Record the question and queue it to the mentor with the buttons to answer it."""
    if side_in_pair(pair, mentee_id) is not PairSide.MENTEE:
        raise QuestionError(QuestionRefusal.NOT_YOURS)
    if pair.status is not PairStatus.ACTIVE:
        raise QuestionError(QuestionRefusal.PAIR_NOT_ACTIVE)
    text = visible(text)  # zero-width and bidi characters alone say nothing
    refusal = check_content(text, attachment)
    if refusal is not None:
        raise QuestionError(refusal)
    question = await tx.questions.add(
        pair_id=pair.id,
        text=text,
        file_id=attachment.file_id if attachment else None,
        file_kind=attachment.kind if attachment else None,
        ask_message_id=ask_message_id,
        now=now,
    )
    mentor = await tx.people.get(pair.mentor_id)
    if mentor is None:
        raise LookupError("the mentor of the pair is gone")
    await tell(
        tx,
        Notice(
            NoticeKind.QUESTION,
            to=mentor.id,
            text=Text("question-to-mentor", {"mentee": pair.mentee_name, "text": text}),
            of=(question.id,),
            about=question.id,
            buttons=buttons(question.id),
            attachment=attachment,
        ),
        now,
    )
    return question


async def answer_question(
    tx: Repos,
    *,
    question_id: int,
    mentor_id: int,
    text: str,
    attachment: Attachment | None,
    now: datetime,
    buttons: Buttons,
) -> Question:
    """Record the answer and queue it to the mentee as a reply to their question."""
    question = await tx.questions.get(question_id)
    if question is None:
        raise QuestionError(QuestionRefusal.NOT_YOURS)
    text = visible(text)
    refusal = check_answer(question, await tx.pairs.get(question.pair_id), mentor_id)
    refusal = refusal or check_content(text, attachment)
    if refusal is not None:
        raise QuestionError(refusal)
    if not await tx.questions.mark_answered(
        question.id,
        by=mentor_id,
        text=text,
        file_id=attachment.file_id if attachment else None,
        file_kind=attachment.kind if attachment else None,
        now=now,
    ):
        raise QuestionError(QuestionRefusal.ANSWERED)
    # The mentor's copy of the question keeps no 💬: it says it is answered.
    await retire(tx, About.QUESTION, question.id, Text("question-copy-answered"), now)
    await cancel_about(tx, About.QUESTION_REMINDERS, question.id, "answered")
    mentee = await tx.people.get(question.mentee_id)
    if mentee is None:
        raise LookupError("the mentee of the pair is gone")
    await tell(
        tx,
        Notice(
            NoticeKind.ANSWER,
            to=mentee.id,
            text=Text("question-answer-to-mentee", {"mentor": question.mentor_name, "text": text}),
            of=(question.id,),
            about=question.id,
            buttons=buttons(question.id),
            attachment=attachment,
            reply_to=question.ask_message_id,
        ),
        now,
    )
    return question


async def resolve_question(
    tx: Repos, *, question_id: int, mentee_id: int, now: datetime
) -> Question:
    """Close the question; a copy to the mentor not sent yet is no longer wanted, a sent one
    loses its 💬 and says the question is closed."""
    question = await tx.questions.get(question_id)
    if question is None:
        raise QuestionError(QuestionRefusal.NOT_YOURS)
    refusal = check_resolve(question, mentee_id)
    if refusal is not None:
        raise QuestionError(refusal)
    if not await tx.questions.mark_resolved(question.id, now):
        raise QuestionError(QuestionRefusal.RESOLVED_BY_YOU)
    await retire(
        tx,
        About.QUESTION,
        question.id,
        Text("question-copy-resolved", {"mentee": question.mentee_name}),
        now,
    )
    await cancel_about(tx, About.QUESTION_REMINDERS, question.id, "resolved")
    return question


async def hand_over_questions(tx: Repos, *, old: Pair, new: Pair | None, now: datetime) -> int:
    """When a pair is closed, its open questions go on with its continuation (a reassigned
    mentor answers them; the mentee's question and its ✅ stay as they are), or stay open
    with nobody to answer when the pair ended. Either way the old mentor's copies lose 💬.
    Returns how many questions were open."""
    ids = await tx.questions.open_ids(old.id)
    if new is not None:
        await tx.questions.move_open(old.id, new.id)
    note = (
        Text("question-copy-reassigned", {"mentor": new.mentor_name})
        if new is not None
        else Text("question-copy-pair-closed")
    )
    for question_id in ids:
        await retire(tx, About.QUESTION, question_id, note, now)
    return len(ids)
