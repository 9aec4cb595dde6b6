"""What the record's acronyms and codes mean, for tooltips, table captions and the Glossary page.

Three sources: the terms below (meeting series, bodies, programmes and the record's own codes),
the conventions table (code → full name) and the organisations table, whose names end with
their acronym in brackets ("European External Action Service (EEAS)"). `terms_in` finds which
of them a piece of text uses, so a table can explain the codes it shows.

The explanations and group names are interface text, in the current language (the constants
below are marked, `_()` is called where a glossary is made); convention and organisation names
are the record's own, in Russian where it holds them. The terms themselves stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from cooptrack import i18n
from cooptrack.db.schema import MEETING_KINDS
from cooptrack.db.store import Store
from cooptrack.i18n import N_, _
from cooptrack.query.codes import kind_name
from cooptrack.reference import CENTRAL_ASIA_CODE


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str
    group: str
    link: str | None = None  # an official address, where the record holds one


MEETINGS = N_("Meetings and bodies")
PROGRAMMES = N_("Projects and programmes")
CONVENTIONS = N_("Conventions")
ORGANISATIONS = N_("Organisations")
CODES = N_("Codes in the record")

STATUS_MEANINGS = {
    "proposed": N_("suggested at the meeting, not yet agreed (open)"),
    "agreed": N_("agreed at the meeting (open)"),
    "in-progress": N_("being carried out, as a follow-up note reports (open)"),
    "fulfilled": N_("done, as a later meeting or note records (closed)"),
    "superseded": N_("replaced by a later commitment (closed)"),
    "dropped": N_("given up (closed)"),
}
MEETING_STATUS_MEANINGS = {
    "planned": N_("announced, not yet held"),
    "held": N_("took place"),
    "postponed": N_("put off to a date not yet recorded"),
    "cancelled": N_("will not take place"),
}
CONFIDENCE_MEANINGS = {
    "H": N_("high: an official or first-hand page states it"),
    "M": N_("medium: a news or secondary page states it"),
    "L": N_("low: indirect or conflicting sources"),
}

STATIC: tuple[Term, ...] = (
    Term("WGECC", N_("EU–Central Asia Working Group on Environment and Climate Change"), MEETINGS),
    Term("HLC", N_("EU–Central Asia High-Level Conference on Environment and Water"), MEETINGS),
    Term(
        "COP",
        N_(
            "Conference of the Parties: the decision-making meeting of a convention's member "
            "states; COP26 is the 26th"
        ),
        MEETINGS,
    ),
    Term(
        "MOP",
        N_(
            "Meeting of the Parties: the decision-making meeting of a protocol or of a UNECE "
            "convention; MOP8 is the 8th"
        ),
        MEETINGS,
    ),
    Term("CACCC", N_("Central Asia Climate Change Conference"), MEETINGS),
    Term("EU", N_("European Union"), ORGANISATIONS),
    Term("EC", N_("European Commission"), ORGANISATIONS),
    Term("DG", N_("Directorate-General: a department of the European Commission"), ORGANISATIONS),
    Term("MFA", N_("Ministry of Foreign Affairs"), ORGANISATIONS),
    Term(
        "CA",
        N_("Central Asia: Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan"),
        CODES,
    ),
    Term(
        CENTRAL_ASIA_CODE,
        N_("the five Central Asian countries together, as a country filter (not an ISO country)"),
        CODES,
    ),
    Term(
        "TEI", N_("Team Europe Initiative: EU and member states' programmes joined up"), PROGRAMMES
    ),
    Term("SECCA", N_("Sustainable Energy Connectivity in Central Asia (EU project)"), PROGRAMMES),
    Term("CAWEP", N_("Central Asia Water and Energy Program (World Bank)"), PROGRAMMES),
    Term(
        "CAMP4ASB",
        N_("Climate Adaptation and Mitigation Program for the Aral Sea Basin (World Bank)"),
        PROGRAMMES,
    ),
    Term("EURECA", N_("EU Regional Environment Programme for Central Asia (2009)"), PROGRAMMES),
    Term(
        "NDC", N_("Nationally Determined Contribution: a country's climate plan under Paris"), CODES
    ),
    Term(
        "SEA", N_("Strategic Environmental Assessment (a protocol to the Espoo Convention)"), CODES
    ),
    Term("PRTR", N_("Pollutant Release and Transfer Registers (a protocol to Aarhus)"), CODES),
    Term("EUR", N_("euro"), CODES),
    Term("USD", N_("US dollar"), CODES),
    Term("tbc", N_("to be confirmed: the dates are announced but not fixed"), CODES),
    *(Term(code, meaning, CODES) for code, meaning in CONFIDENCE_MEANINGS.items()),
)
# Single letters are codes only in their own column (confidence), never found in running text.
_NOT_IN_TEXT = frozenset(CONFIDENCE_MEANINGS)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9 &/.-]{1,30})\)\s*$")
_LOOKS_LIKE_ACRONYM = re.compile(r"[A-Z][A-Z0-9&.-]*(?: [A-Z][A-Z0-9&.-]*)?")
_TRAILING_BRACKETS = re.compile(r"\s*\([^()]{1,40}\)\s*$")


def glossary(store: Store) -> list[Term]:
    """Every term, grouped and sorted: the fixed ones, the conventions, the organisations; the
    explanations in the current language."""
    language = {"lang": i18n.current()}
    conventions = [
        Term(str(code), str(name), CONVENTIONS, str(url) if url else None)
        for code, name, url in store.rows(
            "SELECT code, name_in(name, name_ru, $lang), url FROM conventions ORDER BY code",
            language,
        )
    ]
    known = {t.term for t in (*STATIC, *conventions)}
    organisations = []
    for name, short, shown in store.rows(
        "SELECT name, short_name, name_in(name, name_ru, $lang) FROM organisations ORDER BY name",
        language,
    ):
        for acronym, english in _organisation_acronyms(str(name), str(short)):
            if acronym not in known:
                known.add(acronym)
                meaning = english if shown == name else _without_acronym(str(shown))
                organisations.append(Term(acronym, meaning, ORGANISATIONS))
    order = {MEETINGS: 0, CONVENTIONS: 1, ORGANISATIONS: 2, PROGRAMMES: 3, CODES: 4}
    static = [replace(t, meaning=_(t.meaning)) for t in STATIC]
    every = sorted(
        [*static, *conventions, *organisations], key=lambda t: (order[t.group], t.term.casefold())
    )
    return [replace(t, group=_(t.group)) for t in every]


def _without_acronym(name: str) -> str:
    """A name in another language without the acronym in brackets it may end with."""
    return _TRAILING_BRACKETS.sub("", name).strip() or name


def _organisation_acronyms(name: str, short: str) -> list[tuple[str, str]]:
    """("EEAS", "European External Action Service") from "European External Action Service
    (EEAS)"; "IMELS/MATTM" gives both; a short name that is an acronym counts too."""
    found: list[tuple[str, str]] = []
    match = _ACRONYM.search(name)
    full = name[: match.start()].strip() if match else name
    if match:
        for part in re.split(r"[/,]", match.group(1)):
            if _LOOKS_LIKE_ACRONYM.fullmatch(part.strip()):
                found.append((part.strip(), full))
        if not found and _LOOKS_LIKE_ACRONYM.fullmatch(full):  # "MWH (Montgomery Watson Harza)"
            found.append((full, match.group(1).strip()))
    if short != name and _LOOKS_LIKE_ACRONYM.fullmatch(short) and len(short) <= 12:
        found.append((short, full))
    return [(acronym, meaning) for acronym, meaning in found if acronym != meaning]


def terms_in(texts: Iterable[str], terms: Sequence[Term]) -> list[Term]:
    """The terms that `texts` use, in glossary order (a code followed by digits counts: COP26)."""
    wanted = [t for t in terms if t.term not in _NOT_IN_TEXT]
    if not wanted:
        return []
    names = sorted({t.term for t in wanted}, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9-])(" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z-])"
    )
    seen: set[str] = set()
    for text in texts:
        seen.update(pattern.findall(text))
    return [t for t in wanted if t.term in seen]


def kind_meanings() -> dict[str, str]:
    """Meeting kinds as the record codes them, with their names in the current language."""
    return {kind: kind_name(kind) for kind in MEETING_KINDS}
