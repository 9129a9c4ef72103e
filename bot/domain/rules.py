"""The programme's rules, in one place for handlers, the import, jobs and reports."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.domain.dates import MAX_DATE
from storage.models import Pair, PairKind, PairStatus, Person, Role

MAX_NAME_LENGTH = 200
MAX_DEPARTMENT_LENGTH = 200
MAX_REASON_LENGTH = 500
MAX_ORDER_LENGTH = 200
ROSTER_MAX_BYTES = 2 * 1024 * 1024
ROSTER_MAX_ROWS = 5000


class PairRefusal(StrEnum):
    """Why a pair cannot be formed; each value is also the text key that explains it."""

    SAME_PERSON = "pair-refused-same-person"
    NOT_A_MENTOR = "pair-refused-not-a-mentor"
    NOT_A_MENTEE = "pair-refused-not-a-mentee"
    INACTIVE = "pair-refused-inactive"
    MENTOR_FULL = "pair-refused-mentor-full"
    MENTEE_HAS_KIND = "pair-refused-mentee-has-kind"
    END_BEFORE_START = "pair-refused-end-before-start"
    ALREADY_EXISTED = "pair-refused-already-existed"
    SAME_MENTOR = "pair-refused-same-mentor"


# The version of the consent text (the catalog's `consent-text`): any change to the text is a
# new version, which everyone accepts anew (their record says which text they accepted).
# 2: it says that /mydata withdraws it.
CONSENT_VERSION = 2


def needs_consent(person: Person | None) -> bool:
    """A person of the programme who has not accepted the current consent text: nothing is sent
    to them, and only /start, /mydata and /cancel answer (/help shows the text), until they do."""
    return person is not None and person.active and person.consent_version < CONSENT_VERSION


def has_consent(person: Person | None) -> bool:
    """A person of the programme who has accepted the current consent text, and so may
    withdraw it (/mydata)."""
    return person is not None and person.active and not needs_consent(person)


def is_admin(person: Person | None, telegram_id: int | None, admin_ids: list[int]) -> bool:
    """ADMIN_IDS are admins from the first start; others by role or a grant in the bot."""
    if telegram_id is not None and telegram_id in admin_ids:
        return True
    return person is not None and person.has_admin_rights


def local_today(now: datetime, tz: tzinfo) -> date:
    return now.astimezone(tz).date()


def quiet_hours_end(now: datetime, window: tuple[time, time] | None, tz: tzinfo) -> datetime | None:
    """When the quiet hours that `now` falls in end (UTC); None outside them or when off.
    The window may pass midnight (21:00-08:00)."""
    if window is None or window[0] == window[1]:
        return None
    start, end = window
    local = now.astimezone(tz)
    moment = local.time()
    quiet = start <= moment < end if start < end else (moment >= start or moment < end)
    if not quiet:
        return None
    until = datetime.combine(local.date(), end, tzinfo=tz)
    if until <= local:
        until += timedelta(days=1)
    return until.astimezone(UTC)


def default_pair_end(start: date) -> date:
    """A pair lasts one year by default (29 February falls back to 28), cut at MAX_DATE so the
    end stays a date the bot accepts; a start near date.max cannot overflow."""
    if start.year >= MAX_DATE.year:
        return max(start, MAX_DATE)
    year = start.year + 1
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return min(start.replace(year=year, day=day), MAX_DATE)


class PairSide(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


def side_in_pair(pair: Pair, person_id: int) -> PairSide | None:
    """Which side of the pair a person is on; None for anyone else (an admin included)."""
    if pair.mentor_id == person_id:
        return PairSide.MENTOR
    if pair.mentee_id == person_id:
        return PairSide.MENTEE
    return None


def may_work_in_pair(pair: Pair, person_id: int, side: PairSide | None = None) -> bool:
    """A plan, a meeting or a question of a pair belongs to its two people, while it is active;
    `side` narrows it to one of them (only the mentor edits the plan, say)."""
    found = side_in_pair(pair, person_id)
    return pair.status is PairStatus.ACTIVE and found is not None and side in (None, found)


def default_end_is_cut(start: date) -> bool:
    """A year on from `start` is past the last date the bot accepts: default_pair_end gives a
    shorter pair, which a form offers as such and a file must state itself."""
    return start.year >= MAX_DATE.year


def check_new_pair(
    *,
    mentor: Person,
    mentee: Person,
    kind: PairKind,
    start: date,
    end: date,
    mentor_active_pairs: int,
    mentee_pair_of_kind: Pair | None,
    same_pair_before: Pair | None,
    max_mentees_per_mentor: int,
) -> PairRefusal | None:
    if mentor.id == mentee.id:
        return PairRefusal.SAME_PERSON
    if not (mentor.active and mentee.active):
        return PairRefusal.INACTIVE
    if mentor.role is not Role.MENTOR:
        return PairRefusal.NOT_A_MENTOR
    if mentee.role is not Role.MENTEE:
        return PairRefusal.NOT_A_MENTEE
    if end < start:
        return PairRefusal.END_BEFORE_START
    if same_pair_before is not None:
        return PairRefusal.ALREADY_EXISTED
    if mentee_pair_of_kind is not None:
        return PairRefusal.MENTEE_HAS_KIND
    if mentor_active_pairs >= max_mentees_per_mentor:
        return PairRefusal.MENTOR_FULL
    return None


def check_new_mentor(
    *, pair: Pair, new_mentor: Person, mentor_active_pairs: int, max_mentees_per_mentor: int
) -> PairRefusal | None:
    if new_mentor.id == pair.mentee_id:
        return PairRefusal.SAME_PERSON
    if not new_mentor.active:
        return PairRefusal.INACTIVE
    if new_mentor.role is not Role.MENTOR:
        return PairRefusal.NOT_A_MENTOR
    if new_mentor.id == pair.mentor_id:
        return PairRefusal.SAME_MENTOR
    if mentor_active_pairs >= max_mentees_per_mentor:
        return PairRefusal.MENTOR_FULL
    return None


def may_change_role_or_leave(active_pairs: list[Pair]) -> bool:
    """A person in an active pair keeps their role and stays active until the pair is
    reassigned or ended."""
    return not active_pairs
