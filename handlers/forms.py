"""Forms that span several messages: each run has its own id, carried by its buttons, so that
a button left on an older message never acts on the form in progress now."""

from __future__ import annotations

import secrets
from typing import Any

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery

FORM_KEY = "form"


async def start_form(state: FSMContext, step: State, **data: Any) -> int:
    """Leave whatever form was open and start a new one at `step`; returns its id."""
    form = secrets.randbelow(2**31 - 2) + 1
    await state.clear()
    await state.set_state(step)
    await state.update_data({FORM_KEY: form, **data})
    return form


async def form_id(state: FSMContext) -> int:
    return int((await state.get_data()).get(FORM_KEY, 0))


class OfCurrentForm(Filter):
    """Put after a CallbackData filter whose data has a `form` field."""

    async def __call__(self, callback: CallbackQuery, state: FSMContext, **kwargs: Any) -> bool:
        callback_data = kwargs.get("callback_data")
        form = getattr(callback_data, FORM_KEY, None)
        return form is not None and form != 0 and form == await form_id(state)
