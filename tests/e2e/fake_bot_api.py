"""A fake Telegram Bot API server on 127.0.0.1 that end-to-end tests own: it records and answers."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, NoReturn

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from multidict import MultiDictProxy

BOT_ID = 123456
BOT_TOKEN = f"{BOT_ID}:TEST-token"
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Наставник",
    "username": "nastavnik_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files, as Telegram does
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Parameters that are strings on the wire even when they look like JSON ("123", "[1] item").
_TEXT_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "inline_message_id",
        "file_id",
        "document",
        "photo",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "action",
        "title",
        "description",
        "short_description",
        "name",
        "language_code",
        "emoji",
        "question",
        "explanation",
        "business_connection_id",
    }
)
_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_HTML_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")


@dataclass
class Request:
    """One call the bot made: the method as named in the URL and its decoded parameters."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    error_code: int | None = None  # the error answered, when not ok
    at: float = field(default_factory=time.monotonic)  # when the server received it
    content_type: str = ""  # how the body came: a form, multipart or JSON


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded (sendDocument): what a person would receive."""

    file_name: str
    data: bytes
    content_type: str | None = None


@dataclass
class _StoredFile:
    document: dict[str, Any]  # a Document, or the PhotoSize this file_id names
    data: bytes
    file_path: str
    kind: str = "document"  # Telegram refuses a photo's file_id sent as a document and back


@dataclass(frozen=True)
class WebhookPost:
    """One post of an update to the bot's webhook: its answer's status (None: no answer)."""

    update_id: int
    status: int | None
    error: str = ""  # why there was no answer (the bot not listening, a timeout)


@dataclass(frozen=True)
class _Webhook:
    url: str
    secret: str | None


@dataclass
class _Failure:
    method: str
    chat_id: int | None
    error_code: int
    description: str
    retry_after: int | None
    times: int
    page: bool  # answered with an HTML page, as a proxy in front of the Bot API would


@dataclass
class _Pattern:
    """Every `every`-th call of a method (counted from when the pattern was set) fails."""

    method: str
    every: int
    error_code: int
    description: str
    retry_after: int | None
    calls: int = 0


@dataclass
class _Stored:
    """A message the bot sent, as it stands now, and when it last changed."""

    message: dict[str, Any]
    changed_at: int
    deleted: bool = False


class BotAPIError(Exception):
    """An error answer, shaped like Telegram's."""

    def __init__(
        self,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        *,
        injected: bool = False,
        page: bool = False,
    ) -> None:
        super().__init__(description)
        self.page = page
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.injected = injected  # asked for by the test (fail_next, block), not a refusal

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> BotAPIError:
    """A 400 answer: `Bad Request: <reason>`."""
    return BotAPIError(400, f"Bad Request: {reason}")


class FakeBotAPI:
    """The Bot API for the bot; for the test: push updates, read chats, inject failures."""

    def __init__(self, token: str = BOT_TOKEN) -> None:
        self.token = token
        self.requests: list[Request] = []
        # The same records by method (lower case): a person's every push asks for the files
        # sent so far, which must not walk every call of a long bench.
        self._calls: dict[str, list[Request]] = {}
        self.server_errors: list[str] = []
        # What Telegram itself would have refused (not injected failures): a test fails on any.
        self.refusals: list[str] = []
        self.dropped_updates: list[dict[str, Any]] = []
        self.now: Callable[[], int] = lambda: int(time.time())
        self._pending: list[dict[str, Any]] = []
        self._next_update_id = 100
        # People who accept the consent text the moment the bot shows it (tests.e2e.people:
        # TelegramUser(consents=True), the default): a test about anything else is not about it.
        self.consenting: set[int] = set()
        self._consent_presses = 0
        self._last_said: dict[int, dict[str, Any]] = {}  # a consenting person's last message
        self._next_message_id = 1
        self._next_file = 1
        self._seq = 0
        self._chats: dict[int, dict[int, _Stored]] = {}
        self._known_users: dict[int, dict[str, Any]] = {}
        self._people_messages: set[tuple[int, int]] = set()
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._open_callbacks: set[str] = set()
        self._failures: list[_Failure] = []
        self._patterns: list[_Pattern] = []
        self._hold: tuple[str, int, asyncio.Event] | None = None
        self._held_release = asyncio.Event()
        self._blocked: set[int] = set()
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self._allowed_updates: list[str] = []
        # Webhook mode: where setWebhook asked updates to be posted (None: getUpdates), the
        # posts made, and how long a refused post waits before the next try.
        self._webhook: _Webhook | None = None
        self.webhook_posts: list[WebhookPost] = []
        self.webhook_retry_delay = 0.05
        self._poster: asyncio.Task[None] | None = None
        self._client: ClientSession | None = None
        self._abort_checks: list[Callable[[], str | None]] = []
        self._arrival = asyncio.Event()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getme": lambda _: dict(BOT_USER),
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "getfile": self._get_file,
            "sendchataction": lambda _: True,
        }

    # --- lifetime -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # A client that hangs up (a stopped bot's long poll) cancels its handler quietly.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Release held long polls at once, stop posting to a webhook, shut the server down."""
        self._stopping = True
        self._arrival.set()
        if self._poster is not None:
            self._poster.cancel()
            await asyncio.wait((self._poster,))
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeBotAPI is not started")
        return f"http://127.0.0.1:{self._port}"

    # --- the test's side ----------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates, or to be posted to the webhook when one is set;
        assigns and returns it with its update_id."""
        update = {"update_id": self._next_update_id, **copy.deepcopy(update)}
        self._next_update_id += 1
        for event in update.values():
            if isinstance(event, dict) and isinstance(event.get("from"), dict):
                self._known_users[event["from"]["id"]] = event["from"]
        if "callback_query" in update:
            self._open_callbacks.add(update["callback_query"]["id"])
        sent = update.get("message")
        if isinstance(sent, dict) and "chat" in sent:
            self._people_messages.add((sent["chat"]["id"], sent["message_id"]))
            if sent["chat"]["id"] in self.consenting:
                self._last_said[sent["chat"]["id"]] = sent
        self._pending.append(update)
        self._wake()
        return update

    def next_message_id(self) -> int:
        """A fresh message id (people's and the bot's messages share one sequence)."""
        self._next_message_id += 1
        return self._next_message_id

    def add_file(
        self,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        file_size: int | None = None,
        *,
        with_size: bool = True,
    ) -> dict[str, Any]:
        """Make a file downloadable by the bot; returns the Telegram Document describing it
        (without file_size when `with_size` is false, as Telegram sometimes sends it)."""
        number = self._next_file
        self._next_file += 1
        document: dict[str, Any] = {
            "file_id": f"BQACAgIAAx{number:06d}",
            "file_unique_id": f"AgAD{number:06d}",
            "file_name": file_name,
        }
        if with_size:
            document["file_size"] = len(data) if file_size is None else file_size
        if mime_type is not None:
            document["mime_type"] = mime_type
        suffix = PurePosixPath(file_name).suffix
        stored = _StoredFile(document, data, f"documents/file_{number}{suffix}")
        self._files[document["file_id"]] = stored
        self._files_by_path[stored.file_path] = stored
        return dict(document)

    def add_photo(self, data: bytes, width: int = 1280, height: int = 960) -> list[dict[str, Any]]:
        """Make a photo the bot may send on by file_id; returns its sizes (PhotoSize list),
        smallest first, as a message carries them."""
        sizes = []
        for scale in (4, 1):
            number = self._next_file
            self._next_file += 1
            size: dict[str, Any] = {
                "file_id": f"AgACAgIAAx{number:06d}",
                "file_unique_id": f"AQAD{number:06d}",
                "width": width // scale,
                "height": height // scale,
                "file_size": len(data) // scale,
            }
            stored = _StoredFile(size, data, f"photos/file_{number}.jpg", kind="photo")
            self._files[size["file_id"]] = stored
            self._files_by_path[stored.file_path] = stored
            sizes.append(size)
        return [dict(size) for size in sizes]

    @property
    def seq(self) -> int:
        """A counter that moves whenever the bot sends, edits or deletes a message."""
        return self._seq

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed: by a getUpdates with a higher offset, or by the webhook
        answering their post with a 2xx."""
        return list(self._pending)

    @property
    def webhook(self) -> tuple[str, str | None] | None:
        """The webhook's URL and secret as setWebhook set them; None: updates go by getUpdates."""
        return None if self._webhook is None else (self._webhook.url, self._webhook.secret)

    @property
    def allowed_updates(self) -> list[str]:
        """The update types the bot asked for last (getUpdates or setWebhook); []: all."""
        return list(self._allowed_updates)

    def calls(self, method: str) -> list[Request]:
        """The recorded calls of one method (case-insensitive), oldest first."""
        return list(self._calls.get(method.lower(), []))

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat as they stand now (after edits), oldest first."""
        stored = self._chats.get(chat_id, {})
        return [copy.deepcopy(s.message) for _, s in sorted(stored.items()) if not s.deleted]

    def changed_since(self, chat_id: int, since: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat sent or edited after `since` (a `seq`), last change last."""
        stored = [s for s in self._chats.get(chat_id, {}).values() if s.changed_at > since]
        stored.sort(key=lambda s: s.changed_at)
        return [copy.deepcopy(s.message) for s in stored if not s.deleted]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """One message the bot sent, as it stands now; None if unknown or deleted."""
        stored = self._chats.get(chat_id, {}).get(message_id)
        return None if stored is None or stored.deleted else copy.deepcopy(stored.message)

    def photos_to(self, chat_id: int) -> list[UploadedFile]:
        """The photos the bot uploaded to a chat, oldest first."""
        sent = [r.params for r in self.calls("sendPhoto") if r.ok]
        return [
            p["photo"]
            for p in sent
            if p.get("chat_id") == chat_id and isinstance(p.get("photo"), UploadedFile)
        ]

    def documents_to(self, chat_id: int) -> list[UploadedFile]:
        """The files the bot uploaded to a chat, oldest first."""
        sent = [r.params for r in self.calls("sendDocument") if r.ok]
        return [
            p["document"]
            for p in sent
            if p.get("chat_id") == chat_id and isinstance(p.get("document"), UploadedFile)
        ]

    def fail_next(
        self,
        method: str,
        chat_id: int | None,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        *,
        page: bool = False,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, or any chat) with an error;
        `page`: with an HTML page instead of Telegram's JSON (a proxy's 502)."""
        self._failures.append(
            _Failure(method.lower(), chat_id, error_code, description, retry_after, times, page)
        )

    def fail_every(
        self,
        method: str,
        every: int,
        error_code: int,
        description: str,
        retry_after: int | None = None,
    ) -> None:
        """From now on answer every `every`-th call of `method` with an error (a fault pattern:
        a 429 on every 5th sendMessage, a 500 on every 7th). Each pattern counts every call of
        its method; when two fall on one call, the one set first answers."""
        if every < 1:
            raise ValueError("every must be at least 1")
        self._patterns.append(_Pattern(method.lower(), every, error_code, description, retry_after))

    def stop_failing(self) -> None:
        """From now on answer every call as usual: what fail_next and fail_every set is gone."""
        self._failures.clear()
        self._patterns.clear()

    def hold_answer(self, method: str, nth: int) -> asyncio.Event:
        """Carry out the `nth` call of `method` from now (a message is delivered) but answer it
        only at release_answer(): the bot is killed, or asked to stop, while it waits. Returns
        an event set once it is held."""
        held = asyncio.Event()
        self._hold = (method.lower(), nth, held)
        self._held_release = asyncio.Event()
        return held

    def release_answer(self) -> None:
        """Answer the call hold_answer holds (or will hold)."""
        self._held_release.set()

    def block(self, chat_id: int) -> None:
        """From now on the person has blocked the bot: every call to their chat gets 403."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def add_abort_check(self, check: Callable[[], str | None]) -> None:
        """While waiting, a check that returns a message ends the wait with that message."""
        self._abort_checks.append(check)

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in a test
        what: str = "a condition",
    ) -> Any:
        """Poll `predicate` until it is truthy and return its value; AssertionError on timeout."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for check in self._abort_checks:
                if problem := check():
                    raise AssertionError(f"while waiting for {what}: {problem}")
            result = predicate()
            if result:
                return result
            if asyncio.get_running_loop().time() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout:g} s waiting for {what}\n{self.describe_recent()}"
                )
            await asyncio.sleep(0.01)

    def describe_recent(self, count: int = 15) -> str:
        """A short dump of the latest calls (long polls left out) for failure messages."""
        recent = [r for r in self.requests if r.method.lower() != "getupdates"][-count:]
        lines = [f"last {len(recent)} Bot API calls (getUpdates omitted):"]
        lines += [f"  {_describe(r)}" for r in recent] or ["  (none)"]
        if self._pending:
            lines.append(f"unconfirmed updates: {[u['update_id'] for u in self._pending]}")
        refused = [post for post in self.webhook_posts if not _accepted(post)]
        if refused:
            post = refused[-1]
            lines.append(
                f"webhook posts not accepted: {len(refused)}, the last: update"
                f" {post.update_id} answered {post.status or post.error}"
            )
        if self.dropped_updates:
            lines.append(f"updates dropped by allowed_updates: {len(self.dropped_updates)}")
        return "\n".join(lines)

    # --- HTTP ---------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json(BotAPIError(401, "Unauthorized").payload(), status=401)
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
        except Exception as exc:
            return self._server_error(method, exc)
        record = Request(method, params, content_type=request.content_type)
        self.requests.append(record)
        self._calls.setdefault(method.lower(), []).append(record)
        try:
            result = await self._call(method.lower(), params)
        except BotAPIError as error:
            record.ok = False
            record.error_code = error.error_code
            if not error.injected:
                self.refusals.append(f"{_describe(record)}: {error.description}")
            if error.page:
                page = f"<html><body><h1>{error.error_code} {error.description}</h1></body></html>"
                return web.Response(text=page, status=error.error_code, content_type="text/html")
            return _json(error.payload(), status=error.error_code)
        except Exception as exc:
            record.ok = False
            return self._server_error(method, exc)
        if self._hold is not None and self._hold[0] == method.lower():
            name, nth, held = self._hold
            self._hold = (name, nth - 1, held)
            if nth == 1:
                held.set()
                await self._held_release.wait()  # or the bot hangs up (cancelled), or the end
        return _json({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json(BotAPIError(401, "Unauthorized").payload(), status=401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return _json(bad_request("file not found").payload(), status=404)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _server_error(self, method: str, exc: Exception) -> web.Response:
        self.server_errors.append(f"{method}: {''.join(traceback.format_exception(exc))}")
        body = {"ok": False, "error_code": 500, "description": f"fake server error: {exc!r}"}
        return _json(body, status=500)

    async def _call(self, method: str, params: dict[str, Any]) -> Any:
        self._raise_injected_failure(method, params.get("chat_id"))
        if method == "getupdates":
            return await self._get_updates(params)
        handler = self._methods.get(method)
        return True if handler is None else handler(params)

    def _raise_injected_failure(self, method: str, chat_id: Any) -> None:
        if chat_id in self._blocked and method != "getupdates":
            raise BotAPIError(403, "Forbidden: bot was blocked by the user", injected=True)
        for failure in self._failures:
            if failure.method == method and failure.chat_id in (None, chat_id):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                raise BotAPIError(
                    failure.error_code,
                    failure.description,
                    failure.retry_after,
                    injected=True,
                    page=failure.page,
                )
        fired: _Pattern | None = None
        for pattern in self._patterns:
            if pattern.method == method:
                pattern.calls += 1
                if fired is None and pattern.calls % pattern.every == 0:
                    fired = pattern
        if fired is not None:
            raise BotAPIError(fired.error_code, fired.description, fired.retry_after, injected=True)

    # --- getUpdates ---------------------------------------------------------------------------

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise BotAPIError(409, WEBHOOK_ACTIVE)
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(params["allowed_updates"])
        if offset > 0:  # confirms every update before the offset, once and for all
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            ready = self._deliverable(offset)[:limit]
            remaining = deadline - loop.time()
            if ready or self._stopping or remaining <= 0:
                return copy.deepcopy(ready)
            try:
                await asyncio.wait_for(self._arrival.wait(), remaining)
            except TimeoutError:
                pass
            if self._webhook is not None:  # set while this poll waited
                raise BotAPIError(409, WEBHOOK_ACTIVE)

    def _deliverable(self, offset: int) -> list[dict[str, Any]]:
        if self._allowed_updates:
            kept = [u for u in self._pending if _update_type(u) in self._allowed_updates]
            self.dropped_updates += [u for u in self._pending if u not in kept]
            self._pending = kept
        if offset < 0:
            return self._pending[offset:]
        return self._pending

    # --- webhook ------------------------------------------------------------------------------

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url")
        if not isinstance(url, str) or not url:
            raise bad_request("bad webhook: an HTTPS URL must be provided for webhook")
        # Telegram also wants https on ports 443, 80, 88 or 8443; a self-hosted Bot API server
        # (which this fake stands for) posts to any http URL.
        if not re.match(r"^https?://", url):
            raise bad_request("bad webhook: invalid webhook URL specified")
        secret = params.get("secret_token")
        if secret is not None and not _WEBHOOK_SECRET.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(params["allowed_updates"])
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook = _Webhook(url, None if secret is None else str(secret))
        if self._poster is None or self._poster.done():
            self._poster = asyncio.create_task(self._post_updates(), name="fake-webhook")
        self._wake()
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook = None
        self._wake()  # the poster sees it gone
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self._webhook.url if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    def _wake(self) -> None:
        """Wake every long poll and the webhook's poster: something changed."""
        self._arrival.set()
        self._arrival = asyncio.Event()

    async def _post_updates(self) -> None:
        """While a webhook is set, post the pending updates to it as Telegram does: one at a
        time, in order, each with the secret; an update stays pending until the bot answers
        its post with a 2xx, and is posted again after a pause until then."""
        if self._client is None:
            self._client = ClientSession(timeout=ClientTimeout(total=10))
        while self._webhook is not None and not self._stopping:
            arrival = self._arrival
            ready = self._deliverable(0)
            if not ready:
                await arrival.wait()
                continue
            webhook, update = self._webhook, ready[0]
            headers = {} if webhook.secret is None else {SECRET_HEADER: webhook.secret}
            try:
                async with self._client.post(webhook.url, json=update, headers=headers) as answer:
                    await answer.read()
                post = WebhookPost(update["update_id"], answer.status)
            except (ClientError, TimeoutError) as exc:
                post = WebhookPost(update["update_id"], None, repr(exc))
            self.webhook_posts.append(post)
            if _accepted(post):
                self._pending = [u for u in self._pending if u is not update]
            else:
                await asyncio.sleep(self.webhook_retry_delay)

    # --- commands -----------------------------------------------------------------------------

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands[_commands_key(params)] = list(params.get("commands") or [])
        return True

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(_commands_key(params), None)
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._commands.get(_commands_key(params), [])

    # --- messages -----------------------------------------------------------------------------

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id < 0:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "type": kind, "title": "Группа"}
        chat: dict[str, Any] = {"id": chat_id, "type": "private"}
        user = self._known_users.get(chat_id, {})
        for key in ("first_name", "last_name", "username"):
            if key in user:
                chat[key] = user[key]
        return chat

    def _store(self, chat_id: int, content: dict[str, Any]) -> dict[str, Any]:
        message = {
            "message_id": self.next_message_id(),
            "from": dict(BOT_USER),
            "chat": self._chat(chat_id),
            "date": self.now(),
            **content,
        }
        self._seq += 1
        self._chats.setdefault(chat_id, {})[message["message_id"]] = _Stored(message, self._seq)
        return _as_returned(message)

    def _stored(self, params: dict[str, Any], missing: str) -> _Stored:
        if "inline_message_id" in params:
            raise bad_request("inline messages are not supported by the fake server")
        chat_id, message_id = _chat_id(params), params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        stored = self._chats.get(chat_id, {}).get(message_id)
        if stored is None or stored.deleted:
            raise bad_request(missing)
        return stored

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
        """The reply_to_message of a message sent as a reply; refused, as Telegram does, when the
        message is gone and the call did not allow sending without it."""
        reply = params.get("reply_parameters")
        if reply is None and "reply_to_message_id" in params:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply is None:
            return {}
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise bad_request("can't parse reply parameters JSON object")
        if "chat_id" in reply and reply["chat_id"] != chat_id:
            raise bad_request("replies to other chats are not supported by the fake server")
        message_id = reply["message_id"]
        stored = self._chats.get(chat_id, {}).get(message_id)
        exists = (chat_id, message_id) in self._people_messages or (
            stored is not None and not stored.deleted
        )
        if not exists:
            if reply.get("allow_sending_without_reply"):
                return {}
            raise bad_request("message to be replied not found")
        # The fake keeps no content of people's messages: the quoted one is its bare minimum.
        quoted = {"message_id": message_id, "date": self.now(), "chat": self._chat(chat_id)}
        return {"reply_to_message": quoted}

    def _caption(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("caption"):
            return {}
        caption = _rendered(
            params["caption"], params.get("parse_mode"), MAX_CAPTION_LENGTH, "caption"
        )
        return {"caption": caption}

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        text = _rendered(params.get("text"), params.get("parse_mode"), MAX_TEXT_LENGTH, "text")
        markup = _checked_markup(params.get("reply_markup"))
        content: dict[str, Any] = {"text": text, **self._reply_to(chat_id, params)}
        if markup is not None:
            content["reply_markup"] = markup
        stored = self._store(chat_id, content)
        if chat_id in self.consenting:
            self._accept_consent(chat_id, stored)
        return stored

    def _accept_consent(self, chat_id: int, message: dict[str, Any]) -> None:
        buttons = [
            b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        data = next(
            (
                b["callback_data"]
                for b in buttons
                if str(b.get("callback_data", "")).startswith("cs:yes:")
            ),
            None,
        )
        user = self._known_users.get(chat_id)
        if data is None or user is None:
            return
        self._consent_presses += 1
        query = {
            "id": f"consent{chat_id}{self._consent_presses:04d}",
            "from": user,
            "message": message,
            "chat_instance": f"-{chat_id}",
            "data": data,
        }
        self.push_update({"callback_query": query})
        # Then they say again what the consent text stood in the way of (a /start is answered
        # by the greeting that follows the consent).
        said = self._last_said.pop(chat_id, None)
        if said is not None and not str(said.get("text", "")).startswith("/start"):
            again = {**said, "message_id": self.next_message_id(), "date": self.now()}
            self.push_update({"message": again})

    def _known_file(self, file_id: Any, kind: str) -> dict[str, Any]:
        stored = self._files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return dict(stored.document)

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        upload = params.get("document")
        if isinstance(upload, UploadedFile):
            document = self.add_file(upload.data, upload.file_name, upload.content_type)
        else:
            document = self._known_file(upload, "document")
        content: dict[str, Any] = {"document": document, **self._caption(params)}
        content.update(self._reply_to(chat_id, params))
        markup = _checked_markup(params.get("reply_markup"))
        if markup is not None:
            content["reply_markup"] = markup
        return self._store(chat_id, content)

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        upload = params.get("photo")
        if isinstance(upload, UploadedFile):
            width, height = _photo_size(upload.data)
            sizes = self.add_photo(upload.data, width, height)
        else:
            sizes = [self._known_file(upload, "photo")]
        content: dict[str, Any] = {"photo": sizes, **self._caption(params)}
        content.update(self._reply_to(chat_id, params))
        markup = _checked_markup(params.get("reply_markup"))
        if markup is not None:
            content["reply_markup"] = markup
        return self._store(chat_id, content)

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._stored(params, "message to edit not found")
        if "text" not in stored.message:
            raise bad_request("there is no text in the message to edit")
        text = _rendered(params.get("text"), params.get("parse_mode"), MAX_TEXT_LENGTH, "text")
        return self._edit(stored, {"text": text}, params.get("reply_markup"))

    def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._stored(params, "message to edit not found")
        caption = params.get("caption") or ""
        if caption:
            caption = _rendered(caption, params.get("parse_mode"), MAX_CAPTION_LENGTH, "caption")
        return self._edit(stored, {"caption": caption}, params.get("reply_markup"))

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._stored(params, "message to edit not found")
        return self._edit(stored, {}, params.get("reply_markup"))

    def _edit(
        self, stored: _Stored, content: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Apply an edit; like Telegram, an edit without reply_markup removes the keyboard."""
        markup = _checked_markup(markup)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        message = stored.message
        unchanged = all(message.get(k) == v for k, v in content.items())
        if unchanged and message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.update(content)
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        message["edit_date"] = self.now()
        self._seq += 1
        stored.changed_at = self._seq
        return _as_returned(message)

    def _delete_message(self, params: dict[str, Any]) -> bool:
        if (params.get("chat_id"), params.get("message_id")) in self._people_messages:
            self._people_messages.discard((params["chat_id"], params["message_id"]))
            return True
        stored = self._stored(params, "message to delete not found")
        stored.deleted = True
        self._seq += 1
        stored.changed_at = self._seq
        return True

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params.get("callback_query_id")
        text = params.get("text")
        if (
            isinstance(text, str)
            and len(text.encode("utf-16-le")) // 2 > MAX_CALLBACK_ANSWER_LENGTH
        ):
            raise bad_request("MESSAGE_TOO_LONG")
        if query_id not in self._open_callbacks:
            raise bad_request(QUERY_INVALID.removeprefix("Bad Request: "))
        self._open_callbacks.discard(query_id)
        return True

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        size = stored.document.get("file_size", len(stored.data))
        if size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.document["file_id"],
            "file_unique_id": stored.document["file_unique_id"],
            "file_size": size,
            "file_path": stored.file_path,
        }


# --- helpers ----------------------------------------------------------------------------------


PHOTO_MAX_BYTES = 10 * 1024 * 1024


def _photo_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, refused as Telegram refuses a photo: not an image it reads,
    over 10 MB, width and height over 10 000 together, or one over 20 times the other."""
    if len(data) > PHOTO_MAX_BYTES:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")  # what Telegram says of a too big photo
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise bad_request("IMAGE_PROCESS_FAILED")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if (
        not width
        or not height
        or width + height > 10_000
        or max(width, height) > 20 * min(width, height)
    ):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return width, height


def _accepted(post: WebhookPost) -> bool:
    return post.status is not None and 200 <= post.status < 300


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string, then a form, multipart or JSON body; JSON-looking fields decoded."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        raw.update(await request.json())
        return raw
    files: dict[str, UploadedFile] = {}
    form: MultiDictProxy[Any] = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            upload = UploadedFile(value.filename, value.file.read(), value.content_type)
            files[key] = upload
            raw[key] = upload
        else:
            raw[key] = value
    params = {key: _decode(key, value) for key, value in raw.items()}
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = files.get(value.removeprefix("attach://"), value)
    return params


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _TEXT_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _chat_id(params: dict[str, Any]) -> int:
    chat_id = params.get("chat_id")
    if not isinstance(chat_id, int):
        raise bad_request("chat not found")
    return chat_id


def _update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def _commands_key(params: dict[str, Any]) -> str:
    scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
    return f"{scope}|{params.get('language_code') or ''}"


def _as_returned(message: dict[str, Any]) -> dict[str, Any]:
    """The Message as the API returns it: only an inline keyboard is echoed."""
    returned = copy.deepcopy(message)
    markup = returned.get("reply_markup")
    if markup is not None and "inline_keyboard" not in markup:
        del returned["reply_markup"]
    return returned


def _checked_markup(markup: Any) -> dict[str, Any] | None:
    """Refuse what Telegram refuses in a keyboard (callback data over 64 bytes, for one)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if sum(len(row) for row in markup.get("inline_keyboard", [])) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not re.match(r"^(https?|tg)://\S+$", button["url"]):
                raise bad_request("BUTTON_URL_INVALID")
    return markup


def _rendered(text: Any, parse_mode: Any, max_length: int, what: str) -> str:
    """The text a person sees: markup parsed as Telegram parses it, with its errors."""
    if not isinstance(text, str) or not text.strip():
        raise bad_request(f"message {what} is empty")
    plain = parse_html(text) if str(parse_mode).upper() == "HTML" else text
    if not plain.strip():
        raise bad_request(f"message {what} is empty")
    if len(plain.encode("utf-16-le")) // 2 > max_length:
        raise bad_request(f"message {what} is too long")
    return plain


def parse_html(text: str) -> str:
    """Strip Telegram HTML to plain text, failing where Telegram fails ("can't parse entities")."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            entity = _HTML_ENTITY.match(text, i)
            if entity is None or (
                entity.group(1) not in _HTML_NAMED and not entity.group(1).startswith("#")
            ):
                offset = len(text[:i].encode())
                _cant_parse(f"Unexpected end of name token at byte offset {offset}")
            out.append(_entity_text(entity))
            i = entity.end()
        elif char == "<":
            i = _parse_tag(text, i, stack)
        else:
            out.append(char)
            i += 1
    if stack:
        _cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _entity_text(entity: re.Match[str]) -> str:
    name = entity.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _HTML_NAMED.get(name, entity.group(0))


def _parse_tag(text: str, start: int, stack: list[str]) -> int:
    """Consume one tag at `start`, keeping `stack` of open tags; returns the index after it."""
    offset = len(text[:start].encode())
    if text.startswith("</", start):
        end = text.find(">", start)
        if end == -1:
            _cant_parse(f"Unclosed end tag at byte offset {offset}")
        name = text[start + 2 : end].strip().lower()
        if not stack:
            _cant_parse(f"Unexpected end tag at byte offset {offset}")
        if name != stack[-1]:
            _cant_parse(
                f"Unmatched end tag at byte offset {offset}, "
                f'expected "</{stack[-1]}>", found "</{name}>"'
            )
        stack.pop()
        return end + 1
    name_match = _TAG_NAME.match(text, start + 1)
    if name_match is None:
        _cant_parse(f"Empty tag name at byte offset {offset}")
    name = name_match.group(0).lower()
    if name not in _HTML_TAGS:
        _cant_parse(f'Unsupported start tag "{name}" at byte offset {offset}')
    end = text.find(">", name_match.end())
    if end == -1:
        _cant_parse(f"Unclosed start tag at byte offset {offset}")
    stack.append(name)
    return end + 1


def _cant_parse(reason: str) -> NoReturn:
    raise bad_request(f"can't parse entities: {reason}")


def _describe(request: Request) -> str:
    params = request.params
    parts = [request.method if request.ok else f"{request.method} (failed)"]
    if "chat_id" in params:
        parts.append(f"chat={params['chat_id']}")
    if "message_id" in params:
        parts.append(f"message={params['message_id']}")
    for key in ("text", "caption", "data", "callback_query_id"):
        if isinstance(params.get(key), str):
            value = params[key].replace("\n", " ")
            parts.append(f"{key}={value[:80]!r}")
    if isinstance(params.get("document"), UploadedFile):
        parts.append(f"document={params['document'].file_name!r}")
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        buttons = [b.get("text") for row in markup["inline_keyboard"] for b in row]
        parts.append(f"buttons={buttons}")
    return " ".join(parts)
