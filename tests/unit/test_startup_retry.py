"""Which start-up failures are waited out, and for how long."""

from __future__ import annotations

import json

import pytest
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetMe

from bot.startup import describe, is_transient, retry_delay

GET_ME = GetMe()


def _not_json() -> ClientDecodeError:
    page = "<html><body>502 Bad Gateway</body></html>"
    try:
        json.loads(page)
    except ValueError as exc:
        return ClientDecodeError("Failed to decode object", exc, page)
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "exc",
    [
        TelegramServerError(GET_ME, "Internal Server Error"),
        RestartingTelegram(GET_ME, "Service Unavailable: restart"),
        TelegramRetryAfter(GET_ME, "Too Many Requests", retry_after=5),
        TelegramNetworkError(GET_ME, "ClientConnectorError: Cannot connect"),
        _not_json(),
    ],
    ids=["5xx", "restarting", "429", "network", "not-json"],
)
def test_an_outage_is_transient(exc: Exception) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        TelegramUnauthorizedError(GET_ME, "Unauthorized"),
        TelegramNotFound(GET_ME, "Not Found"),
        TelegramBadRequest(GET_ME, "Bad Request: command description is empty"),
        TelegramForbiddenError(GET_ME, "Forbidden"),
        TelegramEntityTooLarge(GET_ME, "Request Entity Too Large"),
        ValueError("a bug"),
    ],
    ids=["401", "404", "400", "403", "413", "bug"],
)
def test_a_refusal_is_not_transient(exc: Exception) -> None:
    assert not is_transient(exc)


def test_the_delay_doubles_from_one_second_up_to_a_minute() -> None:
    error = TelegramServerError(GET_ME, "Bad Gateway")

    delays = [retry_delay(error, failures) for failures in range(1, 10)]

    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_an_outage_of_days_stays_at_a_minute() -> None:
    error = TelegramNetworkError(GET_ME, "Request timeout error")

    assert retry_delay(error, 100_000) == 60


def test_a_flood_wait_waits_what_telegram_says() -> None:
    error = TelegramRetryAfter(GET_ME, "Too Many Requests", retry_after=300)

    assert retry_delay(error, 1) == 300


def test_a_proxys_page_is_described_without_its_body() -> None:
    assert describe(_not_json()) == "an answer that is not the Bot API's (JSONDecodeError)"
