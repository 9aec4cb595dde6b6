"""Russian word forms through pymorphy3 (offline dictionaries): a city named in any case, an
ordinal written as a word, a chair's name put back in the nominative.

pymorphy3 and its dictionaries load on first use (about 0.05 s), so a command that reads no
Russian never pays for them. Every answer is cached: a release repeats its words.
"""

from __future__ import annotations

import functools
from typing import Any

_ORDINAL_LEMMAS = {
    word: number
    for number, word in enumerate(
        (
            "первый",
            "второй",
            "третий",
            "четвертый",
            "пятый",
            "шестой",
            "седьмой",
            "восьмой",
            "девятый",
            "десятый",
            "одиннадцатый",
            "двенадцатый",
            "тринадцатый",
            "четырнадцатый",
            "пятнадцатый",
            "шестнадцатый",
            "семнадцатый",
            "восемнадцатый",
            "девятнадцатый",
            "двадцатый",
        ),
        start=1,
    )
}
MAX_WORD = 40  # longer "words" are not Russian words; they are not looked up


@functools.cache
def _analyzer() -> Any:
    import pymorphy3  # type: ignore[import-untyped]  # noqa: PLC0415 - loaded on first use

    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=4096)
def _parses(word: str) -> tuple[Any, ...]:
    if not word or len(word) > MAX_WORD:
        return ()
    return tuple(_analyzer().parse(word))


def ordinal(word: str) -> int | None:
    """1 for "первом", 2 for "Второе", 5 for "Пятой"; None for any other word."""
    for parse in _parses(word.lower()):
        if "Anum" in parse.tag:
            number = _ORDINAL_LEMMAS.get(parse.normal_form.replace("ё", "е"))
            if number is not None:
                return number
    return None


def place_lemmas(word: str) -> tuple[str, ...]:
    """The dictionary forms a word may be the place name of ("Ашхабаде" -> "ашхабад")."""
    return tuple(dict.fromkeys(p.normal_form for p in _parses(word.lower()) if "Geox" in p.tag))


def is_modifier(word: str) -> bool:
    """True for a word that can stand before a meeting's name and qualify it: an adjective,
    participle or numeral ("Центральноазиатская", "региональной"); a verb ("прошёл") or a
    preposition ends the name."""
    return any(
        p.tag.POS in ("ADJF", "ADJS", "PRTF", "NUMR") or "Anum" in p.tag
        for p in _parses(word.lower())
    )


def could_be_name(word: str) -> bool:
    """True for a word that may be a person's name: one the dictionary knows as a first name,
    surname or patronymic, or one it does not know at all (most foreign names)."""
    parses = _parses(word)
    if any({"Name", "Surn", "Patr"} & set(p.tag.grammemes) for p in parses):
        return True
    return bool(parses) and not _analyzer().word_is_known(word.lower())


def is_plural(word: str) -> bool:
    """True when every reading of the word is plural ("семинарах"), so it names several
    meetings, not one."""
    parses = _parses(word.lower())
    return bool(parses) and all(p.tag.number == "plur" for p in parses)


def nominative(word: str) -> str:
    """A person's name or surname from the genitive or instrumental a chair is written in
    ("Нысанбаева" -> "Нысанбаев"), capitalised as given; words pymorphy3 cannot decline
    (foreign names such as "Коццоне", initials) are kept as they are."""
    if not word[:1].isupper() or "." in word:
        return word
    for parse in _parses(word):
        tag = parse.tag
        if tag.case in ("gent", "ablt", "accs") and ({"Name", "Surn", "Patr"} & set(tag.grammemes)):
            form = parse.inflect({"nomn"})
            if form is not None:
                return _like(form.word, word)
            break
    return word


def _like(form: str, model: str) -> str:
    if model.isupper():
        return form.upper()
    return form[:1].upper() + form[1:]
