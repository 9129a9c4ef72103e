"""Texts for people, from Fluent catalogs in bot/locales/<language>/*.ftl.

Fluent picks Russian plural forms by CLDR rules ("1 пара, 3 пары, 5 пар"). Arguments that are
plain strings are HTML-escaped, since every message is sent with parse_mode=HTML; a fragment
that is already safe HTML is passed as `Html(...)`.
"""

from __future__ import annotations

import html
import logging
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

log = logging.getLogger(__name__)


class Html(str):
    """A string that is already safe HTML and must not be escaped again."""


class Translator:
    def __init__(self, language: str, bundle: FluentBundle, fallback: Translator | None) -> None:
        self.language = language
        self._bundle = bundle
        self._fallback = fallback
        self._fixed: dict[str, str] = {}  # texts without arguments, formatted once

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key) or bool(self._fallback and self._fallback.has(key))

    def __call__(self, key: str, **args: Any) -> str:
        """The text for HTML messages: string arguments are escaped."""
        if not args:
            fixed = self._fixed.get(key)
            if fixed is None:
                fixed = self._fixed[key] = self._format(key, {})
            return fixed
        return self._format(key, _prepare(args, escape=True))

    def plain(self, key: str, **args: Any) -> str:
        """The text for a button label or an alert, which Telegram shows as typed."""
        return self._format(key, _prepare(args, escape=False))

    def _format(self, key: str, args: dict[str, Any]) -> str:
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


def _prepare(args: dict[str, Any], *, escape: bool) -> dict[str, Any]:
    prepared: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, Html):
            prepared[name] = str(value)
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
            bundle = FluentBundle([language], use_isolating=False)
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
