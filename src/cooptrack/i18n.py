"""The interface's language: gettext catalogs (through Babel), and dates and numbers by locale.

English is the source language; `locales/<lang>/LC_MESSAGES/<domain>.po` hold the translations,
one file per part of the code (see `tools/catalogs.py`, which extracts, updates, checks and
compiles them). `make` compiles each `.po` to `.mo`; a catalog whose `.mo` is missing or older
than its `.po` (an installed wheel, an edited translation) is compiled in memory instead, so a
translation is never silently stale.

The language is per page run, not per process: Streamlit draws many sessions in threads at
once, so it lives in a context variable that each run sets (`use_language`) and that every
`_()` reads. Outside a run (the CLI, the tests) it is English unless set.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal, cast

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

Language = Literal["en", "ru"]
LANGUAGES: dict[Language, str] = {"en": "English", "ru": "Русский"}  # each in its own words
DEFAULT: Language = "en"
# The parts of the code, one catalog each (tools/catalogs.py says which files are in which).
DOMAINS = ("core", "queries", "record", "pages", "edit")
LOCALES = Path(__file__).resolve().parent / "locales"

# After a record's text shown in English because it has no Russian version (a discreet marker;
# the same in both languages, so that it is never mistaken for part of the text).
ENGLISH_MARKER = " [EN]"

_current: ContextVar[Language] = ContextVar("cooptrack_language", default=DEFAULT)


def language_of(value: object) -> Language | None:
    """`value` as a language this interface speaks (`ru`, `RU`, `ru-KZ`, `ru_RU`), else None."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    for language in LANGUAGES:
        if language == code:
            return language
    return None


def current() -> Language:
    """The language of this page run (or of this CLI command)."""
    return _current.get()


def set_language(language: Language) -> None:
    """Speak `language` from here on in this thread or task (a page run sets it first)."""
    _current.set(language)


@contextmanager
def use_language(language: Language) -> Iterator[None]:
    """Speak `language` inside the block only (exports, tests)."""
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


@cache
def _catalog(language: Language) -> NullTranslations:
    if language == DEFAULT:
        return NullTranslations()
    merged: Translations | None = None
    for domain in DOMAINS:
        loaded = _load(language, domain)
        if loaded is None:
            continue
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)
    return merged if merged is not None else NullTranslations()


def _load(language: str, domain: str) -> Translations | None:
    folder = LOCALES / language / "LC_MESSAGES"
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=domain)
    if not po.exists():
        return None
    return Translations(compiled_po(po), domain=domain)


def compiled_po(po: Path) -> io.BytesIO:
    """A `.po` file compiled to `.mo` bytes (fuzzy entries left out, as gettext does)."""
    with po.open("rb") as source:
        catalog = read_po(source)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return buffer


def _(message: str) -> str:
    """`message` (English source text) in the current language."""
    return _catalog(current()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a counted message that fits `count` (Russian has three)."""
    return _catalog(current()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` where the same English word needs different translations (`context` says which)."""
    return str(_catalog(current()).pgettext(context, message))


def N_(message: str) -> str:
    """Mark a constant for translation without translating it yet (translate where it is shown)."""
    return message


def locale() -> Locale:
    return _locale(current())


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)


def number(value: int | float | Decimal) -> str:
    """`1,998,000` in English, `1 998 000` in Russian (a no-break space: never split)."""
    return format_decimal(value, locale=locale())


def money(amount: int | float | Decimal | None, currency: str | None) -> str:
    """`1,998,000 EUR` / `1 998 000 EUR`; the code as given (the record's own), '' if unknown."""
    if amount is None:
        return ""
    whole = Decimal(str(amount))
    shown = number(whole.quantize(Decimal(1)) if whole == whole.to_integral_value() else whole)
    return f"{shown}\u00a0{currency}" if currency else shown


def month_name(month: int, standalone: bool = False, short: bool = False) -> str:
    """The month as the current language writes it beside a day (`февраля`) or alone
    (`ноябрь`); English keeps the short forms the tables use (`Feb`)."""
    if current() == DEFAULT:
        names = get_month_names("abbreviated", "format", locale=locale())
        return cast(str, names[month])
    width: Literal["abbreviated", "wide"] = "abbreviated" if short else "wide"
    context: Literal["format", "stand-alone"] = "stand-alone" if standalone else "format"
    return cast(str, get_month_names(width, context, locale=locale())[month])


def full_date(value: date) -> str:
    """`12 February 2020` / `12 февраля 2020 г.`-style long date for sentences."""
    if current() == DEFAULT:
        return f"{value.day} {value:%B} {value.year}"
    return f"{value.day} {month_name(value.month)} {value.year}"


def pick(english: object, russian: object) -> tuple[str, bool]:
    """The text to show for a record field: its Russian version when the interface is Russian
    and one is recorded; otherwise the English one. The flag says "shown in English although
    Russian was asked", for a discreet marker."""
    english_text = english if isinstance(english, str) else ""
    if current() == "ru":
        if isinstance(russian, str) and russian.strip():
            return russian, False
        return english_text, bool(english_text)
    return english_text, False


def shown(english: object, russian: object) -> str:
    """A record field as the current language shows it: `pick`, with the marker."""
    text, in_english = pick(english, russian)
    return f"{text}{ENGLISH_MARKER}" if in_english else text
