"""The countries taking part in the reported meeting, by the role the text gives them.

A country counts when it is named as a participant: its ministers, delegation, government,
ministry, embassy, experts or representatives ("the foreign ministers of Kazakhstan, …",
"Turkmen representatives", "the Italian Ministry", "эксперты стран Центральной Азии"), or in
the clause that says who chairs the meeting ("co-chaired by Italy …"); a list continues the
role of its first member. It does not count as a place ("in Afghanistan", "Dushanbe,
Tajikistan", "в Казахстане"), as a funder, as the subject of a war or an example, or in a
sentence about another meeting only. An EU–Central Asia meeting has the five Central Asian
countries as parties.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from cooptrack.ingest.press import gazetteer
from cooptrack.ingest.press.gazetteer import Hit
from cooptrack.reference import CENTRAL_ASIA

_ROLE_EN = (
    r"(?:ministers?|ministry|ministries|delegations?|delegates|representatives?|officials|"
    r"experts|participants|governments?|embassy|embassies|committees?|agency|agencies|"
    r"authorities|heads|leaders|members|specialists|ambassadors|students|scientists|"
    r"diplomats|deputies|side|sides|team|teams|people|youth|presidency|chairmanship|"
    r"organi[sz]ers|hosts?)"
)
_ROLE_RU = (
    r"(?:делегаци|представител|министр|министерств|МИД|глав|эксперт|специалист|участник|"
    r"правительств|посольств|член|ведомств|сотрудник|дипломат|сторон|комитет)"
)
# "the foreign ministers of the five …", "experts on water from the …", "Ministry of Foreign
# Affairs of …": a role word, a few words, then "of"/"from" just before the country
_BEFORE_EN = re.compile(
    rf"\b{_ROLE_EN}\b(?:[\s,]++[\w'’-]++){{0,8}}?\s++(?:of|from)\s++(?:the\s++)?"
    r"(?:[\w-]++\s++){0,3}$",
    re.I,
)
# "Делегация Туркменистана", "министров иностранных дел стран …", "Специалисты из стран …"
_BEFORE_RU = re.compile(
    rf"{_ROLE_RU}\w*+(?:\s++[а-яё-]++){{0,4}}?\s++(?:(?:из|от)\s++)?(?:[а-яё-]++\s++){{0,2}}$",
    re.I,
)
# "Turkmen representatives", "the Italian Ministry", "Tajik Foreign Ministry",
# "Turkmenistan's State Committee", "Central Asian ministers", "туркменская делегация"
_AFTER = re.compile(
    rf"(?:n|ns|['’]s)?(?:\s++[\w-]++){{0,2}}?\s++(?:{_ROLE_EN}|{_ROLE_RU}\w*+)\b",
    re.I,
)
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|to|into|across|throughout|near|against|towards?|involving|including|"
    r"such as|like|between)|(?<![\w-])(?:во?|на|по|против|для))\s++(?:the\s++)?$",
    re.I,
)
# "with funding from the Government of Norway", "при поддержке Правительства …": a funder
_FUNDER_BEFORE = re.compile(
    r"(?:\b(?:funded|financed|sponsored|supported)\s++by|\b(?:funding|financing|grants?|"
    r"support|contributions?)\s++(?:of|from)|\bwith\s++(?:the\s++)?(?:financial\s++)?support"
    r"|\bпри\s++(?:финансовой\s++)?поддержке|\bза\s++счёт|\bфинансируем\w*+|"
    r"\bпрофинансирова\w*+)\b[^.;]{0,30}+$",
    re.I,
)
_WAR_AFTER = re.compile(r"['’]s\s++(?:war|invasion|aggression)|\s++war\b", re.I)
_CHAIN = re.compile(
    r"(?:\s*+(?:,|and|и|as well as|а также|&)\s*+)++(?:the\s++)?(?:all\s++)?"
    r"(?:Republic\s++of\s++)?"
)
WINDOW = 110  # characters read before a country for its role


def taking_part(
    text: str,
    eligible: Callable[[int], bool],
    *,
    chair_clauses: list[tuple[int, int]],
    eu_central_asia: bool,
    evidence: Callable[[int], str],
    main_sentence: str,
) -> list[dict[str, str]]:
    """[{"code", "evidence"}] of the countries taking part, in the order first named."""
    hits = [h for h in gazetteer.country_words(text) if eligible(h.start)]
    counted: dict[str, str] = {}
    for group in _chains(text, hits):
        if any(_excluded(text, hit) for hit in group[:1]):
            continue
        if any(_has_role(text, hit, chair_clauses) for hit in group):
            for hit in group:
                if not _excluded(text, hit):
                    counted.setdefault(hit.code, evidence(hit.start))
    if eu_central_asia:
        for code in CENTRAL_ASIA:
            counted.setdefault(code, main_sentence)
    return [{"code": code, "evidence": sentence} for code, sentence in counted.items()]


def _chains(text: str, hits: list[Hit]) -> list[list[Hit]]:
    """Hits joined by commas and "and" ("Kazakhstan, the Kyrgyz Republic … and Uzbekistan")
    as one list; the hits of one span (a region's five countries) stay together."""
    groups: list[list[Hit]] = []
    last_end = -1
    for hit in hits:
        if groups and hit.start < last_end:  # the same span, or one inside it
            groups[-1].append(hit)
            continue
        if groups and _CHAIN.fullmatch(text, last_end, hit.start):
            groups[-1].append(hit)
        else:
            groups.append([hit])
        last_end = max(last_end, hit.end)
    return groups


def _excluded(text: str, hit: Hit) -> bool:
    before = text[max(0, hit.start - 40) : hit.start]
    if _PLACE_BEFORE.search(before) or _FUNDER_BEFORE.search(before):
        return True
    if _WAR_AFTER.match(text, hit.end):
        return True
    return _after_a_city(before)


def _after_a_city(before: str) -> bool:
    """The venue's country after its city: "Dushanbe, Tajikistan", "Astana (Kazakhstan)"."""
    match = re.search(r"([\w'’-]++(?:\s++[\w'’-]++)?)(?:,|\s*+\()\s*+$", before)
    if not match:
        return False
    words = match.group(1).split()
    return any(gazetteer.city_named(w) for w in [match.group(1), *words[-1:]])


def _has_role(text: str, hit: Hit, chair_clauses: list[tuple[int, int]]) -> bool:
    if _in_clause(hit.start, chair_clauses):
        return True
    before = text[max(0, hit.start - WINDOW) : hit.start]
    before = before[max(before.rfind(". "), before.rfind("\n")) + 1 :]
    if _BEFORE_EN.search(before) or _BEFORE_RU.search(before):
        return True
    return bool(_AFTER.match(text[hit.end : hit.end + 60]))


def _in_clause(position: int, clauses: list[tuple[int, int]]) -> bool:
    starts = [start for start, _ in clauses]
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and position < clauses[index][1]
