"""All repositories over one connection inside one transaction."""

from __future__ import annotations

import aiosqlite

from storage.access_requests import AccessRequestsRepo
from storage.invites import InvitesRepo
from storage.outbox import OutboxRepo
from storage.pairs import PairsRepo
from storage.people import PeopleRepo


class Repos:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.people = PeopleRepo(conn)
        self.pairs = PairsRepo(conn)
        self.invites = InvitesRepo(conn)
        self.requests = AccessRequestsRepo(conn)
        self.outbox = OutboxRepo(conn)
