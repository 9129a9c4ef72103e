"""Where a button in a message the core builds leads. The core names the target; the handlers'
CallbackData classes pack it (handlers/links.py), so the data of a button has one author, the
class that also unpacks it when the button is pressed. The core takes a `Links` wherever it
builds buttons: a handler passes the handlers' own, the scheduler's jobs get them from the
factories that assemble the bot (bot/app.py)."""

from __future__ import annotations

from typing import Protocol


class Links(Protocol):
    def meeting(self, meeting_id: int, revision: int, answer: str) -> str:
        """An answer to a meeting (bot.domain.meeting_rules.Answer) as of its revision."""
        ...

    def milestone(self, milestone_id: int) -> str:
        """A milestone's card in its plan."""
        ...

    def answer_question(self, question_id: int) -> str:
        """The mentor's reply to a question."""
        ...

    def pair_card(self, pair_id: int) -> str:
        """An admin's card of a pair, as a new message."""
        ...

    def person_card(self, person_id: int) -> str:
        """An admin's card of a person, as a new message."""
        ...

    def plan(self, pair_id: int) -> str:
        """A pair's plan."""
        ...

    def journal(self, pair_id: int) -> str:
        """A pair's journal of meetings."""
        ...

    def digest_page(self, page: int) -> str:
        """A page of the weekly digest's list of pairs that need attention."""
        ...

    def attention_page(self, concern: str, page: int) -> str:
        """A page of /overdue or /inactive (bot.domain.digest.Concern)."""
        ...

    def feedback(self, form_id: int, act: str, item: int = 0, score: int = 0) -> str:
        """A questionnaire form's button (bot.domain.feedback: rate, change, comment…)."""
        ...

    def access_requests(self, page: int) -> str:
        """A page of the admins' list of pending access requests."""
        ...

    def pair_report(self, pair_id: int) -> str:
        """The pair's report for the council (a DOCX)."""
        ...
