"""One way to tell someone. Everything the bot says to anyone but the person acting is a
`Notice` of a declared `NoticeKind`, queued through `tell` (or `tell_all`, `edit`) in the
transaction of the change that causes it, and sent from the outbox by scheduler/sender.py.

A kind is declared once, below: whom it is for, whether it is a message between people (sent at
once, silently in quiet hours) or a notice nobody asked for (waits for the end of quiet hours),
whether /settings can switch it off, and what it is about (its subject: a change to that object
cancels what is still pending about it). From the kind, `tell` builds the row's key, subject and
delivery, leaves out whoever switched the kind off, and the outbox holds a notice for someone who
has never opened the bot until their first /start. Nothing else queues into the outbox.

To add a kind: one member of NoticeKind (for a switchable one also its label
`settings-kind-<name>` in bot/locales/*/settings.ftl: /settings lists it by itself), then build a
`Notice` of it where the change happens and `tell` it. bot/domain/plans.py
(`decide_milestone_report`) is the example to copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.rules import needs_consent
from bot.notices import Button, Html, Text, args_json, buttons_json, joined, stored
from storage.models import FileKind, OutboxRow, Person
from storage.repos import Repos


class Audience(StrEnum):
    """Who a kind of notice is for: a side of a pair, the programme's admins, or someone who
    asked for access."""

    MENTOR = "mentor"
    MENTEE = "mentee"
    ADMIN = "admin"
    APPLICANT = "applicant"


class About(StrEnum):
    """What a notice is about: its subject, `<about>:<object>`. A change to the object cancels
    what is still pending about it (`cancel_about`), and takes the buttons off what was sent."""

    ACCESS_REQUEST = "access-request"  # every admin's copy of a request
    QUESTION = "question"  # the mentor's copy of a question
    ANSWER = "answer"  # the mentee's copy of an answer
    MEETING = "meeting"  # invitations, answers and changes of a meeting
    MILESTONE = "milestone"  # a report sent to the mentor for a decision
    PLAN_SUBMISSION = "plan"  # every admin's copy of one submission of a plan
    MEETING_REMINDERS = "remind:meeting"
    MILESTONE_REMINDERS = "remind:milestone"
    QUESTION_REMINDERS = "remind:question"
    PAIR_REMINDERS = "remind:pair"  # about the pair as a whole: its end cancels them
    DIGEST = "digest"
    FEEDBACK = "feedback"  # a questionnaire's form: answering it drops its reminder
    # a person's withdrawal of consent (`<person>:<moment>`), told to the admins and their
    # partners, and that they are back (`<person>:back`)
    CONSENT = "consent"

    def of(self, *object_id: object) -> str:
        return ":".join((self.value, *map(str, object_id)))


_MENTOR = frozenset({Audience.MENTOR})
_MENTEE = frozenset({Audience.MENTEE})
_BOTH = frozenset({Audience.MENTOR, Audience.MENTEE})
_ADMINS = frozenset({Audience.ADMIN})
_PERSONAL, _NOTICE = True, False
_SWITCH, _FIXED = True, False


class NoticeKind(StrEnum):
    """Every kind of message the bot queues. The value is the kind's name: part of every key,
    kept in the outbox row, and for a switchable kind the name of its switch in /settings
    (listed there in this order)."""

    audience: frozenset[Audience]
    personal: bool  # between people: at once, silently in quiet hours; else waits for morning
    switchable: bool  # /settings can switch it off
    about: About | None  # the subject it is cancelled by; None: nothing cancels it

    def __new__(
        cls,
        name: str,
        audience: frozenset[Audience],
        personal: bool,
        switchable: bool,
        about: About | None,
    ) -> NoticeKind:
        kind = str.__new__(cls, name)
        kind._value_ = name
        kind.audience = audience
        kind.personal = personal
        kind.switchable = switchable
        kind.about = about
        return kind

    # --- messages between people -------------------------------------------------------------
    ACCESS_REQUEST = "access-request", _ADMINS, _PERSONAL, _FIXED, About.ACCESS_REQUEST
    # beyond a few pending requests, instead of a copy of each: at most one an hour per admin
    ACCESS_SUMMARY = "access-summary", _ADMINS, _PERSONAL, _FIXED, None
    ACCESS_ANSWER = "access-answer", frozenset({Audience.APPLICANT}), _PERSONAL, _FIXED, None
    QUESTION = "question", _MENTOR, _PERSONAL, _FIXED, About.QUESTION
    ANSWER = "answer", _MENTEE, _PERSONAL, _FIXED, About.ANSWER
    MEETING = "meeting", _BOTH, _PERSONAL, _FIXED, About.MEETING
    MILESTONE_REPORT = "milestone-report", _MENTOR, _PERSONAL, _FIXED, About.MILESTONE
    MILESTONE_DECISION = "milestone-decision", _MENTEE, _PERSONAL, _FIXED, None
    PLAN_SUBMITTED = "plan-submitted", _ADMINS, _PERSONAL, _FIXED, About.PLAN_SUBMISSION
    PLAN_DECISION = "plan-decision", _BOTH, _PERSONAL, _FIXED, None
    # a deadline of an approved plan moved by the mentor, to the mentee
    PLAN_CHANGED = "plan-changed", _MENTEE, _PERSONAL, _FIXED, None
    # a mentee's questionnaire comment, which they chose to show their mentor
    FEEDBACK_SHARED = "feedback-shared", _MENTOR, _PERSONAL, _FIXED, None
    # the other side of a pair withdrew their consent: at once, as what is sent to them is
    # held from then on (bot/domain/consent.py)
    PARTNER_WITHDREW = "partner-withdrew", _BOTH, _PERSONAL, _FIXED, About.CONSENT
    # --- notices nobody asked for --------------------------------------------------------------
    PAIR = "pair", _BOTH, _NOTICE, _FIXED, None  # formed, reassigned, ended, completed
    # a person withdrew their consent (bot/domain/consent.py): the admins decide what follows;
    # accepting again drops what is still pending of it and tells whoever got one, and
    # withdrawing again drops a CONSENT_RESTORED still pending
    CONSENT_WITHDRAWN = "consent-withdrawn", _ADMINS, _NOTICE, _FIXED, About.CONSENT
    CONSENT_RESTORED = "consent-restored", _ADMINS | _BOTH, _NOTICE, _FIXED, About.CONSENT
    MEETING_CALLED_OFF = "meeting-called-off", _BOTH, _NOTICE, _FIXED, About.MEETING
    # a questionnaire's form (mid-period, final, or asked by an admin): the form itself
    FEEDBACK_ASK = "feedback-ask", _BOTH, _NOTICE, _FIXED, About.FEEDBACK
    # --- reminders and warnings (the scheduler's; each can be switched off) ---------------------
    MEETING_DAY = "meeting-day", _BOTH, _NOTICE, _SWITCH, About.MEETING_REMINDERS
    MEETING_HOUR = "meeting-hour", _BOTH, _NOTICE, _SWITCH, About.MEETING_REMINDERS
    MEETING_HELD = "meeting-held", _BOTH, _NOTICE, _SWITCH, About.MEETING_REMINDERS
    # to whichever side proposed
    MEETING_UNANSWERED = "meeting-unanswered", _BOTH, _NOTICE, _SWITCH, About.MEETING_REMINDERS
    MILESTONE_WEEK = "milestone-week", _MENTEE, _NOTICE, _SWITCH, About.MILESTONE_REMINDERS
    MILESTONE_DAY = "milestone-day", _MENTEE, _NOTICE, _SWITCH, About.MILESTONE_REMINDERS
    MILESTONE_OVERDUE = "milestone-overdue", _BOTH, _NOTICE, _SWITCH, About.MILESTONE_REMINDERS
    MILESTONE_REVIEW = "milestone-review", _MENTOR, _NOTICE, _SWITCH, About.MILESTONE_REMINDERS
    QUESTION_REMIND = "question-remind", _MENTOR, _NOTICE, _SWITCH, About.QUESTION_REMINDERS
    QUESTION_ESCALATE = "question-escalate", _ADMINS, _NOTICE, _SWITCH, About.QUESTION_REMINDERS
    PLAN_LATE = (
        "plan-late",
        frozenset({Audience.MENTOR, Audience.ADMIN}),
        _NOTICE,
        _SWITCH,
        About.PAIR_REMINDERS,
    )
    PAIR_INACTIVE = "pair-inactive", _BOTH, _NOTICE, _SWITCH, About.PAIR_REMINDERS
    PAIR_INACTIVE_ADMINS = "pair-inactive-admins", _ADMINS, _NOTICE, _SWITCH, About.PAIR_REMINDERS
    FINAL_REPORT_MONTH = "final-report-month", _BOTH, _NOTICE, _SWITCH, About.PAIR_REMINDERS
    FINAL_REPORT_WEEK = "final-report-week", _BOTH, _NOTICE, _SWITCH, About.PAIR_REMINDERS
    FEEDBACK_REMIND = "feedback-remind", _BOTH, _NOTICE, _SWITCH, About.FEEDBACK
    # the pair's report for the council, offered at mid-period and a week before the end
    PAIR_REPORT = (
        "pair-report",
        frozenset({Audience.MENTOR, Audience.ADMIN}),
        _NOTICE,
        _SWITCH,
        About.PAIR_REMINDERS,
    )
    DIGEST = "digest", _ADMINS, _NOTICE, _SWITCH, About.DIGEST

    @classmethod
    def named(cls, name: str) -> NoticeKind | None:
        """The kind of this name (from a button or a stored row); None for no such kind."""
        return next((kind for kind in cls if kind.value == name), None)

    @property
    def held_until_seen(self) -> bool:
        """Held for someone who has never opened the bot (Telegram would refuse it) until they
        do; an applicant has written to the bot, so their answer always goes."""
        return Audience.APPLICANT not in self.audience

    @property
    def joins_others(self) -> bool:
        """Goes in one message with the others of such kinds due for the same person at the
        same moment (JOINED_KINDS)."""
        return self in JOINED_KINDS

    @property
    def label(self) -> str:
        """The catalog key of its name in /settings."""
        return f"settings-kind-{self.value}"

    def key(self, *parts: object) -> str:
        """The outbox key of one notice of this kind: what makes it one (its object, its due
        moment, its recipient). A reminder's key keeps the form it had before kinds were
        declared ('remind:<kind>:…'), so one queued before an upgrade is not queued twice."""
        prefix = f"remind:{self.value}" if self.switchable else self.value
        return ":".join((prefix, *map(str, parts)))


# Reminders and warnings whose buttons only open something, each as a new message: when
# several fall due for one person at the same moment (the morning's deadlines, an overdue
# milestone, a quiet pair, or what quiet hours held), the sender sends them as one message.
# Meeting reminders are left out: their buttons answer the meeting in place, and each has its
# own moment anyway; the digest is a message of its own.
JOINED_KINDS = frozenset(
    {
        NoticeKind.MILESTONE_WEEK,
        NoticeKind.MILESTONE_DAY,
        NoticeKind.MILESTONE_OVERDUE,
        NoticeKind.MILESTONE_REVIEW,
        NoticeKind.QUESTION_REMIND,
        NoticeKind.QUESTION_ESCALATE,
        NoticeKind.PLAN_LATE,
        NoticeKind.PAIR_INACTIVE,
        NoticeKind.PAIR_INACTIVE_ADMINS,
        NoticeKind.FINAL_REPORT_MONTH,
        NoticeKind.FINAL_REPORT_WEEK,
        NoticeKind.FEEDBACK_REMIND,
        NoticeKind.PAIR_REPORT,
    }
)


@dataclass(frozen=True, slots=True)
class Chat:
    """Someone who is no person of the programme yet (a stranger who asked for access)."""

    id: int


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or a document as Telegram keeps it, sent on by its file_id."""

    file_id: str
    kind: FileKind
    size: int | None = None  # Telegram does not always say


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one recipient. `of` names what makes it one of its kind (an object, a
    due moment; the recipient is added); `about` the object whose subject cancels it (the kind
    says which subject). Rendered in the recipient's language when it is sent."""

    kind: NoticeKind
    to: int | Chat  # a person's id, or a chat
    text: Text
    of: tuple[object, ...]
    about: object | None = None
    buttons: Sequence[Sequence[Button]] = ()
    attachment: Attachment | None = None  # the text is then its caption
    reply_to: int | None = None  # a message in the recipient's chat
    stale_at: datetime | None = None  # from then on it no longer holds: skipped, not sent
    not_before: datetime | None = None
    upload: int | None = None  # a photo the bot made (tx.outbox.add_upload): the text its caption

    def subject(self) -> str | None:
        if self.kind.about is None:
            return None
        if self.about is None:
            return self.kind.about.value  # one subject for every notice of the kind
        return self.kind.about.of(self.about)


async def tell(tx: Repos, notice: Notice, now: datetime) -> bool:
    """Queue one notice; False when it is there already, or the person switched its kind off."""
    return await tell_all(tx, [notice], now) == 1


async def tell_all(tx: Repos, notices: Iterable[Notice], now: datetime) -> int:
    """Queue notices in one statement (the scheduler's tick queues thousands); returns how many
    are new. Whoever switched a kind off gets none of it."""
    notices = list(notices)
    switchable = {n.kind.value for n in notices if n.kind.switchable}
    off = await tx.reminders.switched_off_among(sorted(switchable)) if switchable else set()
    rows = [
        _row(notice, now)
        for notice in notices
        if not (isinstance(notice.to, int) and (notice.to, notice.kind.value) in off)
    ]
    return await tx.outbox.add(rows, now) if rows else 0


def _row(notice: Notice, now: datetime) -> OutboxRow:
    to = notice.to
    recipient = f"chat{to.id}" if isinstance(to, Chat) else to
    attachment = notice.attachment
    return OutboxRow(
        key=notice.kind.key(*notice.of, recipient),
        person_id=None if isinstance(to, Chat) else to,
        chat_id=to.id if isinstance(to, Chat) else None,
        kind=notice.kind.value,
        subject=notice.subject(),
        personal=notice.kind.personal,
        text_key=notice.text.key,
        text_args=args_json(notice.text.args),
        buttons=buttons_json(notice.buttons),
        not_before=notice.not_before or now,
        stale_at=notice.stale_at,
        file_id=attachment.file_id if attachment else None,
        file_kind=attachment.kind if attachment else None,
        reply_to_message_id=notice.reply_to,
        held_until_seen=notice.kind.held_until_seen,
        upload_id=notice.upload,
    )


async def edit(tx: Repos, copy_id: int, text: Text, purpose: str, now: datetime) -> bool:
    """Change a message the outbox sent (or will send) about something that changed since: its
    buttons go, `text` replaces its text (a photo's caption). Once per message and purpose."""
    return await tx.outbox.add_edit(
        f"edit:{copy_id}:{purpose}", copy_id, text.key, args_json(text.args), now
    )


async def cancel_about(tx: Repos, about: About, object_id: object, reason: str) -> int:
    """What is not sent yet about an object is no longer wanted."""
    return await tx.outbox.cancel_pending(about.of(object_id), reason)


async def retire(
    tx: Repos,
    about: About,
    object_id: object,
    note: Text,
    now: datetime,
    *,
    except_person: int | None = None,
) -> int:
    """The object changed (a meeting called off, a question answered): what is not sent yet
    about it is cancelled, and each message about it that went out with buttons (but the one of
    `except_person`, whose own message the handler of their press edits) gets `note` below its
    text and no buttons, once. Returns how many edits were queued."""
    subject = about.of(object_id)
    await tx.outbox.cancel_pending(subject, f"changed: {note.key}")
    queued = 0
    for copy in await tx.outbox.sent_with_buttons(subject, except_person=except_person):
        # A message queued as ready text (before texts were kept by key) keeps that text.
        text = stored(copy.text_key, copy.text_args) if copy.text_key else Html(copy.text)
        queued += await edit(tx, copy.id, joined(text, note, sep="\n\n"), "retire", now)
    return queued


async def close_copies(
    tx: Repos, about: About, object_id: object, text: Text, reason: str, now: datetime
) -> int:
    """A message sent to several people (every admin's copy of a request or of a plan) was
    settled by one of them: what is not sent yet is cancelled, and every copy that went out says
    how it ended (`text`) and loses its buttons. Returns how many copies are edited."""
    subject = about.of(object_id)
    await tx.outbox.cancel_pending(subject, reason)
    edited = 0
    for copy in await tx.outbox.copies(subject):
        if copy.status not in ("sent", "cancelled"):
            continue  # never delivered: nothing in that chat to close
        # A copy cancelled while the sender had it in hand may still go out: its edit follows.
        edited += await edit(tx, copy.id, text, "closed", now)
    return edited


async def copies_to(tx: Repos, about: About, object_id: object, person_id: int) -> list[str]:
    """The statuses of the messages about an object sent (or to send) to a person."""
    copies = await tx.outbox.copies(about.of(object_id))
    return [copy.status for copy in copies if copy.person_id == person_id]


async def is_copy(
    tx: Repos, about: About, object_id: object, chat_id: int, message_id: int
) -> bool:
    """Whether a message in a chat is one the outbox sent about the object (so `close_copies`
    closes it), rather than one a handler sent as the answer to a press."""
    return await tx.outbox.sent_as(about.of(object_id), chat_id, message_id)


async def anything_about(tx: Repos, about: About, object_id: object) -> bool:
    """Whether any message about the object was ever queued, to anyone."""
    return bool(await tx.outbox.copies(about.of(object_id)))


# Held for someone who had not opened the bot, and said anew by the greeting at their first
# /start (their pairs as they are now): dropped then rather than sent after it.
SAID_BY_THE_GREETING = frozenset({NoticeKind.PAIR})
# Held longer than this, a notice is old news when its person first opens the bot: dropped.
HELD_AT_MOST = timedelta(days=7)


async def opened_the_bot(
    tx: Repos,
    person_id: int,
    now: datetime,
    username: str | None = None,
    *,
    greeted: bool = False,
) -> int:
    """The person has opened the bot (their first /start, or they wrote to it): that is
    recorded (with the @username they have now, and no longer blocking it), and what was held
    for them until then is due now, but for what is older than a week and, when they are
    `greeted` (a /start), what their greeting says anew. Returns how many held notices are due.

    Someone who has not accepted the consent text yet, or withdrew it, has not opened it in
    this sense: their account is linked (to show them the text), nothing else; accepting opens
    it (consent.py)."""
    person = await tx.people.get(person_id)
    withdrawn = person is not None and person.consent_withdrawn_at is not None
    if person is not None and needs_consent(person) and (withdrawn or not person.seen):
        return 0
    await tx.people.mark_seen(person_id, now, username)
    dropped = SAID_BY_THE_GREETING if greeted else frozenset()
    return await tx.outbox.release_held(
        person_id,
        dropped=sorted(kind.value for kind in dropped),
        older_than=now - HELD_AT_MOST,
    )


async def withdrew_consent(tx: Repos, person_id: int) -> int:
    """The person withdrew their consent: what waits for them is held, as everything queued for
    them from now on (OutboxRepo.add), until they accept again (opened_the_bot). Returns how
    many were held."""
    return await tx.outbox.hold_pending(person_id)


async def admins(tx: Repos) -> list[Person]:
    """The programme's admins who are told what admins are told: active, with admin rights
    (ADMIN_IDS, the role or a grant). Whether each wants a switchable kind, `tell` decides."""
    return await tx.people.admins()
