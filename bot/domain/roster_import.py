"""Applying a parsed roster: plan against a snapshot in memory, then write in one short transaction.

Why this shape: the bot has one database connection, so every update waits while an import holds
it. The plan (matching people, checking pairs by the programme's rules) runs in a worker thread
on a snapshot read in two queries; the write is a handful of set-based statements that first
check the snapshot is still what the database holds, and plan again if not. A file is applied as
a whole or not at all: bad rows are reported, the good ones written, in one commit. Importing the
same file again changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.domain.access import settle_for_account
from bot.domain.links import Links
from bot.domain.notify import Notice, tell_all
from bot.domain.pairing import pair_started_notices
from bot.domain.plans import PlanTemplate, plan_rows, shipped_template
from bot.domain.roster import ParsedRoster, RosterRow, RowError, parse_telegram
from bot.domain.rules import check_new_pair, default_pair_end, may_change_role_or_leave
from storage.db import Database
from storage.models import Pair, PairKind, PairStatus, Person, Role
from storage.names import clean_name, name_key
from storage.repos import Repos

log = logging.getLogger(__name__)

# A reply must fit in one Telegram message (4096 characters); the rest is counted, not listed.
# Plans made outside the write lock before planning under it (someone kept changing people).
_OPTIMISTIC_ATTEMPTS = 3


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    pairs_formed: int = 0
    errors: list[RowError] = field(default_factory=list)  # parse and apply errors, by line
    write_seconds: float = 0.0  # how long the write transaction held the database
    plans: int = 0  # how many times the file was planned (more than 1: the data moved meanwhile)


class _RowFailed(Exception):
    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = args


@dataclass(frozen=True)
class _Snapshot:
    people: list[Person]
    pairs: list[Pair]

    def fingerprint(self) -> tuple[object, ...]:
        """What a plan depends on; the command menu a chat last got does not count."""
        return (
            [(p.id, p.full_name, p.role, p.is_admin, p.department, p.username, p.telegram_id,
              p.language, p.active, p.seen) for p in self.people],
            self.pairs,
        )  # fmt: skip


async def _read_snapshot(tx: Repos) -> _Snapshot:
    return _Snapshot(await tx.people.all(), await tx.pairs.all())


@dataclass
class _Plan:
    summary: ImportSummary
    added: list[Person]
    updated: list[Person]
    pairs: list[Pair]
    notices: list[Notice]  # of the new pairs


async def import_roster(
    db: Database,
    roster: ParsedRoster,
    *,
    now: datetime,
    today: date,
    max_mentees_per_mentor: int,
    imported_by: int | None = None,
    template: PlanTemplate | None = None,
    links: Links | None = None,
) -> ImportSummary:
    """`imported_by` is the importing admin's person id (None from the command line); every
    new pair gets its plan from `template` (default: the shipped one)."""
    template = template or shipped_template()

    def plan(snapshot: _Snapshot) -> _Plan:
        planner = _Planner(snapshot, roster, today, max_mentees_per_mentor, imported_by, links)
        return planner.run(now)

    for attempt in range(1, _OPTIMISTIC_ATTEMPTS + 2):
        optimistic = attempt <= _OPTIMISTIC_ATTEMPTS
        planned: _Plan | None = None
        if optimistic:
            async with db.bulk_read() as tx:
                snapshot = await _read_snapshot(tx)
            planned = await asyncio.to_thread(plan, snapshot)
        async with db.transaction(heavy=True) as tx:
            started = time.perf_counter()
            current = await _read_snapshot(tx)
            if planned is None:  # the last resort: plan while holding the write lock
                planned = await asyncio.to_thread(plan, current)
            elif current.fingerprint() != snapshot.fingerprint():
                log.info("roster import: people or pairs changed while planning; planning again")
                continue
            await _write(tx, planned, template, now=now, imported_by=imported_by)
            planned.summary.write_seconds = time.perf_counter() - started
        planned.summary.plans = attempt
        return planned.summary
    raise AssertionError("unreachable: the last attempt plans under the lock")


async def _write(
    tx: Repos,
    plan: _Plan,
    template: PlanTemplate,
    *,
    now: datetime,
    imported_by: int | None,
) -> None:
    await tx.people.add_many(plan.added, now)
    await tx.people.update_roster_fields_many(plan.updated, now)
    await tx.pairs.add_many(plan.pairs, now, imported_by)
    await tx.plans.add_many(plan_rows(plan.pairs, template), now)
    # Someone waiting for an admin's decision is in the roster by their id now: settled (and,
    # as they wrote to the bot, what the bot tells them goes to them from now on).
    for telegram_id in await tx.requests.pending_of_people():
        person = await tx.people.by_telegram_id(telegram_id)
        if person is not None:
            await settle_for_account(tx, telegram_id, person, now)
    await tell_all(tx, plan.notices, now)


class _Planner:
    """The whole import in memory: rows in file order, people first, then the pairs."""

    def __init__(
        self,
        snapshot: _Snapshot,
        roster: ParsedRoster,
        today: date,
        max_mentees_per_mentor: int,
        imported_by: int | None,
        links: Links | None = None,
    ) -> None:
        self.links = links  # the buttons of the pairs' notices
        self.roster = roster
        self.today = today
        self.max_mentees = max_mentees_per_mentor
        self.imported_by = imported_by
        self.summary = ImportSummary(errors=list(roster.errors))
        self.original = {person.id: person for person in snapshot.people}
        self.people: dict[int, Person] = {}
        self.by_telegram: dict[int, int] = {}
        self.by_username: dict[str, list[int]] = defaultdict(list)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for person in snapshot.people:
            self._put(person)
        self.next_person_id = max(self.original, default=0) + 1
        self.added: list[int] = []
        self.first_line: dict[int, int] = {}  # person id → the line that first named them
        # Pairs by what the rules ask of them, so that a plan of thousands of rows stays linear.
        self.by_identity: dict[tuple[int, int, date], Pair] = {}
        self.by_mentor_kind: dict[tuple[int, int, PairKind], list[Pair]] = defaultdict(list)
        self.active_of: dict[int, list[Pair]] = defaultdict(list)  # person id → active pairs
        self.active_of_kind: dict[tuple[int, PairKind], Pair] = {}  # (mentee id, kind)
        for pair in snapshot.pairs:
            self._index_pair(pair)
        self.next_pair_id = max((pair.id for pair in snapshot.pairs), default=0) + 1
        self.new_pairs: list[Pair] = []

    # --- people ---------------------------------------------------------------------------------

    def _put(self, person: Person) -> None:
        old = self.people.get(person.id)
        if old is not None:
            if old.telegram_id is not None:
                self.by_telegram.pop(old.telegram_id, None)
            if old.username:
                self.by_username[old.username].remove(old.id)
            self.by_name[name_key(old.full_name)].remove(old.id)
        self.people[person.id] = person
        if person.telegram_id is not None:
            self.by_telegram[person.telegram_id] = person.id
        if person.username:
            self.by_username[person.username].append(person.id)
        self.by_name[name_key(person.full_name)].append(person.id)

    def _named(self, full_name: str) -> list[Person]:
        return [self.people[i] for i in sorted(self.by_name.get(name_key(full_name), []))]

    def _with_username(self, username: str) -> list[Person]:
        return [self.people[i] for i in sorted(self.by_username.get(username.lower(), []))]

    def run(self, now: datetime) -> _Plan:
        person_of_row: dict[int, int] = {}
        for row in self.roster.rows:
            try:
                person_of_row[row.line] = self._person(row)
            except _RowFailed as failed:
                self._error(row, failed)
        for row in self.roster.rows:
            if row.role is Role.MENTEE and row.mentor and row.line in person_of_row:
                try:
                    self._pair(row, person_of_row[row.line])
                except _RowFailed as failed:
                    self._error(row, failed)
        self.summary.errors.sort(key=lambda error: error.line)
        added = set(self.added)
        updated = [
            person
            for person_id, person in self.people.items()
            if person_id not in added and person != self.original[person_id]
        ]
        return _Plan(
            summary=self.summary,
            added=[self.people[i] for i in self.added],
            updated=updated,
            pairs=self.new_pairs,
            notices=[
                notice
                for pair in self.new_pairs
                for notice in pair_started_notices(
                    pair, self.people[pair.mentor_id], self.people[pair.mentee_id], self.links
                )
            ],
        )

    def _error(self, row: RosterRow, failed: _RowFailed) -> None:
        self.summary.errors.append(RowError(line=row.line, key=failed.key, args=failed.values))

    def _person(self, row: RosterRow) -> int:
        """The person's id; _RowFailed when the row is refused."""
        person = self._match(row)
        if person is None:
            added = Person(
                id=self.next_person_id,
                full_name=clean_name(row.full_name),
                role=row.role,
                is_admin=False,
                department=row.department,
                username=row.username,
                telegram_id=row.telegram_id,
                language=None,
                active=True,
                blocked=False,
                seen=False,
                gender=row.gender,
            )
            self.next_person_id += 1
            self._put(added)
            self.added.append(added.id)
            self.summary.added += 1
            self.first_line[added.id] = row.line
            return added.id
        changed = _changed(person, row)
        first = self.first_line.get(person.id)
        if first is not None:
            # The same person again (say, a mentee with a business mentor too): one record,
            # counted once; a second row that says something else is a mistake in the file.
            if changed != person:
                raise _RowFailed("roster-row-repeat-differs", first=str(first))
            return person.id
        if changed.role is not person.role:
            self._check_role_change(person, changed, row)
        if changed != person:
            self._put(changed)
            self.summary.updated += 1
        else:
            self.summary.unchanged += 1
        self.first_line[person.id] = row.line
        return person.id

    def _check_role_change(self, person: Person, changed: Person, row: RosterRow) -> None:
        loses_rights = person.admin_on_record and not changed.admin_on_record
        if loses_rights and (person.seen or person.id == self.imported_by):
            # Rights of someone using the bot change in their card, never by a file.
            raise _RowFailed("roster-row-admin-kept", name=person.full_name)
        gains_rights = changed.admin_on_record and not person.admin_on_record
        if gains_rights and person.linked_by_username and row.telegram_id != person.telegram_id:
            # A username proves nothing; the numeric id in the file, or an admin's tap, does.
            raise _RowFailed("roster-row-admin-by-username", name=person.full_name)
        if not may_change_role_or_leave(self.active_of[person.id]):
            raise _RowFailed("roster-row-role-locked", name=person.full_name)

    def _match(self, row: RosterRow) -> Person | None:
        """By Telegram id, then @username, then full name — the name only when no id or
        username decides: a person with another Telegram id is another person."""
        named = self._named(row.full_name)
        if row.telegram_id is not None:
            person = self._by_telegram(row.telegram_id)
            if person is not None:
                if not _same_name(person, row):
                    if person.name_from_telegram and not named:
                        return person  # the name Telegram gave gives way to the full name
                    if person.seen:  # the id is theirs for sure: the file has the wrong one
                        raise _in_use(person, row, str(row.telegram_id))
                    if named:
                        raise _conflict(person, row, str(row.telegram_id))
                return person
        if row.username is not None:
            found = self._with_username(row.username)
            if len(found) > 1:
                found = [p for p in found if _same_name(p, row)]
                if len(found) != 1:
                    raise _RowFailed("roster-row-ambiguous-username", username=row.username)
            if found:
                person = found[0]
                if not _same_name(person, row):
                    if person.seen:  # a username can change hands; it never renames anyone
                        raise _in_use(person, row, "@" + row.username)
                    if named:
                        raise _conflict(person, row, "@" + row.username)
                return person
        if row.telegram_id is not None:
            named = [person for person in named if person.telegram_id is None]
        if len(named) > 1:
            raise _RowFailed("roster-row-ambiguous-name", name=row.full_name)
        return named[0] if named else None

    def _by_telegram(self, telegram_id: int) -> Person | None:
        person_id = self.by_telegram.get(telegram_id)
        return self.people[person_id] if person_id is not None else None

    # --- pairs ----------------------------------------------------------------------------------

    def _pair(self, row: RosterRow, mentee_id: int) -> None:
        mentor = self._mentor(row.mentor or "")
        mentee = self.people[mentee_id]
        start = row.start or self.today
        if row.start is not None:
            existing = self._find(mentee.id, mentor.id, start)
        else:  # no start in the file: the pair is the latest of this mentor and kind
            existing = self._latest(mentee.id, mentor.id, row.kind)
        if existing is not None:  # in any status: an ended pair is never revived
            return
        end = row.end or default_pair_end(start)
        refusal = check_new_pair(
            mentor=mentor,
            mentee=mentee,
            kind=row.kind,
            start=start,
            end=end,
            mentor_active_pairs=sum(
                1 for pair in self.active_of[mentor.id] if pair.mentor_id == mentor.id
            ),
            mentee_pair_of_kind=self.active_of_kind.get((mentee.id, row.kind)),
            same_pair_before=self._find(mentee.id, mentor.id, start),
            max_mentees_per_mentor=self.max_mentees,
        )
        if refusal is not None:
            raise _RowFailed(
                refusal.value,
                mentor=mentor.full_name,
                mentee=row.full_name,
                kind=row.kind.value,
                max=self.max_mentees,
            )
        pair = Pair(
            id=self.next_pair_id,
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            kind=row.kind,
            start=start,
            end=end,
            order_ref=row.order_ref,
            status=PairStatus.ACTIVE,
            close_reason=None,
            previous_pair_id=None,
            mentor_name=mentor.full_name,
            mentee_name=mentee.full_name,
        )
        self.next_pair_id += 1
        self._index_pair(pair)
        self.new_pairs.append(pair)
        self.summary.pairs_formed += 1

    def _index_pair(self, pair: Pair) -> None:
        self.by_identity.setdefault((pair.mentee_id, pair.mentor_id, pair.start), pair)
        self.by_mentor_kind[(pair.mentee_id, pair.mentor_id, pair.kind)].append(pair)
        if pair.status is PairStatus.ACTIVE:
            self.active_of[pair.mentor_id].append(pair)
            self.active_of[pair.mentee_id].append(pair)
            self.active_of_kind.setdefault((pair.mentee_id, pair.kind), pair)

    def _find(self, mentee_id: int, mentor_id: int, start: date) -> Pair | None:
        return self.by_identity.get((mentee_id, mentor_id, start))

    def _latest(self, mentee_id: int, mentor_id: int, kind: PairKind) -> Pair | None:
        found = self.by_mentor_kind.get((mentee_id, mentor_id, kind), [])
        return max(found, key=lambda pair: (pair.start, pair.id), default=None)

    def _mentor(self, reference: str) -> Person:
        """A numeric Telegram id, @username or t.me link, or a full name (then a bare username)."""
        telegram = parse_telegram(reference)
        found: list[Person] = []
        if telegram is not None and telegram[0] is not None:
            person = self._by_telegram(telegram[0])
            found = [person] if person is not None else []
        elif telegram is not None and telegram[1] is not None and _is_explicit_username(reference):
            found = self._with_username(telegram[1])
        else:
            found = self._named(reference)
            if not found and telegram is not None and telegram[1] is not None:
                found = self._with_username(telegram[1])
        if not found:
            raise _RowFailed("roster-row-mentor-not-found", mentor=reference)
        mentors = [person for person in found if person.role is Role.MENTOR]
        if len(mentors) > 1:
            raise _RowFailed("roster-row-mentor-ambiguous", mentor=reference)
        if not mentors:
            raise _RowFailed("roster-row-mentor-not-mentor", mentor=found[0].full_name)
        return mentors[0]


def _same_name(person: Person, row: RosterRow) -> bool:
    return name_key(person.full_name) == name_key(row.full_name)


def _in_use(person: Person, row: RosterRow, telegram: str) -> _RowFailed:
    """The account belongs to someone who uses the bot under another name."""
    return _RowFailed(
        "roster-row-account-in-use", telegram=telegram, owner=person.full_name, name=row.full_name
    )


def _conflict(person: Person, row: RosterRow, telegram: str) -> _RowFailed:
    """The Telegram account is one person's and the full name another's: which is meant?"""
    return _RowFailed(
        "roster-row-identity-conflict",
        telegram=telegram,
        owner=person.full_name,
        name=row.full_name,
    )


def _changed(person: Person, row: RosterRow) -> Person:
    """The person as the row describes them; an empty cell never erases what is known."""
    return replace(
        person,
        full_name=clean_name(row.full_name),
        role=row.role,
        department=row.department if row.department is not None else person.department,
        username=row.username if row.username is not None else person.username,
        telegram_id=row.telegram_id if row.telegram_id is not None else person.telegram_id,
        gender=row.gender or person.gender,
    )


def _is_explicit_username(reference: str) -> bool:
    """ "Petrov" may be a surname or a username; "@petrov" or a t.me link is surely a username."""
    return reference.startswith("@") or "/" in reference
