"""People: the roster, their roles and their Telegram accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage.models import Person, Role, from_db_time, to_db_time
from storage.names import Gender, PersonName, clean_name, name_key
from storage.sql import fetch_all, fetch_one

_COLUMNS = (
    "id, full_name, role, is_admin, department, username, telegram_id, language, active,"
    " blocked_at, first_seen_at, commands_menu, linked_by_username, gender, name_from_telegram,"
    " consent_version, consent_withdrawn_at"
)


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"],
        full_name=PersonName(row["full_name"], row["gender"]),
        role=Role(row["role"]),
        is_admin=bool(row["is_admin"]),
        department=row["department"],
        username=row["username"],
        telegram_id=row["telegram_id"],
        language=row["language"],
        active=bool(row["active"]),
        blocked=row["blocked_at"] is not None,
        seen=row["first_seen_at"] is not None,
        commands_menu=row["commands_menu"],
        linked_by_username=bool(row["linked_by_username"]),
        gender=Gender(row["gender"]) if row["gender"] else None,
        name_from_telegram=bool(row["name_from_telegram"]),
        consent_version=row["consent_version"],
        consent_withdrawn_at=(
            from_db_time(row["consent_withdrawn_at"]) if row["consent_withdrawn_at"] else None
        ),
    )


class PeopleRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _one(self, where: str, *params: Any) -> Person | None:
        row = await fetch_one(
            self.conn, f"SELECT {_COLUMNS} FROM people WHERE {where} LIMIT 1", params
        )
        return _person(row) if row else None

    async def _many(self, sql: str, *params: Any) -> list[Person]:
        return [_person(row) for row in await fetch_all(self.conn, sql, params)]

    async def get(self, person_id: int) -> Person | None:
        return await self._one("id = ?", person_id)

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        return await self._one("telegram_id = ?", telegram_id)

    async def unlinked_by_username(self, username: str) -> Person | None:
        """Only a roster row not yet linked may be claimed by @username."""
        return await self._one(
            "username = ? AND telegram_id IS NULL AND active = 1 ORDER BY id", username.lower()
        )

    async def by_username(self, username: str) -> list[Person]:
        return await self._many(
            f"SELECT {_COLUMNS} FROM people WHERE username = ? ORDER BY id", username.lower()
        )

    async def by_name(self, full_name: str) -> list[Person]:
        return await self._many(
            f"SELECT {_COLUMNS} FROM people WHERE name_key = ? ORDER BY id", name_key(full_name)
        )

    async def all(self) -> list[Person]:
        """Everyone, for planning a roster import in memory."""
        return await self._many(f"SELECT {_COLUMNS} FROM people ORDER BY id")

    async def add_many(self, people: list[Person], now: datetime) -> None:
        """Insert people with the ids given (a roster import decides them in its plan)."""
        stamp = to_db_time(now)
        await self.conn.executemany(
            "INSERT INTO people (id, full_name, name_key, role, is_admin, department, username,"
            " telegram_id, language, gender, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    clean_name(p.full_name),
                    name_key(p.full_name),
                    p.role.value,
                    int(p.is_admin),
                    p.department,
                    p.username.lower() if p.username else None,
                    p.telegram_id,
                    p.language,
                    p.gender.value if p.gender else None,
                    stamp,
                    stamp,
                )
                for p in people
            ],
        )

    async def update_roster_fields_many(self, people: list[Person], now: datetime) -> None:
        """Write the fields a roster row may change (name, role, department, username, id, the
        gender its role word tells); the name is the roster's from now on."""
        stamp = to_db_time(now)
        await self.conn.executemany(
            "UPDATE people SET full_name = ?, name_key = ?, role = ?, department = ?,"
            " username = ?, telegram_id = ?, gender = ?, name_from_telegram = 0, updated_at = ?"
            " WHERE id = ?",
            [
                (
                    clean_name(p.full_name),
                    name_key(p.full_name),
                    p.role.value,
                    p.department,
                    p.username.lower() if p.username else None,
                    p.telegram_id,
                    p.gender.value if p.gender else None,
                    stamp,
                    p.id,
                )
                for p in people
            ],
        )

    async def add(
        self,
        *,
        full_name: str,
        role: Role,
        now: datetime,
        is_admin: bool = False,
        department: str | None = None,
        username: str | None = None,
        telegram_id: int | None = None,
        language: str | None = None,
        name_from_telegram: bool = False,
    ) -> Person:
        stamp = to_db_time(now)
        cur = await self.conn.execute(
            "INSERT INTO people (full_name, name_key, role, is_admin, department, username,"
            " telegram_id, language, name_from_telegram, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                clean_name(full_name),
                name_key(full_name),
                role.value,
                int(is_admin),  # a granted right; the admin role carries it by itself
                department,
                username.lower() if username else None,
                telegram_id,
                language,
                int(name_from_telegram),
                stamp,
                stamp,
            ),
        )
        person = await self.get(int(cur.lastrowid or 0))
        assert person is not None
        return person

    async def update(self, person_id: int, now: datetime, **fields: Any) -> None:
        """Change the named columns; full_name also refreshes the matching key."""
        allowed = {
            "full_name",
            "role",
            "is_admin",
            "department",
            "username",
            "telegram_id",
            "language",
            "active",
            "linked_by_username",
            "gender",
            "name_from_telegram",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown person fields: {sorted(unknown)}")
        if not fields:
            return
        values: dict[str, Any] = {}
        for column, value in fields.items():
            if isinstance(value, Role | Gender):
                value = value.value
            elif isinstance(value, bool):
                value = int(value)
            values[column] = value
        if "full_name" in values:
            values["full_name"] = clean_name(values["full_name"])
            values["name_key"] = name_key(values["full_name"])
            values.setdefault("name_from_telegram", 0)  # a name set here is no longer Telegram's
        if values.get("username"):
            values["username"] = str(values["username"]).lower()
        values["updated_at"] = to_db_time(now)
        assignments = ", ".join(f"{column} = ?" for column in values)
        await self.conn.execute(
            f"UPDATE people SET {assignments} WHERE id = ?", (*values.values(), person_id)
        )

    async def claim_commands_menu(self, person_id: int, signature: str | None) -> bool:
        """Record the command menu about to be set; False when it is recorded already, so that
        two updates handled at once do not both set it."""
        cur = await self.conn.execute(
            "UPDATE people SET commands_menu = ? WHERE id = ? AND commands_menu IS NOT ?",
            (signature, person_id, signature),
        )
        return cur.rowcount == 1

    async def mark_blocked(self, person_id: int, now: datetime) -> None:
        """The person blocked the bot: no pushes until they unblock it (mark_unblocked) or
        /start again (mark_seen). The first moment is kept."""
        await self.conn.execute(
            "UPDATE people SET blocked_at = COALESCE(blocked_at, ?) WHERE id = ?",
            (to_db_time(now), person_id),
        )

    async def mark_unblocked(self, person_id: int) -> bool:
        """Telegram says the person unblocked the bot; False when they were not marked."""
        cur = await self.conn.execute(
            "UPDATE people SET blocked_at = NULL WHERE id = ? AND blocked_at IS NOT NULL",
            (person_id,),
        )
        return cur.rowcount == 1

    async def mark_seen(self, person_id: int, now: datetime, username: str | None = None) -> None:
        """The person opened the bot: remember the first time, that they no longer block it,
        and the @username they have now (if any)."""
        await self.conn.execute(
            "UPDATE people SET first_seen_at = COALESCE(first_seen_at, ?), blocked_at = NULL,"
            " username = COALESCE(?, username) WHERE id = ?",
            (to_db_time(now), username.lower() if username else None, person_id),
        )

    async def record_consent(self, person_id: int, version: int, now: datetime) -> bool:
        """The person accepted this version of the text (a withdrawal before is over); False
        when they had already."""
        cur = await self.conn.execute(
            "UPDATE people SET consent_version = ?, consent_at = ?, consent_withdrawn_at = NULL"
            " WHERE id = ? AND consent_version < ?",
            (version, to_db_time(now), person_id, version),
        )
        return cur.rowcount == 1

    async def withdraw_consent(self, person_id: int, now: datetime) -> bool:
        """The person withdrew the consent they had given: none on record any more, and when it
        was withdrawn (consent_at keeps when it was given). False when they had none to withdraw.
        first_seen_at stays: a roster import or an invite never takes over an account in use."""
        cur = await self.conn.execute(
            "UPDATE people SET consent_version = 0, consent_withdrawn_at = ?"
            " WHERE id = ? AND consent_version > 0",
            (to_db_time(now), person_id),
        )
        return cur.rowcount == 1

    async def admins(self) -> list[Person]:
        return await self._many(
            f"SELECT {_COLUMNS} FROM people WHERE active = 1 AND (is_admin = 1 OR role = 'admin')"
            " ORDER BY id"
        )

    @staticmethod
    def _filter(
        role: Role | None,
        department: str | None,
        active: bool | None,
        name_part: str | None,
        unseen: bool,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1 = 1"]
        params: list[Any] = []
        if role is Role.ADMIN:
            clauses.append("(role = 'admin' OR is_admin = 1)")
        elif role is not None:
            clauses.append("role = ?")
            params.append(role.value)
        if department is not None:
            clauses.append("COALESCE(department, '') = ?")
            params.append(department)
        if active is not None:
            clauses.append("active = ?")
            params.append(int(active))
        if name_part:
            clauses.append("instr(name_key, ?) > 0")
            params.append(name_key(name_part))
        if unseen:
            clauses.append("first_seen_at IS NULL")
        return " AND ".join(clauses), params

    async def page(
        self,
        *,
        role: Role | None = None,
        department: str | None = None,
        active: bool | None = True,
        name_part: str | None = None,
        unseen: bool = False,
        offset: int = 0,
        limit: int = 10,
    ) -> tuple[list[Person], int]:
        where, params = self._filter(role, department, active, name_part, unseen)
        row = await fetch_one(self.conn, f"SELECT COUNT(*) FROM people WHERE {where}", params)
        total = int(row[0]) if row else 0
        people = await self._many(
            f"SELECT {_COLUMNS} FROM people WHERE {where} ORDER BY name_key, id LIMIT ? OFFSET ?",
            *params,
            limit,
            offset,
        )
        return people, total

    async def departments(self) -> list[str]:
        rows = await fetch_all(
            self.conn,
            "SELECT DISTINCT department FROM people WHERE department IS NOT NULL"
            " AND department <> '' AND active = 1 ORDER BY department",
        )
        return [row[0] for row in rows]

    async def count(self) -> int:
        row = await fetch_one(self.conn, "SELECT COUNT(*) FROM people")
        return int(row[0]) if row else 0
