"""Keyboards built from data stay within Telegram's limits whatever the data."""

from aiogram.types import InlineKeyboardMarkup

from bot.i18n import I18n
from handlers.keyboards import (
    MAX_PAGE,
    PAGE_SIZE,
    DepartmentPick,
    KeyboardBuilder,
    PeopleList,
    PersonPick,
    department_picker,
    page_slice,
)

t = I18n().get("ru")
LARGEST_ID = 2**63 - 1
LARGEST_FORM = 2**31 - 1


def data_of(markup: InlineKeyboardMarkup) -> list[str]:
    return [b.callback_data or "" for row in markup.inline_keyboard for b in row]


def test_every_page_of_five_thousand_departments_fits_telegrams_limits() -> None:
    departments = sorted(f"Компания {i:04d} " + "«Очень длинное название»" * 8 for i in range(5000))
    for page in (0, 300, 624, 10**9, -5):
        markup = department_picker(
            t,
            departments,
            page,
            lambda code: DepartmentPick(code=code, form=LARGEST_FORM).pack(),
            lambda n: DepartmentPick(page=n, form=LARGEST_FORM).pack(),
        )
        data = data_of(markup)
        assert len(data) <= PAGE_SIZE + 3
        assert all(len(d.encode()) <= 64 for d in data)


def test_a_page_past_the_end_is_the_last_page() -> None:
    assert page_slice(list(range(20)), 99) == ([16, 17, 18, 19], 2)
    assert page_slice(list(range(20)), -1) == (list(range(8)), 0)
    assert page_slice([], 3) == ([], 0)


def test_the_largest_callback_data_fits_64_bytes() -> None:
    largest = [
        PeopleList(role="mentee", dept="f" * 10, page=MAX_PAGE, action="depts").pack(),
        PersonPick(
            purpose="newmentor", person_id=LARGEST_ID, page=MAX_PAGE, form=LARGEST_FORM
        ).pack(),
        DepartmentPick(code="f" * 10, page=MAX_PAGE, form=LARGEST_FORM).pack(),
    ]
    assert all(len(d.encode()) <= 64 for d in largest), largest


def test_the_keyboard_builder_exports_rows_of_its_own_buttons_without_copying() -> None:
    builder = KeyboardBuilder()
    builder.button(text="a", callback_data="a")
    builder.button(text="b", callback_data="b")
    builder.adjust(1)
    markup = builder.as_markup()
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["a"], ["b"]]
    markup.inline_keyboard.append([])  # the markup's rows are its own
    assert len(builder.as_markup().inline_keyboard) == 2
