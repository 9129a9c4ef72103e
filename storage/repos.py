"""All repositories over one connection inside one transaction."""

from __future__ import annotations

import aiosqlite

from storage.access_requests import AccessRequestsRepo
from storage.attempts import AttemptsRepo
from storage.digest import DigestRepo
from storage.export import ExportRepo
from storage.feedback import FeedbackRepo
from storage.invites import InvitesRepo
from storage.meetings import MeetingsRepo
from storage.outbox import OutboxRepo
from storage.pairs import PairsRepo
from storage.people import PeopleRepo
from storage.personal_data import PersonalDataRepo
from storage.plans import PlansRepo
from storage.questions import QuestionsRepo
from storage.reminders import RemindersRepo
from storage.stats import StatsRepo


class Repos:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.people = PeopleRepo(conn)
        self.pairs = PairsRepo(conn)
        self.invites = InvitesRepo(conn)
        self.requests = AccessRequestsRepo(conn)
        self.outbox = OutboxRepo(conn)
        self.attempts = AttemptsRepo(conn)
        self.questions = QuestionsRepo(conn)
        self.plans = PlansRepo(conn)
        self.meetings = MeetingsRepo(conn)
        self.reminders = RemindersRepo(conn)
        self.digest = DigestRepo(conn)
        self.stats = StatsRepo(conn)
        self.export = ExportRepo(conn)
        self.feedback = FeedbackRepo(conn)
        self.personal_data = PersonalDataRepo(conn)
