from bot.domain.bounded import MESSAGE_LIMIT, bounded_lines, text_length
from bot.i18n import I18n


def more(n: int) -> str:
    return f"… и ещё {n}"


def test_length_is_counted_on_the_rendered_text_in_utf16_units() -> None:
    assert text_length("<b>a &lt; b</b>") == len("a < b")
    assert text_length("👍") == 2


def test_lines_that_fit_are_all_kept_without_a_count() -> None:
    assert bounded_lines(["a", "b"], more, head="H", budget=100) == "H\na\nb"


def test_no_lines_leaves_the_head_alone() -> None:
    assert bounded_lines([], more, head="H") == "H"


def test_the_first_lines_are_kept_and_the_rest_counted() -> None:
    lines = [f"line {i:02d}" for i in range(100)]
    text = bounded_lines(lines, more, head="Head", budget=100)
    assert text_length(text) <= 100
    assert text.startswith("Head\nline 00\n")
    kept = text.count("line ")
    assert text.endswith(f"… и ещё {100 - kept}")


def test_keep_last_shows_the_newest_and_counts_the_earlier_first() -> None:
    lines = [f"entry {i}" for i in range(20)]
    text = bounded_lines(lines, more, head="History:", max_lines=3, keep="last")
    assert text == "History:\n… и ещё 17\nentry 17\nentry 18\nentry 19"


def test_a_long_list_of_long_html_lines_stays_under_the_message_limit() -> None:
    lines = [f"<b>{'Щ' * 300}</b> &amp; {i}" for i in range(1000)]
    text = bounded_lines(lines, more, head="<b>Head</b>")
    assert MESSAGE_LIMIT - 400 < text_length(text) <= MESSAGE_LIMIT
    assert text.endswith(f"… и ещё {1000 - text.count('<b>') + 1}")


def test_the_count_uses_russian_plural_forms() -> None:
    t = I18n().get("ru")
    assert t("list-more-pairs", count=1) == "… и ещё 1 пара"
    assert t("list-more-pairs", count=3) == "… и ещё 3 пары"
    assert t("list-more-pairs", count=11) == "… и ещё 11 пар"
    assert t("pair-history-more", count=21) == "… и ещё 21 более ранняя запись"
    assert t("pair-history-more", count=5) == "… и ещё 5 более ранних записей"
