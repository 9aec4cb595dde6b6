"""Reference vocabularies: countries from pycountry, and the record's conventions, topics and
organisations, with case-insensitive lookup of what people type."""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pycountry

CENTRAL_ASIA = ("KZ", "KG", "TJ", "TM", "UZ")
# The code for the five together. ISO 3166 leaves XAA-XZZ to users and never assigns them to a
# country, so it cannot hide one (as "CA" once hid Canada).
CENTRAL_ASIA_CODE = "XCA"
_REGIONS = {
    "central asia": CENTRAL_ASIA,
    "central-asia": CENTRAL_ASIA,
    CENTRAL_ASIA_CODE.lower(): CENTRAL_ASIA,
    "центральная азия": CENTRAL_ASIA,
    "пять стран центральной азии": CENTRAL_ASIA,
}


# Where the region writes a name otherwise than the ISO translation pycountry ships: the
# Constitution of the Kyrgyz Republic, art. 1, names it «Кыргызская Республика (Кыргызстан)»;
# Moldova's own Russian name; the short forms Russian texts use for the UK and the USA (the
# ISO translation also writes «Соединённые штаты» with a lowercase «штаты»).
_RUSSIAN_NAMES = {"KG": "Кыргызстан", "MD": "Молдова", "GB": "Великобритания", "US": "США"}


@dataclass(frozen=True)
class Country:
    code: str
    alpha3: str
    name: str
    name_ru: str | None = None


def _iso_russian() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, ["ru"], fallback=True)


def all_countries() -> list[Country]:
    """Every ISO 3166-1 country, named as pycountry (the maintained ISO data) names it, in
    English and in Russian (pycountry's translation of the ISO names)."""
    russian = _iso_russian()
    countries = []
    for c in pycountry.countries:
        english = getattr(c, "common_name", None) or c.name
        translated = russian.gettext(english)
        if translated == english:
            translated = russian.gettext(c.name)
        name_ru = _RUSSIAN_NAMES.get(c.alpha_2) or (translated if translated != c.name else None)
        countries.append(Country(c.alpha_2, c.alpha_3, english, name_ru))
    return countries


@functools.cache
def russian_country_names() -> dict[str, str]:
    """Russian name (case-folded) → alpha-2 code: the name `all_countries` gives, and also the
    ISO translations of the common, short and official names where they differ ("Киргизия"
    and «Кыргызская Республика» as well as "Кыргызстан")."""
    russian = _iso_russian()
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        for attribute in ("official_name", "name", "common_name"):
            english = getattr(country, attribute, None)
            translated = russian.gettext(english) if english else None
            if translated and translated != english:
                names[translated.casefold()] = code
    names |= {c.name_ru.casefold(): c.code for c in all_countries() if c.name_ru}
    return names


def resolve_countries(token: str) -> tuple[str, ...]:
    """Alpha-2, alpha-3, English or Russian name, any case; "Central Asia" (or `XCA`,
    «Центральная Азия») means the five. () if unknown. `CA` is Canada."""
    text = token.strip()
    if not text:
        return ()
    if text.casefold() in _REGIONS:
        return _REGIONS[text.casefold()]
    russian = russian_country_names().get(text.casefold())
    if russian is not None:
        return (russian,)
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return ()
    return (str(found.alpha_2),)


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


@dataclass(frozen=True)
class Vocabulary:
    """What the record knows: convention codes, topics and organisations (id → label)."""

    conventions: dict[str, str] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    organisation_parents: dict[str, str | None] = field(default_factory=dict)

    def resolve_convention(self, token: str) -> str | None:
        """A code or a full name, any case ("CBD", "Convention on Biological Diversity"); also
        the name without "the" or punctuation, "<code> Convention" ("Aarhus Convention"), the
        name a convention is known by in brackets ("Ramsar Convention"), or words found in
        one convention's name only ("biological diversity"). None when unknown or ambiguous."""
        return _lookup(token, self.conventions) or _convention_by_name(token, self.conventions)

    def resolve_topic(self, token: str) -> str | None:
        return _lookup(token, self.topics)

    def resolve_organisation(self, token: str) -> str | None:
        return _lookup(token, self.organisations)

    def descendants(self, organisation_ids: Iterable[str]) -> tuple[str, ...]:
        """These organisations and all below them: DG ENV counts as the Commission."""
        wanted = set(organisation_ids)
        changed = True
        while changed:
            below = {
                child for child, parent in self.organisation_parents.items() if parent in wanted
            }
            changed = not below <= wanted
            wanted |= below
        return tuple(sorted(wanted))


_PUNCTUATION = re.compile(r"[^\w\s]")
_BRACKETED = re.compile(r"\(([^()]+)\)")
_NOISE = frozenset({"the", "a", "an", "of", "on", "to", "for", "and", "in", "un"})


def _words(text: str) -> list[str]:
    """Lower-case words, punctuation and dashes as spaces ("UNECE-Water" → unece, water)."""
    return _PUNCTUATION.sub(" ", text.casefold().replace("_", " ")).split()


def _convention_by_name(token: str, conventions: dict[str, str]) -> str | None:
    wanted = _words(token)
    if not wanted:
        return None
    plain = " ".join(w for w in wanted if w not in ("the",))
    exact: list[str] = []
    partial: list[str] = []
    for code, name in conventions.items():
        names = {" ".join(_words(name)), " ".join(w for w in _words(name) if w != "the")}
        names |= {" ".join(_words(alias)) for alias in _BRACKETED.findall(name)}
        for suffix in ("convention", "agreement", "protocol"):
            names.add(f"{' '.join(_words(code))} {suffix}")
        if plain in names:
            exact.append(code)
            continue
        meaningful = [w for w in wanted if w not in _NOISE]
        if meaningful and set(meaningful) <= set(_words(name)) | set(_words(code)):
            partial.append(code)
    found = exact or partial
    return found[0] if len(found) == 1 else None


def _lookup(token: str, labelled: dict[str, str]) -> str | None:
    """Match an id or a label, ignoring case and surrounding space."""
    needle = token.strip().casefold()
    for key, label in labelled.items():
        if needle in (key.casefold(), label.casefold()):
            return key
    return None
