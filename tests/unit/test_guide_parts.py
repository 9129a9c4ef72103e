"""The guides /help sends: Telegram's HTML, each message within its limit, nothing lost."""

from __future__ import annotations

import pytest

from bot.domain.bounded import MESSAGE_LIMIT, text_length
from handlers.guide import GUIDES, parts_of, to_html


@pytest.mark.parametrize("name", ["mentee", "mentor", "admin"])
def test_each_shipped_guide_fits_telegrams_messages(name: str) -> None:
    parts = parts_of((GUIDES / f"{name}.md").read_text(encoding="utf-8"))
    assert parts and all(text_length(part) <= MESSAGE_LIMIT for part in parts)
    assert all(part.count("<b>") == part.count("</b>") for part in parts)


def test_markdown_becomes_telegram_html_escaped() -> None:
    html = to_html("# Title\n\n- **Plan** `/plan` <x>\n  more of it\n\n## Next\n[a link](#x)")
    assert html == [
        "<b>Title</b>\n• <b>Plan</b> <code>/plan</code> &lt;x&gt; more of it",
        "<b>Next</b>\na link",
    ]


def test_a_long_guide_is_cut_between_sections_and_lines() -> None:
    guide = "\n".join(
        f"## Section {n}\n" + "\n".join(f"- item {i} " + "x" * 80 for i in range(30))
        for n in range(5)
    )
    parts = parts_of(guide, limit=1000)
    assert all(text_length(part) <= 1000 for part in parts)
    assert sum(part.count("• item") for part in parts) == 150
