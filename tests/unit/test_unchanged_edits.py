"""bot.unchanged_edits: when an edit would show what the message already shows."""

from __future__ import annotations

from bot.unchanged_edits import _tokens


def test_html_compares_as_telegram_renders_it() -> None:
    assert _tokens('<b>Пары</b> «&quot;ИТ&quot;» &amp; <a href="x">я</a>') == _tokens(
        "<strong>Пары</strong> «\"ИТ\"» &amp; <a href='x'>я</a>"
    )
    assert _tokens("<b>Пары</b>") != _tokens("Пары")  # the formatting changed
    assert _tokens("&lt;b&gt;Пары&lt;/b&gt;") != _tokens("<b>Пары</b>")  # text, not a tag
