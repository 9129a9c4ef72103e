"""The HTTP session to the Bot API: a call without files goes as a JSON body.

aiogram sends every call as an urlencoded form, and urllib quotes each byte of a Cyrillic text
in a Python loop: about half a millisecond for a plan page with its buttons, a fifth of all the
bot's work per update. The Bot API takes a JSON body as well ("application/json"); a call with
files still goes as aiogram builds it (multipart)."""

from __future__ import annotations

import json
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError, ClientTimeout
from aiohttp.payload import BytesPayload


class JsonBodySession(AiohttpSession):
    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> BytesPayload | None:
        """The call as a JSON body, or None when it carries files."""
        files: dict[str, Any] = {}
        body: dict[str, Any] = {}
        # None is left out at every depth, as the form does: a button's ten empty fields too.
        for key, value in method.model_dump(warnings=False, exclude_none=True).items():
            value = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if value is None or value == "":  # what aiogram's form leaves out too
                continue
            body[key] = value
        if files:
            return None
        # Cyrillic as UTF-8 rather than \u escapes: half the bytes.
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return BytesPayload(data, content_type="application/json")

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            total = self.timeout if timeout is None else timeout
            async with session.post(url, data=body, timeout=ClientTimeout(total=total)) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(
            bot=bot, method=method, status_code=resp.status, content=raw_result
        )
        return cast(TelegramType, response.result)
