"""What a failed Bot API call means, decided in one place for start-up, the outbox sender and
the error answer: an outage that passes, or a refusal that retrying cannot change."""

from __future__ import annotations

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)


def is_transient(exc: BaseException) -> bool:
    """An outage that passes: a 5xx, a flood wait, the network, a proxy's page instead of JSON."""
    if isinstance(exc, TelegramEntityTooLarge):  # a network error by class, a refusal in fact
        return False
    return isinstance(
        exc, TelegramServerError | TelegramRetryAfter | TelegramNetworkError | ClientDecodeError
    )


def is_not_modified(exc: BaseException) -> bool:
    """An edit to what is shown already: nothing to do, not a failure."""
    return isinstance(exc, TelegramBadRequest) and "message is not modified" in exc.message
