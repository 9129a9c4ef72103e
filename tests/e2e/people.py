"""Simulated people who write to the bot and press its buttons, through the fake Bot API."""

from __future__ import annotations

import itertools
from typing import Any

from fake_bot_api import BOT_USER, FakeBotAPI, UploadedFile

ADMIN_ID = 1001  # in ADMIN_IDS of the default test settings
_callback_ids = itertools.count(1)


class TelegramUser:
    """One person in a private chat with the bot (their chat id is their user id)."""

    def __init__(
        self,
        api: FakeBotAPI,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "ru",
        *,
        consents: bool = True,
    ) -> None:
        """`consents`: they accept the consent text the moment the bot shows it (only a test of
        consent itself wants to see it and choose)."""
        self.api = api
        self.id = user_id
        if consents:
            api.consenting.add(user_id)
        given = {"first_name": first_name, "last_name": last_name, "username": username}
        names = {key: value for key, value in given.items() if value is not None}
        self.user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            **names,
            "language_code": language_code,
        }
        self.chat: dict[str, Any] = {"id": user_id, "type": "private", **names}
        # Where the reply to the latest action starts: the api's seq at that moment.
        self.mark = api.seq
        self._documents_at_mark = 0
        self.last_callback_id: str | None = None

    def __repr__(self) -> str:
        return f"TelegramUser({self.id}, {self.user['first_name']!r})"

    # --- acting -------------------------------------------------------------------------------

    def send(self, text: str) -> dict[str, Any]:
        """Write a private message (a command gets its bot_command entity); returns the message."""
        return self._push_message(self.chat, {"text": text, **_command_entities(text)})

    def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        file_size: int | None = None,
        caption: str | None = None,
        *,
        with_size: bool = True,
    ) -> dict[str, Any]:
        """Send a file; `file_size` may claim more than `data` holds, and `with_size=False`
        leaves it out. Returns the message."""
        document = self.api.add_file(data, file_name, mime_type, file_size, with_size=with_size)
        content: dict[str, Any] = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return self._push_message(self.chat, content)

    def send_photo(
        self, data: bytes = b"\xff\xd8photo", caption: str | None = None
    ) -> dict[str, Any]:
        """Send a photo (its sizes, smallest first, as Telegram sends them); returns the message."""
        content: dict[str, Any] = {"photo": self.api.add_photo(data)}
        if caption is not None:
            content["caption"] = caption
        return self._push_message(self.chat, content)

    def send_in_group(self, text: str, group_id: int) -> dict[str, Any]:
        """Write in a group chat the bot is in (a negative id); returns the message."""
        assert group_id < 0, "group chat ids are negative"
        group = {"id": group_id, "type": "group", "title": "Педагогический совет"}
        return self._push_message(group, {"text": text, **_command_entities(text)})

    def block_bot(self) -> dict[str, Any]:
        """Block the bot: every call to this chat is refused from now on, and Telegram tells
        the bot so with a my_chat_member update (the bot is "kicked")."""
        self.api.block(self.id)
        return self._push_chat_member("member", "kicked")

    def unblock_bot(self) -> dict[str, Any]:
        """Unblock the bot (Telegram's "Restart" button): the bot is a "member" again."""
        self.api.unblock(self.id)
        return self._push_chat_member("kicked", "member")

    def _push_chat_member(self, old: str, new: str) -> dict[str, Any]:
        def member(status: str) -> dict[str, Any]:
            # A "kicked" member carries until_date (0: for ever), as Telegram sends it.
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"status": status, "user": dict(BOT_USER), **extra}

        return self.api.push_update(
            {
                "my_chat_member": {
                    "chat": self.chat,
                    "from": self.user,
                    "date": self.api.now(),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    def press(
        self,
        button_text: str,
        message: dict[str, Any] | int | None = None,
        *,
        contains: bool = False,
    ) -> dict[str, Any]:
        """Press an inline button on the newest message that has it; returns the callback query."""
        candidates = self.messages()
        if message is not None:
            wanted = message if isinstance(message, int) else message["message_id"]
            candidates = [m for m in candidates if m["message_id"] == wanted]
        for candidate in reversed(candidates):
            found = [
                b for b in _inline_buttons(candidate) if _matches(b["text"], button_text, contains)
            ]
            if not found:
                continue
            if len(found) > 1:
                raise AssertionError(
                    f"{self!r}: {len(found)} buttons match {button_text!r} on message "
                    f"{candidate['message_id']}: {[b['text'] for b in found]}"
                )
            if "callback_data" not in found[0]:
                raise AssertionError(f"{self!r}: button {found[0]} has no callback_data")
            return self._push_callback(found[0]["callback_data"], candidate)
        raise AssertionError(
            f"{self!r}: no inline button {button_text!r}"
            f"{' (substring)' if contains else ''}; {self._buttons_overview(candidates)}"
        )

    def press_data(self, data: str, message_id: int) -> dict[str, Any]:
        """Push a callback with any data on any message id (a forged or stale press)."""
        message = self.api.message(self.id, message_id)
        if message is None:  # Telegram then sends an InaccessibleMessage
            message = {"chat": self.chat, "message_id": message_id, "date": 0}
        return self._push_callback(data, message)

    # --- reading ------------------------------------------------------------------------------

    def messages(self) -> list[dict[str, Any]]:
        """The bot's messages to this person as they stand now, oldest first."""
        return self.api.messages_to(self.id)

    def last_message(self) -> dict[str, Any]:
        """The newest message the bot sent this person (AssertionError if there is none)."""
        messages = self.messages()
        if not messages:
            raise AssertionError(f"the bot sent nothing to {self!r}")
        return messages[-1]

    def inline_buttons(self, message: dict[str, Any] | None = None) -> list[str]:
        """The texts of the inline buttons on a message (default: the newest), row by row."""
        return [b["text"] for b in _inline_buttons(message or self.last_message())]

    def reply_keyboard(self) -> list[str]:
        """The button texts of the reply keyboard the bot showed last ([] if removed or none)."""
        for message in reversed(self.messages()):
            markup = message.get("reply_markup") or {}
            if "keyboard" in markup:
                return [button["text"] for row in markup["keyboard"] for button in row]
            if markup.get("remove_keyboard"):
                return []
        return []

    def documents(self) -> list[UploadedFile]:
        """The files the bot uploaded to this person, oldest first."""
        return self.api.documents_to(self.id)

    def photos(self) -> list[UploadedFile]:
        """The photos the bot uploaded to this person (a chart), oldest first."""
        return self.api.photos_to(self.id)

    # --- waiting ------------------------------------------------------------------------------

    async def wait_message(
        self,
        contains: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in a test
        *,
        since: int | None = None,
    ) -> dict[str, Any]:
        """Wait for a message sent or edited since this person's last action containing `contains`.

        `since=0` searches every message; "" matches any message.
        """
        start = self.mark if since is None else since

        def found() -> dict[str, Any] | None:
            matches = [
                m for m in self.api.changed_since(self.id, start) if contains in _visible_text(m)
            ]
            return matches[-1] if matches else None

        what = f"a message to {self!r} containing {contains!r}"
        result: dict[str, Any] = await self.api.wait_for(found, timeout, what)
        return result

    async def wait_document(self, timeout: float = 5.0) -> UploadedFile:  # noqa: ASYNC109
        """Wait for a file the bot uploads to this person after their last action."""
        known = self._documents_at_mark

        def found() -> UploadedFile | None:
            documents = self.documents()
            return documents[known] if len(documents) > known else None

        result: UploadedFile = await self.api.wait_for(found, timeout, f"a file to {self!r}")
        return result

    async def wait_answer_callback(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """Wait until the bot answers this person's last button press; returns its parameters."""
        query_id = self.last_callback_id
        assert query_id is not None, f"{self!r} has not pressed anything"

        def found() -> dict[str, Any] | None:
            answers = [
                r.params
                for r in self.api.calls("answerCallbackQuery")
                if r.ok and r.params.get("callback_query_id") == query_id
            ]
            return answers[0] if answers else None

        what = f"answerCallbackQuery for {self!r}'s press {query_id}"
        result: dict[str, Any] = await self.api.wait_for(found, timeout, what)
        return result

    # --- internals ----------------------------------------------------------------------------

    def _mark_now(self) -> None:
        self.mark = self.api.seq
        self._documents_at_mark = len(self.documents())

    def _push_message(self, chat: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        self._mark_now()
        message = {
            "message_id": self.api.next_message_id(),
            "from": self.user,
            "chat": chat,
            "date": self.api.now(),
            **content,
        }
        return dict(self.api.push_update({"message": message})["message"])

    def _push_callback(self, data: str, message: dict[str, Any]) -> dict[str, Any]:
        self._mark_now()
        query_id = f"{self.id}{next(_callback_ids):08d}"
        self.last_callback_id = query_id
        if "inline_keyboard" not in message.get("reply_markup", {}):
            # Telegram shows the bot only the inline keyboard of a message, never a reply one.
            message = {key: value for key, value in message.items() if key != "reply_markup"}
        query = {
            "id": query_id,
            "from": self.user,
            "message": message,
            "chat_instance": f"-{self.id}",
            "data": data,
        }
        return dict(self.api.push_update({"callback_query": query})["callback_query"])

    def _buttons_overview(self, messages: list[dict[str, Any]]) -> str:
        with_buttons = [m for m in messages if _inline_buttons(m)][-5:]
        if not with_buttons:
            return f"no message to {self.id} has inline buttons ({len(messages)} messages)"
        lines = [
            f"#{m['message_id']} {_visible_text(m)[:50]!r}: "
            f"{[b['text'] for b in _inline_buttons(m)]}"
            for m in with_buttons
        ]
        return "buttons available (newest last):\n  " + "\n  ".join(lines)


async def start_everyone(*people: TelegramUser) -> None:
    """Each person opens the bot once and is greeted (known people, admins among them)."""
    for someone in people:
        someone.send("/start")
        await someone.wait_message("Здравствуйте")


def _command_entities(text: str) -> dict[str, Any]:
    if not text.startswith("/"):
        return {}
    command = text.split(maxsplit=1)[0]
    return {"entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}


def _inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def _matches(text: str, wanted: str, contains: bool) -> bool:
    return wanted in text if contains else text == wanted


def _visible_text(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")
