"""Forming, reassigning and closing pairs, with the notices both people get."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot.domain.links import Links
from bot.domain.meetings import cancel_meetings_ahead
from bot.domain.notify import Notice, NoticeKind, tell_all
from bot.domain.pair_reminders import cancel_pair_reminders
from bot.domain.plans import PlanTemplate, create_plan, shipped_template
from bot.domain.questions import hand_over_questions
from bot.domain.rules import PairRefusal, check_new_mentor, check_new_pair
from bot.notices import Button, Text
from storage.models import Pair, PairKind, PairStatus, Person
from storage.repos import Repos


class PairError(Exception):
    def __init__(self, refusal: PairRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def _pair_args(pair: Pair) -> dict[str, object]:
    return {
        "mentor": pair.mentor_name,
        "mentee": pair.mentee_name,
        "kind": Text(f"pair-kind-{pair.kind.value}"),
        "start": pair.start.strftime("%d.%m.%Y"),
        "end": pair.end.strftime("%d.%m.%Y"),
        "order": Text("pair-order", {"order": pair.order_ref}) if pair.order_ref else "",
    }


async def _load_pair_people(tx: Repos, mentor_id: int, mentee_id: int) -> tuple[Person, Person]:
    mentor = await tx.people.get(mentor_id)
    mentee = await tx.people.get(mentee_id)
    if mentor is None or mentee is None:
        raise LookupError("no such person")
    return mentor, mentee


async def create_pair(
    tx: Repos,
    *,
    mentor_id: int,
    mentee_id: int,
    kind: PairKind,
    start: date,
    end: date,
    order_ref: str | None,
    now: datetime,
    max_mentees_per_mentor: int,
    created_by: int | None = None,
    template: PlanTemplate | None = None,
    links: Links | None = None,
) -> Pair:
    """A new pair, with its plan from `template` (default: the shipped one); both are told."""
    mentor, mentee = await _load_pair_people(tx, mentor_id, mentee_id)
    refusal = check_new_pair(
        mentor=mentor,
        mentee=mentee,
        kind=kind,
        start=start,
        end=end,
        mentor_active_pairs=await tx.pairs.active_mentee_count(mentor.id),
        mentee_pair_of_kind=await tx.pairs.active_of_kind(mentee.id, kind),
        same_pair_before=await tx.pairs.find(mentee.id, mentor.id, start),
        max_mentees_per_mentor=max_mentees_per_mentor,
    )
    if refusal is not None:
        raise PairError(refusal)
    pair = await tx.pairs.add(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        kind=kind,
        start=start,
        end=end,
        order_ref=order_ref,
        now=now,
        created_by=created_by,
    )
    await create_plan(tx, pair, template or shipped_template(), now)
    await tell_all(tx, pair_started_notices(pair, mentor, mentee, links), now)
    return pair


def pair_started_notices(
    pair: Pair, mentor: Person, mentee: Person, links: Links | None = None
) -> list[Notice]:
    """The notices of a new pair, for the form and the roster import alike, each with the way
    to its next step: the plan (no button when `links` is None)."""
    plan = [[Button(Text("remind-button-open-plan"), data=links.plan(pair.id))]] if links else []
    return [
        Notice(
            NoticeKind.PAIR,
            to=person.id,
            text=Text(text_key, _pair_args(pair)),
            of=(pair.id, "started"),
            buttons=plan,
        )
        for person, text_key in (
            (mentor, "notice-pair-formed-mentor"),
            (mentee, "notice-pair-formed-mentee"),
        )
    ]


async def reassign_mentor(
    tx: Repos,
    *,
    pair_id: int,
    new_mentor_id: int,
    reason: str,
    today: date,
    now: datetime,
    max_mentees_per_mentor: int,
    tz: tzinfo,
    changed_by: int | None = None,
) -> Pair:
    """Close the pair as reassigned and open its continuation with the new mentor from today:
    the plan and the open questions go on with it; the meetings ahead with the old mentor are
    cancelled."""
    old = await tx.pairs.get(pair_id)
    new_mentor = await tx.people.get(new_mentor_id)
    if old is None or new_mentor is None or old.status is not PairStatus.ACTIVE:
        raise LookupError("no such active pair")
    refusal = check_new_mentor(
        pair=old,
        new_mentor=new_mentor,
        mentor_active_pairs=await tx.pairs.active_mentee_count(new_mentor.id),
        max_mentees_per_mentor=max_mentees_per_mentor,
    )
    if refusal is not None:
        raise PairError(refusal)
    await tx.pairs.close(old.id, PairStatus.REASSIGNED, reason, now)
    await cancel_pair_reminders(
        tx, old.id, "the pair was reassigned", reassigned_from=old.mentor_id
    )
    start = max(today, old.start)
    new = await tx.pairs.add(
        mentor_id=new_mentor.id,
        mentee_id=old.mentee_id,
        kind=old.kind,
        start=start,
        end=max(old.end, start),
        order_ref=old.order_ref,
        now=now,
        created_by=changed_by,
        previous_pair_id=old.id,
    )
    await tx.plans.move(old.id, new.id)  # the plan goes on with the mentee under the new mentor
    old_mentor, mentee = await _load_pair_people(tx, old.mentor_id, old.mentee_id)
    recipients = (
        (old_mentor, "notice-pair-reassigned-old-mentor"),
        (new_mentor, "notice-pair-reassigned-new-mentor"),
        (mentee, "notice-pair-reassigned-mentee"),
    )
    args = {"old_mentor": old.mentor_name, "reason": reason, **_pair_args(new)}
    await tell_all(
        tx,
        [
            Notice(
                NoticeKind.PAIR,
                to=person.id,
                text=Text(text_key, args),
                of=(old.id, "reassigned"),
            )
            for person, text_key in recipients
        ],
        now,
    )
    await hand_over_questions(tx, old=old, new=new, now=now)
    await cancel_meetings_ahead(tx, old, now, tz, "meet-cancelled-reassigned")
    return new


async def close_pair(
    tx: Repos,
    *,
    pair_id: int,
    status: PairStatus,
    reason: str | None,
    now: datetime,
    tz: tzinfo,
) -> Pair:
    """End a pair early (with a reason) or mark it completed; both people are told. Its
    meetings ahead are cancelled; its open questions stay, with nobody to answer them."""
    if status not in (PairStatus.ENDED, PairStatus.COMPLETED):
        raise ValueError(f"cannot close a pair as {status}")
    pair = await tx.pairs.get(pair_id)
    if pair is None or not await tx.pairs.close(pair_id, status, reason, now):
        raise LookupError("no such active pair")
    await cancel_pair_reminders(tx, pair_id, f"the pair is {status.value}")
    mentor, mentee = await _load_pair_people(tx, pair.mentor_id, pair.mentee_id)
    args = {"reason": reason or "", **_pair_args(pair)}
    await tell_all(
        tx,
        [
            Notice(
                NoticeKind.PAIR,
                to=person.id,
                text=Text(f"notice-pair-{status.value}", args),
                of=(pair.id, status.value),
            )
            for person in (mentor, mentee)
        ],
        now,
    )
    await hand_over_questions(tx, old=pair, new=None, now=now)
    await cancel_meetings_ahead(tx, pair, now, tz, "meet-cancelled-pair-closed")
    closed = await tx.pairs.get(pair_id)
    assert closed is not None
    return closed
