"""The programme's records as the storage layer hands them out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from storage.names import Gender


class Role(StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    ADMIN = "admin"


class PairKind(StrEnum):
    PEDAGOGICAL = "pedagogical"
    BUSINESS = "business"


class PairStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED = "ended"
    REASSIGNED = "reassigned"


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


def to_db_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    full_name: str
    role: Role
    is_admin: bool
    department: str | None
    username: str | None
    telegram_id: int | None
    language: str | None
    active: bool
    blocked: bool
    seen: bool  # has opened the bot at least once
    commands_menu: str | None = None  # what set_my_commands last got for their chat
    linked_by_username: bool = False  # their account was linked by a bare @username only
    gender: Gender | None = None  # recorded (role word, card); full_name.gender is the one used
    name_from_telegram: bool = False  # the name is Telegram's, until a roster row or an admin's
    consent_version: int = 0  # the version of the consent text they accepted (0: none)
    consent_withdrawn_at: datetime | None = None  # withdrawn then, and not accepted since

    @property
    def admin_on_record(self) -> bool:
        """Admin by role or by a grant, whether or not the person is active now."""
        return self.is_admin or self.role is Role.ADMIN

    @property
    def has_admin_rights(self) -> bool:
        return self.active and self.admin_on_record


@dataclass(frozen=True, slots=True)
class Pair:
    id: int
    mentor_id: int
    mentee_id: int
    kind: PairKind
    start: date
    end: date
    order_ref: str | None
    status: PairStatus
    close_reason: str | None
    previous_pair_id: int | None
    mentor_name: str
    mentee_name: str

    def other_id(self, person_id: int) -> int:
        """The other side of the pair, seen from one of its sides."""
        return self.mentee_id if self.mentor_id == person_id else self.mentor_id

    def other_name(self, person_id: int) -> str:
        """The other side's full name, seen from one of the pair's sides."""
        return self.mentee_name if self.mentor_id == person_id else self.mentor_name


@dataclass(frozen=True, slots=True)
class Invite:
    token: str
    person_id: int
    expires_at: datetime
    used: bool


@dataclass(frozen=True, slots=True)
class AccessRequest:
    id: int
    telegram_id: int
    username: str | None
    display_name: str
    status: RequestStatus
    decided_by: int | None
    person_id: int | None


class OutboxMethod(StrEnum):
    SEND = "send"
    EDIT = "edit"


class FileKind(StrEnum):
    """A file kept by Telegram and sent on by its file_id."""

    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A due row of the outbox, with where it goes resolved."""

    id: int
    key: str
    person_id: int | None
    chat_id: int | None  # None: the person has no Telegram account linked yet
    text: str
    attempts: int
    method: OutboxMethod = OutboxMethod.SEND
    message_id: int | None = None  # an edit: the message to change
    markup: str | None = None  # an inline keyboard as JSON
    personal: bool = False  # between people: at once, silently in quiet hours
    reachable: bool = True  # false: blocked the bot or left the programme
    edit_target_lost: bool = False  # an edit of a message that was never sent
    file_id: str | None = None  # a photo or document sent with `text` as its caption
    file_kind: FileKind | None = None
    reply_to_message_id: int | None = None  # a message in the recipient's chat
    # What to say rather than ready text: rendered in `language` when sent (bot/notices.py).
    text_key: str | None = None
    text_args: str | None = None  # JSON
    buttons: str | None = None  # JSON rows of buttons with catalog labels
    language: str | None = None  # the recipient's language now; None: the default
    stale_at: datetime | None = None  # from then on it no longer holds: skipped, not sent
    kind: str | None = None  # bot/domain/notify.py NoticeKind; None: queued before kinds
    upload_id: int | None = None  # a photo the bot made (uploads), `text` its caption


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A message to queue: to a person (or, with no person, to `chat_id`), kept as a catalog key
    with its JSON arguments and buttons, rendered in the recipient's language when sent. Built by
    bot/domain/notify.py, the one place that queues what the bot tells people."""

    key: str  # unique: kind, object, moment, recipient
    person_id: int | None
    kind: str  # bot/domain/notify.py NoticeKind
    subject: str | None  # what it is about, so a change to that cancels it while pending
    personal: bool  # between people: at once, silently in quiet hours
    text_key: str
    text_args: str  # JSON
    buttons: str | None  # JSON
    not_before: datetime
    stale_at: datetime | None = None  # from then on it no longer holds: skipped, not sent
    chat_id: int | None = None  # someone who is no person yet (a stranger's access answer)
    file_id: str | None = None  # a photo or document sent with the text as its caption
    file_kind: FileKind | None = None
    reply_to_message_id: int | None = None  # a message in the recipient's chat
    held_until_seen: bool = True  # for someone who never opened the bot: held until they do
    upload_id: int | None = None  # a photo the bot made (storage/outbox.py add_upload)


class QuestionStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"  # the mentor replied
    RESOLVED = "resolved"  # the mentee closed it


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    pair_id: int
    mentor_id: int
    mentee_id: int
    text: str
    file_id: str | None
    file_kind: FileKind | None
    ask_message_id: int | None
    status: QuestionStatus
    asked_at: datetime
    answered_at: datetime | None
    resolved_at: datetime | None
    mentor_name: str = ""
    mentee_name: str = ""


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class PlanChange(StrEnum):
    """What a change to an approved plan did (its history)."""

    ADD = "add"
    TITLE = "title"
    DUE = "due"
    REMOVE = "remove"


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class Plan:
    """A pair's individual development plan; `submission` counts the times it was sent to the
    admins, so a decision names the submission it was made on."""

    id: int
    pair_id: int
    status: PlanStatus
    submission: int
    comment: str | None  # the admin's comment when returned
    decided_by: int | None = None  # the admin whose decision the status is


@dataclass(frozen=True, slots=True)
class Milestone:
    """A step of a plan; `submission` counts the mentee's reports, so the mentor's decision
    names the report it was made on."""

    id: int
    plan_id: int
    title: str
    due: date
    status: MilestoneStatus
    submission: int
    comment: str | None  # the mentee's report
    file_id: str | None  # Telegram's file_id of the attached file
    file_kind: str | None  # photo | document
    mentor_comment: str | None  # why it was returned


@dataclass(frozen=True, slots=True)
class PlanHistoryEntry:
    """A change made to a plan after its approval, with the reason given."""

    change: PlanChange
    title: str  # the milestone's title when it was changed
    old: str | None  # the title or the ISO deadline before
    new: str | None  # … and after
    reason: str
    author_name: str
    at: datetime


class MeetingFormat(StrEnum):
    CONSULTATION = "consultation"
    MENTEE_VISIT = "mentee_visit"  # the mentee attends the mentor's lesson
    MENTOR_VISIT = "mentor_visit"  # the mentor attends the mentee's lesson
    OPEN_LESSON = "open_lesson"
    ANALYSIS = "analysis"  # lesson analysis
    OTHER = "other"


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    HELD = "held"
    NOT_HELD = "not_held"


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    pair_id: int
    proposed_by: int
    starts_at: datetime  # UTC
    duration_min: int
    format: MeetingFormat
    topic: str
    status: MeetingStatus
    logged: bool  # logged after it happened: confirming it makes it held
    content: str | None
    result: str | None
    task: str | None
    revision: int
