"""Texts for people, from Fluent catalogs in bot/locales/<language>/*.ftl.

Fluent picks Russian plural forms by CLDR rules ("1 пара, 3 пары, 5 пар"). Arguments that are
plain strings are HTML-escaped, since every message is sent with parse_mode=HTML; a fragment
that is already safe HTML is passed as `Html(...)`.

A full name (`PersonName`) is shown as given by `{ $mentor }` and in other forms by the catalog's
functions (bot/names.py): `{ GEN($mentor) }`, `DAT`, `ACC`, `INS`, `PRE` decline it («от
Сидоровой Марии Олеговны»), `SHORT` shortens it («Сидорова М. О.»), `ADDRESS` is how one
addresses them («Мария Олеговна»), and `GENDER($mentor)` selects a form that agrees with them:
`{ GENDER($mentor) -> [female] подтвердила *[other] подтвердил }`.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.resolver import (
    FunctionReference,
    NeverIsolatingPlaceable,
    Pattern,
    Placeable,
    TextElement,
    VariableReference,
)

from bot import names
from bot.names import Case
from bot.notices import Html
from storage.names import PersonName

__all__ = ["Html", "I18n", "Translator", "as_sentence"]

log = logging.getLogger(__name__)


class Translator:
    def __init__(self, language: str, bundle: FluentBundle, fallback: Translator | None) -> None:
        self.language = language
        self._bundle = bundle
        self._fallback = fallback
        self._fixed: dict[str, str] = {}  # texts without arguments, formatted once
        self._plain_patterns: dict[str, _PlainPattern | None] = {}

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key) or bool(self._fallback and self._fallback.has(key))

    def __call__(self, key: str, **args: Any) -> str:
        """The text for HTML messages: string arguments are escaped."""
        if not args:
            fixed = self._fixed.get(key)
            if fixed is None:
                fixed = self._fixed[key] = self._format(key, {})
            return fixed
        return nested_quotes(self._format(key, _prepare(args, escape=True)))

    def plain(self, key: str, **args: Any) -> str:
        """The text for a button label or an alert, which Telegram shows as typed."""
        return nested_quotes(self._format(key, _prepare(args, escape=False)))

    def _format(self, key: str, args: dict[str, Any]) -> str:
        if key in self._plain_patterns:
            plain = self._plain_patterns[key]
        else:
            plain = self._plain_patterns[key] = _PlainPattern.of(self._bundle, key)
        if plain is not None and (joined := plain.format(args)) is not None:
            return joined
        if not self._bundle.has_message(key):
            if self._fallback is not None:
                return self._fallback._format(key, args)
            log.error("missing text %r", key)
            return key
        message = self._bundle.get_message(key)
        if message.value is None:
            log.error("text %r has no value", key)
            return key
        text, errors = self._bundle.format_pattern(message.value, args)
        for error in errors:
            log.error("text %r: %s", key, error)
        return str(text)

    def date(self, value: date) -> str:
        return value.strftime("%d.%m.%Y")


class _PlainPattern:
    """A text that is only literal parts and `{ $variables }` (most of the catalog), formatted
    by joining strings: the same result as Fluent's resolver at a tenth of its cost, which
    counted in every update (a plan page formats some thirty texts)."""

    def __init__(
        self, literals: list[str], names: list[str], functions: list[Callable[[str], str] | None]
    ) -> None:
        self.literals = literals  # one more than names: text before, between and after them
        self.names = names
        self.functions = functions  # a name function applied to the argument, or None

    @classmethod
    def of(cls, bundle: FluentBundle, key: str) -> _PlainPattern | None:
        if bundle.use_isolating or not bundle.has_message(key):
            return None
        value = bundle.get_message(key).value
        if value is None:
            return None
        # Fluent compiles a pattern of one element to that element.
        elements = value.elements if isinstance(value, Pattern) else [value]
        literals, names = [""], []
        functions: list[Callable[[str], str] | None] = []
        for element in elements:
            if isinstance(element, TextElement):
                literals[-1] += element.value
            elif isinstance(element, Placeable | NeverIsolatingPlaceable) and isinstance(
                element.expression, VariableReference
            ):
                names.append(element.expression.id.name)
                functions.append(None)
                literals.append("")
            elif (
                isinstance(element, Placeable | NeverIsolatingPlaceable)
                and isinstance(element.expression, FunctionReference)
                and element.expression.id.name in NAME_FUNCTIONS
                and not element.expression.arguments.named
                and len(element.expression.arguments.positional) == 1
                and isinstance(element.expression.arguments.positional[0], VariableReference)
            ):  # { GEN($mentor) }: a name's form, called here as Fluent would call it
                names.append(element.expression.arguments.positional[0].id.name)
                functions.append(NAME_FUNCTIONS[element.expression.id.name])
                literals.append("")
            else:
                return None  # a selector (plural forms), a reference, a literal: Fluent's own
        return cls(literals, names, functions)

    def format(self, args: dict[str, Any]) -> str | None:
        """None when an argument needs Fluent: a number it would group with spaces (1 000), a
        missing or unusual value (Fluent reports those)."""
        parts = [self.literals[0]]
        for name, function, literal in zip(
            self.names, self.functions, self.literals[1:], strict=True
        ):
            value = args.get(name)
            if function is not None:
                if not isinstance(value, str):
                    return None
                parts.append(function(value))
            elif isinstance(value, str):  # of any length: Fluent's resolver gives «{???}» past
                parts.append(value)  # MAX_PART_LENGTH characters, a joined text does not
            elif type(value) is int and -1000 < value < 1000:
                parts.append(str(value))
            else:
                return None
            parts.append(literal)
        return "".join(parts)


class _NameArg(str):
    """A full name as a Fluent argument: its text as shown (escaped for HTML), the name and its
    gender kept for the catalog's name functions."""

    __slots__ = ("escape", "name")
    name: PersonName
    escape: bool

    def __new__(cls, name: PersonName, *, escape: bool) -> _NameArg:
        arg = super().__new__(cls, html.escape(name, quote=False) if escape else name)
        arg.name, arg.escape = name, escape
        return arg

    def shown(self, text: str) -> str:
        return html.escape(text, quote=False) if self.escape else text


def _name_of(value: str) -> tuple[PersonName, _NameArg | None]:
    """The name behind an argument: a PersonName's, or a plain string read as a name (already
    escaped, so shown as it is)."""
    if isinstance(value, _NameArg):
        return value.name, value
    return (value if isinstance(value, PersonName) else PersonName(value)), None


def _case(case: Case) -> Callable[[str], str]:
    def form(value: str) -> str:
        name, arg = _name_of(value)
        text = names.declined(name, names.gender_of(name, name.gender), case)
        return arg.shown(text) if arg else text

    return form


def _shown_by(function: Callable[[str], str]) -> Callable[[str], str]:
    def form(value: str) -> str:
        name, arg = _name_of(value)
        return arg.shown(function(name)) if arg else function(name)

    return form


def _gender(value: str) -> str:
    name, _ = _name_of(value)
    return "female" if names.gender_of(name, name.gender).value == "f" else "male"


NAME_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "GEN": _case(Case.GENITIVE),
    "DAT": _case(Case.DATIVE),
    "ACC": _case(Case.ACCUSATIVE),
    "INS": _case(Case.INSTRUMENTAL),
    "PRE": _case(Case.PREPOSITIONAL),
    "SHORT": _shown_by(names.short),
    "ADDRESS": _shown_by(names.address),
    "GENDER": _gender,
}


def _prepare(args: dict[str, Any], *, escape: bool) -> dict[str, Any]:
    prepared: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, Html):
            prepared[name] = str(value)
        elif isinstance(value, PersonName):
            prepared[name] = _NameArg(value, escape=escape)
        elif isinstance(value, str):
            prepared[name] = html.escape(value, quote=False) if escape else value
        elif value is None:
            prepared[name] = ""
        elif isinstance(value, bool):
            prepared[name] = "yes" if value else "no"
        else:
            prepared[name] = value
    return prepared


class I18n:
    """The catalogs of every shipped language; `get(code)` falls back to the default."""

    def __init__(self, default_language: str = "ru", root: Traversable | None = None) -> None:
        """`root`: a folder of <language>/*.ftl other than the shipped bot/locales (tests)."""
        root = root if root is not None else resources.files("bot") / "locales"
        self.languages = sorted(entry.name for entry in root.iterdir() if entry.is_dir())
        if default_language not in self.languages:
            raise ValueError(f"no catalog for the default language {default_language!r}")
        self.default_language = default_language
        bundles: dict[str, FluentBundle] = {}
        for language in self.languages:
            bundle = FluentBundle(
                [language],
                functions=NAME_FUNCTIONS,  # type: ignore[arg-type]  # returns str, as Fluent takes
                use_isolating=False,
            )
            for entry in sorted((root / language).iterdir(), key=lambda e: e.name):
                if entry.name.endswith(".ftl"):
                    bundle.add_resource(FluentResource(entry.read_text(encoding="utf-8")))
            bundles[language] = bundle
        default = Translator(default_language, bundles[default_language], None)
        self._translators = {
            language: default
            if language == default_language
            else Translator(language, bundle, default)
            for language, bundle in bundles.items()
        }

    def get(self, language: str | None) -> Translator:
        if language and language in self._translators:
            return self._translators[language]
        return self._translators[self.default_language]


def as_sentence(text: str) -> str:
    """A reason written to follow a colon («…: у наставника уже…»), shown on its own."""
    return text[:1].upper() + text[1:]


def nested_quotes(text: str) -> str:
    """Quotes inside quotes read „…“, as Russian typography has them: a title in «» put in a
    text's own «» («Открытый урок „Моя профессия“»). A text whose «» do not pair (a lone « in
    someone's title) is left as it is rather than turned inside out."""
    if text.count("«") < 2:
        return text
    shown, depth = [], 0
    for char in text:
        if char == "«":
            shown.append("„" if depth else char)
            depth += 1
        elif char == "»":
            depth -= 1
            if depth < 0:
                return text
            shown.append("“" if depth else char)
        else:
            shown.append(char)
    return "".join(shown) if depth == 0 else text
