"""Forms that span several messages: each run has its own id, carried by its buttons, so that
a button left on an older message never acts on the form in progress now; its values so far are
a typed draft (a `Draft` model), kept in the FSM storage between messages."""

from __future__ import annotations

import secrets
from typing import Any, TypeVar

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery
from pydantic import BaseModel, ConfigDict, ValidationError

FORM_KEY = "form"
_ADMIN_STEPS: set[str] = set()  # the steps of the forms only admins fill


def admins_only(*steps: State | type[StatesGroup]) -> None:
    """Declare forms (or steps) as admins' own: someone whose rights were taken while in one is
    told so, and the form closes (rather than «I am waiting for another answer»)."""
    for step in steps:
        if isinstance(step, State):
            _ADMIN_STEPS.add(str(step.state))
        else:
            _ADMIN_STEPS.update(step.__all_states_names__)


def is_admins_step(state: str | None) -> bool:
    return state in _ADMIN_STEPS


class FormGone(LookupError):
    """A form's stored values no longer read as its draft (a form begun before an upgrade that
    changed it): the form is closed and the person asked to begin again."""


class Draft(BaseModel):
    """A form's values so far. Stored as JSON in the FSM storage (so a restart mid-form keeps
    it) and read back typed; a field not given yet is None."""

    model_config = ConfigDict(extra="ignore")

    form: int = 0  # the form run: its buttons carry it (OfCurrentForm)


D = TypeVar("D", bound=Draft)


async def start_draft(state: FSMContext, step: State, draft: D) -> D:
    """Leave whatever form was open and start `draft` as a new run at `step`."""
    started = draft.model_copy(update={"form": secrets.randbelow(2**31 - 2) + 1})
    await state.clear()
    await state.set_state(step)
    await save_draft(state, started)
    return started


async def load_draft(state: FSMContext, kind: type[D]) -> D:
    try:
        return kind.model_validate(await state.get_data())
    except ValidationError as exc:
        await state.clear()
        raise FormGone(kind.__name__) from exc


async def save_draft(state: FSMContext, draft: Draft) -> None:
    await state.set_data(draft.model_dump(mode="json"))


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
