"""The core's button targets (bot/domain/links.py) packed by the handlers' CallbackData classes:
the class that reads a press is the one that wrote its data."""

from __future__ import annotations

from bot.domain.links import Links
from handlers.keyboards import (
    VIEW,
    AttentionPage,
    DigestPage,
    FeedbackCb,
    MeetingAct,
    MilestoneCb,
    PairCard,
    PairReportCb,
    PersonCard,
    PlanCb,
    QuestionAction,
    RequestsPage,
    WhichPair,
)


class CallbackLinks:
    def meeting(self, meeting_id: int, revision: int, answer: str) -> str:
        return MeetingAct(meeting_id=meeting_id, rev=revision, action=answer).pack()

    def milestone(self, milestone_id: int) -> str:
        return MilestoneCb(action=VIEW, milestone_id=milestone_id).pack()

    def answer_question(self, question_id: int) -> str:
        return QuestionAction(action="answer", question_id=question_id).pack()

    def pair_card(self, pair_id: int) -> str:
        return PairCard(pair_id=pair_id, action="open").pack()

    def person_card(self, person_id: int) -> str:
        return PersonCard(person_id=person_id, action="open").pack()

    def plan(self, pair_id: int) -> str:
        return PlanCb(action=VIEW, pair_id=pair_id).pack()

    def journal(self, pair_id: int) -> str:
        return WhichPair(purpose="journal", pair_id=pair_id).pack()

    def digest_page(self, page: int) -> str:
        return DigestPage(page=page).pack()

    def attention_page(self, concern: str, page: int) -> str:
        return AttentionPage(concern=concern, page=page).pack()

    def access_requests(self, page: int) -> str:
        return RequestsPage(page=page).pack()

    def pair_report(self, pair_id: int) -> str:
        return PairReportCb(pair_id=pair_id).pack()

    def feedback(self, form_id: int, act: str, item: int = 0, score: int = 0) -> str:
        return FeedbackCb(form=form_id, act=act, item=item, score=score).pack()


LINKS: Links = CallbackLinks()
