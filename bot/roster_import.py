"""Applying a parsed roster: people first, then the pairs of mentee rows, in one transaction.

A bad row becomes a row error and leaves nothing half-written (each row runs in a SAVEPOINT);
the good rows are applied. Importing the same file again changes nothing.
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.i18n import Html, I18n, Translator
from bot.pairing import PairError, create_pair
from bot.roster import ParsedRoster, RosterRow, RowError, parse_telegram
from bot.rules import default_pair_end, may_change_role_or_leave
from bot.text import clean_name, name_key
from storage.db import Database
from storage.models import Person, Role
from storage.repos import Repos

# A reply must fit in one Telegram message (4096 characters); the rest is counted, not listed.
_REPLY_ERROR_LINES = 40
_REPLY_MAX_CHARS = 3500


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    pairs_formed: int = 0
    errors: list[RowError] = field(default_factory=list)  # parse and apply errors, by line


class _RowFailed(Exception):
    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = args


async def import_roster(
    db: Database,
    roster: ParsedRoster,
    i18n: I18n,
    *,
    now: datetime,
    today: date,
    max_mentees_per_mentor: int,
    imported_by: int | None = None,
) -> ImportSummary:
    """`imported_by` is the importing admin's person id (None from the command line)."""
    summary = ImportSummary(errors=list(roster.errors))
    async with db.transaction() as tx:
        people = _PeoplePhase(tx, now, summary)
        person_of_row: dict[int, int] = {}
        for row in roster.rows:
            person_id = await people.apply(row)
            if person_id is not None:
                person_of_row[row.line] = person_id
        for row in roster.rows:
            if row.role is Role.MENTEE and row.mentor and row.line in person_of_row:
                await _apply_pair(
                    tx,
                    i18n,
                    row,
                    person_of_row[row.line],
                    summary,
                    now=now,
                    today=today,
                    max_mentees_per_mentor=max_mentees_per_mentor,
                    imported_by=imported_by,
                )
    summary.errors.sort(key=lambda error: error.line)
    return summary


class _PeoplePhase:
    def __init__(self, tx: Repos, now: datetime, summary: ImportSummary) -> None:
        self.tx = tx
        self.now = now
        self.summary = summary
        self.first_line: dict[int, int] = {}  # person id → the line that first named them

    async def apply(self, row: RosterRow) -> int | None:
        """The person's id, or None when the row is refused (the error is recorded)."""
        try:
            async with self.tx.savepoint():
                return await self._apply(row)
        except _RowFailed as failed:
            self._error(row, failed.key, failed.values)
        except sqlite3.IntegrityError:
            self._error(row, "roster-row-conflict", {})
        return None

    def _error(self, row: RosterRow, key: str, args: dict[str, object]) -> None:
        self.summary.errors.append(RowError(line=row.line, key=key, args=args))

    async def _apply(self, row: RosterRow) -> int:
        person = await self._match(row)
        if person is None:
            added = await self.tx.people.add(
                full_name=row.full_name,
                role=row.role,
                now=self.now,
                department=row.department,
                username=row.username,
                telegram_id=row.telegram_id,
            )
            self.summary.added += 1
            self.first_line[added.id] = row.line
            return added.id
        changes = _changes(person, row)
        first = self.first_line.get(person.id)
        if first is not None:
            # The same person again (say, a mentee with a business mentor too): one record,
            # counted once; a second row that says something else is a mistake in the file.
            if changes:
                raise _RowFailed("roster-row-repeat-differs", first=str(first))
            return person.id
        if "role" in changes:
            active = await self.tx.pairs.active_for_person(person.id)
            if not may_change_role_or_leave(active):
                raise _RowFailed("roster-row-role-locked", name=person.full_name)
        if changes:
            await self.tx.people.update(person.id, self.now, **changes)
            self.summary.updated += 1
        else:
            self.summary.unchanged += 1
        self.first_line[person.id] = row.line
        return person.id

    async def _match(self, row: RosterRow) -> Person | None:
        """By Telegram id, then @username, then full name; refuse what is ambiguous."""
        named = await self.tx.people.by_name(row.full_name)
        if row.telegram_id is not None:
            person = await self.tx.people.by_telegram_id(row.telegram_id)
            if person is not None:
                _check_name(person, row, named, str(row.telegram_id))
                return person
        if row.username is not None:
            found = await self.tx.people.by_username(row.username)
            if len(found) > 1:
                found = [p for p in found if name_key(p.full_name) == name_key(row.full_name)]
                if len(found) != 1:
                    raise _RowFailed("roster-row-ambiguous-username", username=row.username)
            if found:
                person = found[0]
                _check_telegram(person, row)
                _check_name(person, row, named, "@" + row.username)
                if person.seen and name_key(person.full_name) != name_key(row.full_name):
                    # A username can change hands; it never renames someone using the bot.
                    raise _RowFailed(
                        "roster-row-identity-conflict",
                        telegram="@" + row.username,
                        owner=person.full_name,
                        name=row.full_name,
                    )
                return person
        if len(named) > 1:
            raise _RowFailed("roster-row-ambiguous-name", name=row.full_name)
        if named:
            _check_telegram(named[0], row)
            return named[0]
        return None


def _check_name(person: Person, row: RosterRow, named: list[Person], telegram: str) -> None:
    """The Telegram account is one person's and the full name another's: which is meant?"""
    if name_key(person.full_name) != name_key(row.full_name) and named:
        raise _RowFailed(
            "roster-row-identity-conflict",
            telegram=telegram,
            owner=person.full_name,
            name=row.full_name,
        )


def _check_telegram(person: Person, row: RosterRow) -> None:
    """A person who has opened the bot is never moved to another account by a file; until
    then a wrong id in an earlier file can be corrected."""
    if (
        row.telegram_id is not None
        and person.telegram_id is not None
        and person.telegram_id != row.telegram_id
        and person.seen
    ):
        raise _RowFailed("roster-row-linked-elsewhere", name=person.full_name)


def _changes(person: Person, row: RosterRow) -> dict[str, Any]:
    """What the row says differently; an empty cell never erases what is known."""
    changes: dict[str, Any] = {}
    if clean_name(row.full_name) != person.full_name:
        changes["full_name"] = row.full_name
    if row.role is not person.role:
        changes["role"] = row.role
    if row.department is not None and row.department != person.department:
        changes["department"] = row.department
    if row.username is not None and row.username != person.username:
        changes["username"] = row.username
    if row.telegram_id is not None and row.telegram_id != person.telegram_id:
        changes["telegram_id"] = row.telegram_id  # _check_telegram allowed it
    return changes


async def _apply_pair(
    tx: Repos,
    i18n: I18n,
    row: RosterRow,
    mentee_id: int,
    summary: ImportSummary,
    *,
    now: datetime,
    today: date,
    max_mentees_per_mentor: int,
    imported_by: int | None,
) -> None:
    try:
        async with tx.savepoint():
            mentor = await _resolve_mentor(tx, row.mentor or "")
            start = row.start or today
            if row.start is not None:
                existing = await tx.pairs.find(mentee_id, mentor.id, start)
            else:  # no start in the file: the pair is the latest of this mentor and kind
                existing = await tx.pairs.latest(mentee_id, mentor.id, row.kind)
            if existing is not None:  # in any status: an ended pair is never revived
                return
            try:
                await create_pair(
                    tx,
                    i18n,
                    mentor_id=mentor.id,
                    mentee_id=mentee_id,
                    kind=row.kind,
                    start=start,
                    end=row.end or default_pair_end(start),
                    order_ref=row.order_ref,
                    now=now,
                    max_mentees_per_mentor=max_mentees_per_mentor,
                    created_by=imported_by,
                )
            except PairError as refused:
                raise _RowFailed(
                    refused.refusal.value,
                    mentor=mentor.full_name,
                    mentee=row.full_name,
                    kind=row.kind.value,
                    max=max_mentees_per_mentor,
                ) from refused
            summary.pairs_formed += 1
    except _RowFailed as failed:
        summary.errors.append(RowError(line=row.line, key=failed.key, args=failed.values))
    except sqlite3.IntegrityError:
        summary.errors.append(RowError(line=row.line, key="roster-row-conflict", args={}))


async def _resolve_mentor(tx: Repos, reference: str) -> Person:
    """A numeric Telegram id, @username or t.me link, or a full name (then a bare username)."""
    telegram = parse_telegram(reference)
    found: list[Person] = []
    if telegram is not None and telegram[0] is not None:
        person = await tx.people.by_telegram_id(telegram[0])
        found = [person] if person is not None else []
    elif telegram is not None and telegram[1] is not None and _is_explicit_username(reference):
        found = await tx.people.by_username(telegram[1])
    else:
        found = await tx.people.by_name(reference)
        if not found and telegram is not None and telegram[1] is not None:
            found = await tx.people.by_username(telegram[1])
    if not found:
        raise _RowFailed("roster-row-mentor-not-found", mentor=reference)
    mentors = [person for person in found if person.role is Role.MENTOR]
    if len(mentors) > 1:
        raise _RowFailed("roster-row-mentor-ambiguous", mentor=reference)
    if not mentors:
        raise _RowFailed("roster-row-mentor-not-mentor", mentor=found[0].full_name)
    return mentors[0]


def _is_explicit_username(reference: str) -> bool:
    """ "Petrov" may be a surname or a username; "@petrov" or a t.me link is surely a username."""
    return reference.startswith("@") or "/" in reference


def render_summary(t: Translator, summary: ImportSummary) -> str:
    """The bot's reply: the counts, then one line per bad row (as many as fit one message)."""
    lines = [
        t("roster-summary-title"),
        t("roster-summary-added", count=summary.added),
        t("roster-summary-updated", count=summary.updated),
        t("roster-summary-unchanged", count=summary.unchanged),
        t("roster-summary-pairs", count=summary.pairs_formed),
    ]
    if not summary.errors:
        lines.append(t("roster-summary-no-errors"))
        return "\n".join(lines)
    lines.append("")
    lines.append(t("roster-summary-errors", count=len(summary.errors)))
    length = sum(len(line) + 1 for line in lines)
    shown = 0
    for error in summary.errors:
        line = t("roster-summary-error", line=str(error.line), reason=Html(_reason(t, error)))
        if shown >= _REPLY_ERROR_LINES or length + len(line) > _REPLY_MAX_CHARS:
            break
        lines.append(line)
        length += len(line) + 1
        shown += 1
    if shown < len(summary.errors):
        lines.append(t("roster-summary-more-errors", count=len(summary.errors) - shown))
    return "\n".join(lines)


def render_cli(t: Translator, summary: ImportSummary) -> list[str]:
    """The command line's report; the first line's format is a contract scripts rely on."""
    lines = [
        f"added: {summary.added}, updated: {summary.updated}, unchanged: {summary.unchanged},"
        f" pairs formed: {summary.pairs_formed}, errors: {len(summary.errors)}"
    ]
    for error in summary.errors:
        lines.append(f"line {error.line}: {html.unescape(_reason(t, error))}")
    return lines


def _reason(t: Translator, error: RowError) -> str:
    return t(error.key, **error.args)
