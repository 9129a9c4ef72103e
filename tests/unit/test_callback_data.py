"""Every button's data is packed by one of the handlers' CallbackData classes, the one that
unpacks it when pressed: each packs and unpacks to the same value, within Telegram's 64 bytes,
at the largest values it carries. The core's buttons (bot/domain/links.py) are packed by them
too (handlers/links.py)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData

import handlers
from handlers.keyboards import (
    AttentionPage,
    DigestPage,
    MeetingAct,
    MilestoneCb,
    PairCard,
    PersonCard,
    PlanCb,
    QuestionAction,
    WhichPair,
)
from handlers.links import LINKS

LARGEST_ID = 2**31 - 1  # ids, pages and form runs in a database of a college's lifetime
LONGEST_WORD = "x" * 12  # an action, a purpose, a step or a short code


def _handler_classes() -> list[type[CallbackData]]:
    for module in pkgutil.walk_packages(handlers.__path__, "handlers."):
        importlib.import_module(module.name)
    found: list[type[CallbackData]] = []
    todo = list(CallbackData.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("handlers."):
            found.append(cls)
    return sorted(found, key=lambda cls: cls.__name__)


def _largest(cls: type[CallbackData]) -> CallbackData:
    values: dict[str, Any] = {}
    for name, field in cls.model_fields.items():
        values[name] = LARGEST_ID if field.annotation is int else LONGEST_WORD
    return cls(**values)


CLASSES = _handler_classes()


def test_the_handlers_have_their_callback_data_classes() -> None:
    assert len(CLASSES) >= 19
    prefixes = [cls.__prefix__ for cls in CLASSES]
    assert len(prefixes) == len(set(prefixes))  # no two classes read each other's presses


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_a_class_packs_and_unpacks_the_same_within_64_bytes(cls: type[CallbackData]) -> None:
    data = _largest(cls)
    packed = data.pack()
    assert len(packed.encode()) <= 64, packed
    assert cls.unpack(packed) == data


def test_the_cores_buttons_are_packed_by_the_classes_that_read_them() -> None:
    n = LARGEST_ID
    assert MeetingAct.unpack(LINKS.meeting(n, n, "notheld")) == MeetingAct(
        meeting_id=n, rev=n, action="notheld"
    )
    assert MilestoneCb.unpack(LINKS.milestone(n)) == MilestoneCb(action="view", milestone_id=n)
    assert QuestionAction.unpack(LINKS.answer_question(n)) == QuestionAction(
        action="answer", question_id=n
    )
    assert PairCard.unpack(LINKS.pair_card(n)) == PairCard(pair_id=n, action="open")
    assert PersonCard.unpack(LINKS.person_card(n)) == PersonCard(person_id=n, action="open")
    assert PlanCb.unpack(LINKS.plan(n)) == PlanCb(action="view", pair_id=n)
    assert WhichPair.unpack(LINKS.journal(n)) == WhichPair(purpose="journal", pair_id=n)
    assert DigestPage.unpack(LINKS.digest_page(n)) == DigestPage(page=n)
    assert AttentionPage.unpack(LINKS.attention_page("inactive", n)) == AttentionPage(
        concern="inactive", page=n
    )


def test_buttons_queued_before_keep_working() -> None:
    """The outbox keeps button data as it was packed: the classes read what was queued when the
    core wrote it by hand."""
    assert LINKS.meeting(7, 2, "ok") == "mt:7:2:ok"
    # A notice's milestone and plan open as a new message since notices are sent several in one
    # message ("view"); those queued before ("open", "show") still open in place.
    assert LINKS.milestone(5) == "ml:view:5:0:0"
    assert MilestoneCb.unpack("ml:open:5:0:0") == MilestoneCb(action="open", milestone_id=5)
    assert LINKS.answer_question(3) == "qs:answer:3:0"
    assert LINKS.pair_card(4) == "pa:4:open"
    assert LINKS.plan(4) == "pn:view:4:0:0:0"
    assert PlanCb.unpack("pn:show:4:0:0:0") == PlanCb(action="show", pair_id=4)
    assert LINKS.journal(4) == "wp:journal:4:0:0"
    assert LINKS.digest_page(2) == "dg:2"


def test_no_button_data_is_written_by_hand_outside_the_classes() -> None:
    """A string beginning with a class's prefix ("mt:", "pa:"…) anywhere but in handlers/
    would be button data written past its class."""
    root = Path(__file__).resolve().parents[2]
    prefixes = tuple(f"{cls.__prefix__}:" for cls in CLASSES)
    found = []
    for package in ("bot", "scheduler", "storage"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value.startswith(prefixes)
                ):
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.value!r}")
    assert found == []
