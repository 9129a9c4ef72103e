"""What the dispatcher's handlers filter on, read from the routers: their commands and the
CallbackData class of every kind of button (by its prefix)."""

from __future__ import annotations

from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter

from handlers import get_routers


def routed_commands_and_buttons() -> tuple[set[str], dict[str, type[CallbackData]]]:
    """The commands and, by prefix, the callback data classes the handlers filter on."""
    (journeys,) = get_routers()
    commands: set[str] = set()
    buttons: dict[str, type[CallbackData]] = {}
    for observer in (journeys.message, journeys.callback_query):
        for handler in observer.handlers:
            for found in handler.filters or []:
                check = found.callback
                inner = getattr(check, "inner", None)  # handlers.filters.OnTheLoop
                if inner is not None:
                    check = inner.callback
                if isinstance(check, Command):
                    commands.update(c for c in check.commands if isinstance(c, str))
                elif isinstance(check, CallbackQueryFilter):
                    buttons[check.callback_data.__prefix__] = check.callback_data
    return commands, buttons
