import pytest

from bot.i18n import Html, I18n, _PlainPattern


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n("ru")


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 пара"), (3, "3 пары"), (5, "5 пар"), (11, "11 пар"), (21, "21 пара"), (22, "22 пары")],
)
def test_russian_plural_forms(i18n: I18n, count: int, expected: str) -> None:
    assert expected in i18n.get("ru")("pairs-title", count=count)


def test_string_arguments_are_html_escaped(i18n: I18n) -> None:
    text = i18n.get("ru")("start-greeting", name="<b>Ива&нов</b>", role="наставник")
    assert "&lt;b&gt;Ива&amp;нов&lt;/b&gt;" in text


def test_trusted_html_is_not_escaped_twice(i18n: I18n) -> None:
    text = i18n.get("ru")("pair-not-created", reason=Html("<i>why</i>"))
    assert "<i>why</i>" in text


def test_unknown_language_falls_back_to_default(i18n: I18n) -> None:
    assert i18n.get("xx")("cancelled") == i18n.get("ru")("cancelled")


def test_every_text_key_used_in_the_code_exists(i18n: I18n) -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    used: set[str] = set()
    for folder in ("bot", "handlers", "scheduler"):
        for path in (root / folder).rglob("*.py"):
            used.update(re.findall(r'\bt\("([a-z][a-z0-9-]+)"', path.read_text("utf-8")))
    assert len(used) > 50
    t = i18n.get("ru")
    missing = sorted(key for key in used if not t.has(key))
    assert missing == []


def test_keys_built_from_enums_exist(i18n: I18n) -> None:
    from bot.domain.onboarding import DecisionError, StartOutcome
    from bot.domain.rules import PairRefusal
    from bot.domain.staff import StaffRefusal
    from storage.models import PairKind, PairStatus, Role

    keys = [f"start-{o.value}" for o in StartOutcome if not o.value.startswith(("known", "linked"))]
    keys += [f"pair-kind-{k.value}" for k in PairKind]
    keys += [f"pair-status-{s.value}" for s in PairStatus]
    keys += [f"{prefix}-{r.value}" for r in Role for prefix in ("role", "role-short")]
    keys += [f"people-filter-{r.value}" for r in Role] + ["people-filter-all"]
    keys += [f"start-your-pairs-{r}" for r in ("mentor", "mentee")]
    keys += [f"start-no-pairs-{r}" for r in ("mentor", "mentee")]
    keys += [e.value for e in (*PairRefusal, *StaffRefusal, *DecisionError)]
    keys += [
        f"command-{name}"
        for name in (
            "start",
            "help",
            "cancel",
            "people",
            "invite",
            "pair",
            "pairs",
            "digest",
            "import",
        )
    ]
    t = i18n.get("ru")
    assert [key for key in keys if not t.has(key)] == []


def test_button_labels_are_not_escaped(i18n: I18n) -> None:
    label = i18n.get("ru").plain("pair-button", mentee="Экономика & право", mentor="<Иванова>")
    assert label == "Экономика & право ← <Иванова>"


@pytest.mark.parametrize(
    "value", ["Иванова <b>А.</b> & «Ко»", 0, 7, 999, -999, 1000, 12345, "x" * 3000, 2.5, None]
)
def test_plain_texts_come_out_as_fluent_formats_them(i18n: I18n, value: object) -> None:
    """The join of literal parts and variables (_PlainPattern) against Fluent's resolver, for
    every text of every catalog that takes that path, with each kind of argument."""
    checked = 0
    for language in i18n.languages:
        t = i18n.get(language)
        bundle = t._bundle
        for key in bundle._messages:
            plain = _PlainPattern.of(bundle, key)
            if plain is None:
                continue
            args = {name: value for name in plain.names}
            message = bundle.get_message(key)
            assert message.value is not None
            expected, errors = bundle.format_pattern(message.value, args)
            joined = plain.format(args)
            if joined is None:  # left to Fluent
                continue
            if value == "x" * 3000:  # Fluent gives «{???}» for a part this long; the join not
                assert (value in joined or not plain.names) and "{???}" not in joined, key
                checked += 1
                continue
            assert not errors, key
            assert joined == expected, key
            checked += 1
    assert checked > (0 if value in (1000, 12345, 2.5, None) else 100)
