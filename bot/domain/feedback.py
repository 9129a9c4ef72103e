"""The effectiveness questionnaires (regulation/practice.md, "Effectiveness"): at mid-period, a
week before the pair's end, and whenever an admin asks from the pair's card, the mentee rates
the mentor's support and the mentor the mentee's progress, 1–5 an item, with buttons in one
message edited in place, then an optional comment. A form not answered is reminded once
(FEEDBACK_REMIND, switchable). Only the person who answers a form touches it; a mentee's
comment reaches the mentor only if the mentee chooses so; admins see every answer in /stats,
the export and the reports.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.domain.bounded import text_length
from bot.domain.links import Links
from bot.domain.notify import About, Notice, NoticeKind, admins, cancel_about, tell, tell_all
from bot.domain.reminders import Found, Window, at_local, days_in, due_token
from bot.domain.rules import PairSide, local_today
from bot.notices import Button, Lines, Text, joined
from storage.feedback import FeedbackForm, RoundDue
from storage.models import Pair, PairStatus
from storage.reminders import Sides
from storage.repos import Repos

# The items each side rates, in the order asked; each is also a catalog key's tail.
ITEMS: dict[str, tuple[str, ...]] = {
    PairSide.MENTEE: ("support", "availability", "usefulness", "confidence"),
    PairSide.MENTOR: ("planning", "methods", "classroom", "documents", "self-education"),
}
SCORES = (1, 2, 3, 4, 5)
REMIND_AFTER = timedelta(days=3)  # a form still open this long: its person is reminded
FINAL_BEFORE_END = 7  # days: the final round, a week before the pair's end
COMMENT_CHARS = 2000
MID, FINAL = "mid", "final"
ASKED = "asked:"  # + the local date an admin asked

# Actions of a form's buttons (handlers' FeedbackCb.act).
SCORE, FOCUS, COMMENT, DONE, SHARE, OPEN = "s", "f", "c", "d", "sh", "o"


def mid_day(start: date, end: date) -> date:
    """The middle of the pair's period: its start plus half its days, rounded down
    (migration 016's `pairs.midpoint` says the same in SQL)."""
    return start + timedelta(days=(end - start).days // 2)


def final_day(end: date) -> date:
    return end - timedelta(days=FINAL_BEFORE_END)


def round_title(round_: str) -> Text:
    if round_.startswith(ASKED):
        day = date.fromisoformat(round_.removeprefix(ASKED))
        return Text("feedback-round-asked", {"date": day.strftime("%d.%m.%Y")})
    return Text(f"feedback-round-{round_}")


def first_unscored(form: FeedbackForm) -> int | None:
    """The first item not rated yet; None when every one is."""
    items = ITEMS[form.side]
    return next((n for n, item in enumerate(items) if item not in form.scores), None)


def comment_fits(comment: str) -> bool:
    """At most COMMENT_CHARS, counted as Telegram counts them (an emoji outside the BMP is two),
    so that the form's message quoting it stays within one message."""
    return text_length(html.escape(comment)) <= COMMENT_CHARS


# --- the form's message -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairNames:
    mentor: str
    mentee: str


def form_view(
    form: FeedbackForm, names: PairNames, links: Links, focus: int | None = None
) -> tuple[Text, list[list[Button]]]:
    """The form as its person sees it: the items with the scores given, the one to rate now
    marked, and its buttons 1–5 (`focus`: the item to change; by default the first not rated);
    once all are rated, a comment or done; once done, what was answered."""
    items = ITEMS[form.side]
    if focus is None or not 0 <= focus < len(items) or form.done:
        focus = first_unscored(form)
    head = Text(
        f"feedback-head-{form.side}",
        {"round": round_title(form.round), "mentor": names.mentor, "mentee": names.mentee},
    )
    lines = [
        Text(
            "feedback-item-line",
            {
                "mark": "▶️" if n == focus and not form.done else "✅" if item in form.scores
                else "▫️",
                "number": n + 1,
                "item": Text(f"feedback-item-{form.side}-{item}", {"mentee": names.mentee}),
                "score": form.scores.get(item, 0),
            },
        )
        for n, item in enumerate(items)
    ]  # fmt: skip
    body = Lines(None, lines, "digest-more-pairs")
    rows: list[list[Button]] = []
    if form.done:
        answered = form.answered_at.strftime("%d.%m.%Y") if form.answered_at else ""
        tail = [Text("feedback-done", {"date": answered})]
        if form.comment:
            tail.append(Text("feedback-your-comment", {"comment": form.comment}))
        if form.side == PairSide.MENTEE and form.comment:
            if form.shared:
                tail.append(Text("feedback-comment-shared"))
            else:
                rows.append(
                    [Button(Text("feedback-button-share"), data=links.feedback(form.id, SHARE))]
                )
        return joined(head, body, *tail), rows
    if focus is None:  # every item rated: a comment, or done
        rows = [
            [Button(Text("feedback-button-comment"), data=links.feedback(form.id, COMMENT))],
            [Button(Text("feedback-button-done"), data=links.feedback(form.id, DONE))],
            [
                Button(
                    Text("feedback-button-back"),
                    data=links.feedback(form.id, FOCUS, len(items) - 1),
                )
            ],
        ]
        return joined(head, body, Text(f"feedback-comment-offer-{form.side}")), rows
    chosen = form.scores.get(items[focus])
    rows.append(
        [
            Button(
                Text("feedback-button-score", {"score": score, "chosen": int(score == chosen)}),
                data=links.feedback(form.id, SCORE, focus, score),
            )
            for score in SCORES
        ]
    )
    if focus > 0:
        rows.append(
            [Button(Text("feedback-button-back"), data=links.feedback(form.id, FOCUS, focus - 1))]
        )
    return joined(head, body, Text(f"feedback-scale-{form.side}")), rows


# --- opening a round ----------------------------------------------------------------------


def _ask_notice(form: FeedbackForm, names: PairNames, links: Links) -> Notice:
    text, buttons = form_view(form, names, links)
    return Notice(
        NoticeKind.FEEDBACK_ASK, to=form.person_id, text=text, of=(form.id,), about=form.id,
        buttons=buttons,
    )  # fmt: skip


async def open_round(
    tx: Repos, sides: Sides, round_: str, now: datetime, links: Links
) -> list[Notice]:
    """The round's two forms (those not there yet) and the message that asks each person."""
    forms = await tx.feedback.open(
        sides.pair_id,
        round_,
        [(PairSide.MENTEE, sides.mentee_id), (PairSide.MENTOR, sides.mentor_id)],
        now,
    )
    names = PairNames(sides.mentor_name, sides.mentee_name)
    return [_ask_notice(form, names, links) for form in forms]


class AskRefusal(Exception):
    """Why an admin's request for a round is refused; its value is the text key."""


async def ask_now(
    tx: Repos, pair: Pair, now: datetime, tz: tzinfo, links: Links
) -> list[FeedbackForm]:
    """An admin asks for a round now, from the pair's card: refused for a pair that is not
    active, one whose forms still wait for answers, or one asked already today."""
    if pair.status is not PairStatus.ACTIVE:
        raise AskRefusal("feedback-ask-not-active")
    if await tx.feedback.open_of_pair(pair.id):
        raise AskRefusal("feedback-ask-waiting")
    sides = Sides(pair.id, pair.mentor_id, pair.mentee_id, pair.mentor_name, pair.mentee_name)
    round_ = ASKED + local_today(now, tz).isoformat()
    notices = await open_round(tx, sides, round_, now, links)
    if not notices:
        raise AskRefusal("feedback-ask-today")
    await tell_all(tx, notices, now)
    return [form for form in await tx.feedback.open_of_pair(pair.id) if form.round == round_]


# --- answering ----------------------------------------------------------------------------


async def own_form(tx: Repos, person_id: int, form_id: int) -> FeedbackForm | None:
    """The form, if it is this person's to answer (a forged or another's press finds none)."""
    form = await tx.feedback.get(form_id)
    return form if form is not None and form.person_id == person_id else None


async def rate(
    tx: Repos, person_id: int, form_id: int, item: int, score: int
) -> FeedbackForm | None:
    """One item rated (or rated again) while the form is open; None when refused."""
    form = await own_form(tx, person_id, form_id)
    if form is None or form.done or score not in SCORES:
        return None
    items = ITEMS[form.side]
    if not 0 <= item < len(items) or not await tx.feedback.set_score(form.id, items[item], score):
        return None
    return await tx.feedback.get(form.id)


async def finish(
    tx: Repos, person_id: int, form_id: int, comment: str | None, now: datetime
) -> FeedbackForm | None:
    """Every item rated: the form is done (with the comment, if any); its reminder is dropped.
    None when refused (not theirs, done already, an item not rated)."""
    form = await own_form(tx, person_id, form_id)
    if form is None or form.done or first_unscored(form) is not None:
        return None
    if not await tx.feedback.finish(form.id, comment or None, now):
        return None
    await cancel_about(tx, About.FEEDBACK, form.id, "answered")
    return await tx.feedback.get(form.id)


async def share_comment(
    tx: Repos, person_id: int, form_id: int, names: PairNames, pair: Pair, now: datetime
) -> FeedbackForm | None:
    """The mentee lets the mentor read the comment: it is sent to the mentor, once."""
    form = await own_form(tx, person_id, form_id)
    if form is None or form.side != PairSide.MENTEE or not await tx.feedback.share(form.id):
        return None
    await tell(
        tx,
        Notice(
            NoticeKind.FEEDBACK_SHARED,
            to=pair.mentor_id,
            text=Text(
                "notice-feedback-shared",
                {"mentee": names.mentee, "round": round_title(form.round), "comment": form.comment},
            ),
            of=(form.id,),
        ),
        now,
    )
    return await tx.feedback.get(form.id)


async def report_offers(tx: Repos, row: RoundDue, round_: str, links: Links) -> list[Notice]:
    """At mid-period and a week before the end, the pair's report for the council is offered
    to its mentor and the admins (PAIR_REPORT: joined with the morning's other notices)."""
    sides = row.sides
    button = [[Button(Text("pair-report-button"), data=links.pair_report(sides.pair_id))]]
    args = {
        "mentor": sides.mentor_name,
        "mentee": sides.mentee_name,
        "when": round_,
        "end": row.end.strftime("%d.%m.%Y"),
    }
    told = [(sides.mentor_id, "notice-pair-report-mentor")]
    told += [(admin.id, "notice-pair-report-admin") for admin in await admins(tx)]
    return [
        Notice(
            NoticeKind.PAIR_REPORT, to=person_id, text=Text(key, args),
            of=(sides.pair_id, round_), about=sides.pair_id, buttons=button,
        )
        for person_id, key in told
    ]  # fmt: skip


# --- the tick -----------------------------------------------------------------------------


async def find_feedback_due(
    tx: Repos, window: Window, tz: tzinfo, found: Found, links: Links
) -> None:
    """Open the rounds that fall due in the window (their forms and the messages that ask),
    and remind of the forms still open REMIND_AFTER after they were opened."""
    days = days_in(window, tz)
    if days is not None:
        first, last = days
        for row in await tx.feedback.rounds_between(first, last, FINAL_BEFORE_END):
            for round_, day in ((MID, mid_day(row.start, row.end)), (FINAL, final_day(row.end))):
                if first <= day <= last and row.start <= day and at_local(day, tz) in window:
                    found.notices += await open_round(tx, row.sides, round_, window.now, links)
                    found.notices += await report_offers(tx, row, round_, links)
    since, now = window.since - REMIND_AFTER, window.now - REMIND_AFTER
    for due in await tx.feedback.open_since(since, now):
        form, sides = due.form, due.sides
        moment = form.opened_at + REMIND_AFTER
        found.notices.append(
            Notice(
                NoticeKind.FEEDBACK_REMIND,
                to=form.person_id,
                text=Text(
                    f"remind-feedback-{form.side}",
                    {
                        "round": round_title(form.round),
                        "mentor": sides.mentor_name,
                        "mentee": sides.mentee_name,
                        "since": form.opened_at.astimezone(tz).strftime("%d.%m.%Y"),
                    },
                ),
                of=(form.id, due_token(moment)),
                about=form.id,
                buttons=[
                    [Button(Text("feedback-button-open"), data=links.feedback(form.id, OPEN))]
                ],
            )
        )
