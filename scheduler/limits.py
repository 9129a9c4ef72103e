"""Telegram's limits as the outbox sender keeps them: per chat and overall, and the pauses
after a failed call or a flood wait."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from scheduler.clock import Clock

PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat
GLOBAL_PER_SECOND = 25


class RateLimiter:
    """≤ 1 message a second per chat and ≤ 25 a second overall (Telegram's broadcast limits)."""

    def __init__(
        self,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        per_second: int = GLOBAL_PER_SECOND,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self.per_second = per_second
        self._monotonic = monotonic
        self._last_by_chat: dict[int, float] = {}
        self._recent: list[float] = []

    def delay_for(self, chat_id: int) -> float:
        """Seconds to wait before a message to this chat may go."""
        now = self._monotonic()
        self._recent = [t for t in self._recent if now - t < 1.0]
        wait = 0.0
        last = self._last_by_chat.get(chat_id)
        if last is not None:
            wait = max(wait, last + self.per_chat_interval - now)
        if len(self._recent) >= self.per_second:
            wait = max(wait, self._recent[0] + 1.0 - now)
        return max(wait, 0.0)

    def chat_ready(self, chat_id: int) -> bool:
        """Whether the per-chat interval allows a message to this chat now."""
        last = self._last_by_chat.get(chat_id)
        return last is None or self._monotonic() >= last + self.per_chat_interval

    def record(self, chat_id: int) -> None:
        now = self._monotonic()
        self._last_by_chat[chat_id] = now
        self._recent.append(now)


class Pauses:
    """Chats whose last call failed wait out their row's back-off (so that their messages keep
    their order), and a flood wait or an outage holds everything: by the sender's clock, the
    one the rows' retry moments are set by."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._chats: dict[int, datetime] = {}
        self._everything: datetime | None = None

    def chat(self, chat_id: int, seconds: float) -> None:
        self._chats[chat_id] = self.clock.now() + timedelta(seconds=seconds)

    def free(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)

    def chats(self) -> set[int]:
        now = self.clock.now()
        self._chats = {chat: until for chat, until in self._chats.items() if until > now}
        return set(self._chats)

    def holds(self, chat_id: int) -> bool:
        until = self._chats.get(chat_id)
        return until is not None and until > self.clock.now()

    def everything(self, seconds: float) -> None:
        self._everything = self.clock.now() + timedelta(seconds=seconds)

    def hold_everything(self) -> bool:
        return self._everything is not None and self._everything > self.clock.now()
